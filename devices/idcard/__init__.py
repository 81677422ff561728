"""Second-generation ID-card reader over the SAM serial protocol (domain.md §1–§2).

Layers, each usable alone: ``frames`` (constants), ``protocol`` (sans-I/O frames), ``identity``
(the 256-byte text block), ``photo`` (optional WLT decoding), ``transport`` (pyserial),
``reader`` (driver, poll loop, events, health) and ``simulator`` (the card side on a pty).

``open_reader(config)`` is the one entry point for the rest of the kiosk.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from devices.idcard.frames import DEFAULT_BAUDRATE, CardType
from devices.idcard.identity import CardDataError, Identity
from devices.idcard.photo import Photo, load_decoder
from devices.idcard.protocol import ProtocolError
from devices.idcard.reader import (
    CardPlaced,
    CardRead,
    CardRemoved,
    IdCardReader,
    ReaderConnected,
    ReaderDisconnected,
    ReaderError,
    ReaderEvent,
    ReaderFault,
    ReaderStatus,
)

__all__ = [
    "CardDataError", "CardPlaced", "CardRead", "CardRemoved", "CardType", "IdCardReader",
    "Identity", "Photo", "ProtocolError", "ReaderConfig", "ReaderConnected", "ReaderDisconnected",
    "ReaderError", "ReaderEvent", "ReaderFault", "ReaderStatus", "SimulatorRefused", "open_reader",
]

#: Port prefix that starts the simulator in-process: ``sim:resident_valid``, or ``sim:`` for an
#: empty reader.
SIM_PREFIX = "sim:"


class SimulatorRefused(RuntimeError):
    """A ``sim:`` port was configured on a production kiosk (``KIOSK_ENV=production``)."""


@dataclass(frozen=True)
class ReaderConfig:
    """How this kiosk reaches its reader.

    Attributes:
        port: ``/dev/idcard`` (a udev symlink, see README), ``/dev/ttyUSB0``, any pyserial URL,
            or ``sim:<card>`` to run the simulator in-process (refused in production).
        baudrate: 115200 unless the reader was reconfigured.
        poll_interval: seconds between presence polls (≥ 0.3 recommended, §1.6).
        photo_library: path of a vendor WLT decoder (``.so``); None keeps photos raw.
        read_new_address: also read 追加住址 after each card.
        options: further ``IdCardReader`` keyword arguments (timeouts, backoff...).
    """

    port: str = "/dev/idcard"
    baudrate: int = DEFAULT_BAUDRATE
    poll_interval: float = 0.5
    photo_library: str | None = None
    read_new_address: bool = False
    options: Mapping[str, Any] | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ReaderConfig:
        """Build from a config bundle's section; unknown keys go to ``options``."""
        known = {f.name for f in fields(cls)} - {"options"}
        options = {k: v for k, v in values.items() if k not in known}
        return cls(**{k: v for k, v in values.items() if k in known}, options=options or None)


def open_reader(
    config: ReaderConfig | Mapping[str, Any], on_event: Callable[[ReaderEvent], None] | None = None
) -> IdCardReader:
    """Build the reader a configuration asks for (not started: call ``start()``).

    For a ``sim:<card>`` port the simulator is started first and is reachable as
    ``reader.simulator``; ``reader.close()`` stops it.

    Raises:
        SimulatorRefused: a ``sim:`` port while ``KIOSK_ENV=production``.
        ValueError: an unknown simulator card.
    """
    if not isinstance(config, ReaderConfig):
        config = ReaderConfig.from_mapping(config)
    kwargs: dict[str, Any] = dict(
        baudrate=config.baudrate,
        poll_interval=config.poll_interval,
        read_new_address=config.read_new_address,
        photo_decoder=load_decoder(config.photo_library),
    )
    kwargs.update(config.options or {})
    if not config.port.startswith(SIM_PREFIX):
        return IdCardReader(config.port, on_event, **kwargs)
    if os.environ.get("KIOSK_ENV", "").strip().lower() == "production":
        raise SimulatorRefused(f"模拟读卡器不能用于生产环境（port={config.port!r}, KIOSK_ENV=production）")
    from devices.idcard.simulator import CardSimulator  # only when asked for: not in production

    card = config.port[len(SIM_PREFIX) :] or None
    simulator = CardSimulator(card, baudrate=config.baudrate)
    reader = IdCardReader(simulator.start(), on_event, **kwargs)
    reader.simulator = simulator
    reader.own(simulator.stop)
    return reader
