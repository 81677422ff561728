"""What the reader tells the kiosk: its status, its events and its errors.

``ReaderStatus`` is the closed set of states the reader reports as ``Health.code``; events are
past-tense frozen dataclasses delivered to the reader's ``on_event`` callback; ``ReaderError`` is
what the one-by-one commands raise. Data only: no I/O.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.health import DeviceState
from devices.idcard.frames import Action, Command
from devices.idcard.identity import Identity
from devices.idcard.photo import Photo
from devices.idcard.protocol import Response

DEVICE_ID = "idcard"


class ReaderStatus(enum.Enum):
    """The reader's own state, a closed set (reported as ``Health.code``)."""

    STOPPED = "stopped"            # not started
    CONNECTING = "connecting"      # port being opened, SAM being checked
    READY = "ready"                # connected, no card
    CARD_PRESENT = "card_present"  # a card is on the reader
    CARD_ERROR = "card_error"      # a card could not be read: the person should place it again
    LINK_FAULT = "link_fault"      # the SAM answers, but garbled or refusing: retrying
    SAM_FAULT = "sam_fault"        # SAM self-test failed or not authorised: a technician's job
    DISCONNECTED = "disconnected"  # port missing, failing or silent: reopening with backoff


STATUS_HEALTH: dict[ReaderStatus, tuple[DeviceState, str]] = {
    ReaderStatus.STOPPED: (DeviceState.UNAVAILABLE, "读卡器未启动"),
    ReaderStatus.CONNECTING: (DeviceState.STARTING, "正在连接读卡器"),
    ReaderStatus.READY: (DeviceState.READY, "读卡器就绪"),
    ReaderStatus.CARD_PRESENT: (DeviceState.READY, "身份证在读卡区"),
    ReaderStatus.CARD_ERROR: (DeviceState.READY, "身份证读取失败，请重新放置"),
    ReaderStatus.LINK_FAULT: (DeviceState.DEGRADED, "读卡器通信异常，正在重试"),
    ReaderStatus.SAM_FAULT: (DeviceState.UNAVAILABLE, "读卡器安全模块故障，请联系工作人员"),
    ReaderStatus.DISCONNECTED: (DeviceState.DISCONNECTED, "读卡器未连接"),
}

_STATUS_FOR_ACTION: dict[Action, ReaderStatus] = {
    Action.REPLACE_CARD: ReaderStatus.CARD_ERROR,
    Action.FIND_AGAIN: ReaderStatus.CARD_ERROR,
    Action.WRONG_CARD: ReaderStatus.CARD_ERROR,
    Action.ALARM: ReaderStatus.SAM_FAULT,
}  # every other action, met where it was not expected, is a link fault


# --- Events (past tense, frozen: h11 style) ---------------------------------------------------


@dataclass(frozen=True)
class ReaderConnected:
    port: str
    sam_id: str | None = None


@dataclass(frozen=True)
class ReaderDisconnected:
    port: str
    reason: str


@dataclass(frozen=True)
class CardPlaced:
    pass


@dataclass(frozen=True)
class CardRead:
    identity: Identity
    photo: Photo


@dataclass(frozen=True)
class CardRemoved:
    pass


@dataclass(frozen=True)
class ReaderFault:
    """Something went wrong that someone should know about.

    Attributes:
        status: the reader status it puts the reader in.
        message: Chinese text for the person at the kiosk (or the technician, for SAM faults).
        detail: technical detail for logs and the diagnostics screen (no personal data).
        sw3: the SAM's status byte, when the fault came from one.
    """

    status: ReaderStatus
    message: str
    detail: str = ""
    sw3: int | None = None


ReaderEvent = ReaderConnected | ReaderDisconnected | CardPlaced | CardRead | CardRemoved | ReaderFault


class ReaderError(Exception):
    """A command did not succeed. Raised by the one-by-one command methods.

    Attributes:
        status: what this means for the reader (CARD_ERROR, LINK_FAULT or SAM_FAULT).
        message: Chinese text for the person (or technician); by default the status's own.
        detail: the command and the SAM's meaning, for logs.
        sw3: the SAM's status byte, if there was one.
        action: the SW3 table's action, if there was one.
    """

    def __init__(
        self,
        status: ReaderStatus,
        detail: str,
        message: str = "",
        sw3: int | None = None,
        action: Action | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.message = message or STATUS_HEALTH[status][1]
        self.detail = detail
        self.sw3 = sw3
        self.action = action

    @classmethod
    def from_response(cls, command: Command, response: Response) -> ReaderError:
        info = response.info
        status = _STATUS_FOR_ACTION.get(info.action, ReaderStatus.LINK_FAULT)
        detail = f"{command.name}: {info.meaning} (SW3=0x{response.sw3:02X})"
        return cls(status, detail, info.citizen, response.sw3, info.action)

    def as_fault(self) -> ReaderFault:
        return ReaderFault(self.status, self.message, self.detail, self.sw3)
