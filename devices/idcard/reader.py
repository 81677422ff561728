"""``IdCardReader``: the SAM driver and its presence poll (events and statuses: events.py).

Commands (domain.md §1.3) are available one by one (``find_card``, ``select_card``,
``read_card``, ``check_sam``...) and as the kiosk uses them: a background thread that polls for
a card and raises past-tense events through one callback. The driver recovers by itself from a
vanished port (unplugged, I/O error, no answer) by reopening it with backoff.

What it does not do: decide what the kiosk does with a card (the flow does), validate the
card's number or expiry (the domain does), or touch any screen.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from devices.health import Health
from devices.idcard.events import (
    DEVICE_ID,
    STATUS_HEALTH,
    CardPlaced,
    CardRead,
    CardRemoved,
    ReaderConnected,
    ReaderDisconnected,
    ReaderError,
    ReaderEvent,
    ReaderFault,
    ReaderStatus,
)
from devices.idcard.frames import NO_NEW_ADDRESS_SW3, Action, Command, Sw3
from devices.idcard.identity import CardDataError, Identity, decode_new_addresses, decode_text
from devices.idcard.photo import NoPhotoDecoder, PhotoDecoder
from devices.idcard.protocol import ProtocolError, Response, build_request, decode_sam_id, split_read_data
from devices.idcard.transport import PortUnavailable, ReplyTimeout, SerialTransport, TransportError

log = logging.getLogger(__name__)

class IdCardReader:
    """The SAM driver on one serial port.

    Args:
        url: the port: ``/dev/idcard``, ``/dev/ttyUSB0``, a pty path, ``loop://``.
        on_event: called with each ``ReaderEvent``, from the poll thread. It should return
            quickly; an exception it raises is logged and swallowed.
        baudrate: line speed (115200 unless the reader was reconfigured).
        poll_interval: seconds between presence polls; domain.md §1.6 recommends > 0.3 s.
        status_interval: seconds between SAM status checks while idle ([hev] checks every 3 s).
        header_timeout, frame_timeout: reply timeouts per command (§1.6).
        retries: resends of one request after a garbled answer or a SW3 "resend" status.
        timeouts_before_lost: consecutive unanswered polls after which the port is reopened.
        reconnect_min, reconnect_max: reopen backoff, doubling from min to max seconds.
        read_new_address: also read 追加住址 (``30 03``) after each card read.
        photo_decoder: WLT decoder (photo.py); by default none, and the photo stays raw.
        clock: monotonic seconds, for when the SAM is checked or reset next (tests move it).
    """

    def __init__(
        self,
        url: str,
        on_event: Callable[[ReaderEvent], None] | None = None,
        *,
        baudrate: int = 115200,
        poll_interval: float = 0.5,
        status_interval: float = 3.0,
        header_timeout: float = 2.0,
        frame_timeout: float = 5.0,
        retries: int = 2,
        timeouts_before_lost: int = 2,
        reconnect_min: float = 0.2,
        reconnect_max: float = 5.0,
        read_new_address: bool = False,
        photo_decoder: PhotoDecoder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._clock = clock
        self.on_event = on_event
        self.poll_interval = poll_interval
        self.status_interval = status_interval
        self.retries = retries
        self.timeouts_before_lost = timeouts_before_lost
        self.reconnect_min = reconnect_min
        self.reconnect_max = reconnect_max
        self.read_new_address = read_new_address
        self.photo_decoder: PhotoDecoder = photo_decoder or NoPhotoDecoder()
        self.transport = SerialTransport(
            url, baudrate=baudrate, header_timeout=header_timeout, frame_timeout=frame_timeout
        )
        #: The simulator behind ``sim:`` configurations (set by ``open_reader``), else None.
        self.simulator: object | None = None
        self._owned: list[Callable[[], None]] = []
        self._io = threading.RLock()  # one exchange at a time on the line
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: tuple[ReaderStatus, str] = (ReaderStatus.STOPPED, "")  # one tuple: read atomically
        self.sam_id: str | None = None
        # Poll-loop state, touched only by the poll thread.
        self._link_up: bool | None = None
        self._card_present = False
        self._card_read = False
        self._sam_faulty = False
        self._last_fault: tuple[ReaderStatus, int | None] | None = None
        self._timeouts = 0
        self._next_status_check = 0.0
        self._next_reset = 0.0

    # --- Life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the poll thread (a no-op when it runs)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set_status(ReaderStatus.CONNECTING)
        self._thread = threading.Thread(target=self._run, name="idcard-reader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the poll thread and close the port (a no-op when stopped)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._io:
            self.transport.close()
        self._link_up = None
        self._card_present = self._card_read = False
        self._set_status(ReaderStatus.STOPPED)

    def close(self) -> None:
        """Stop, then release what the reader owns (a simulator started for it)."""
        self.stop()
        while self._owned:
            self._owned.pop()()

    def own(self, release: Callable[[], None]) -> None:
        """Have ``close`` call ``release`` (used by ``open_reader`` for its simulator)."""
        self._owned.append(release)

    def __enter__(self) -> IdCardReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def status(self) -> ReaderStatus:
        return self._state[0]

    def health(self) -> Health:
        """The reader's health for the device manager (device id ``"idcard"``)."""
        status, message = self._state
        state, default = STATUS_HEALTH[status]
        return Health(DEVICE_ID, state, status.value, message or default)

    # --- Commands, one by one (also used by the poll loop) ------------------------------------

    def open(self) -> None:
        """Open the port.

        Raises:
            PortUnavailable: it cannot be opened.
        """
        with self._io:
            self.transport.open()

    def command(self, command: Command, data: bytes = b"", **timeouts: float) -> Response:
        """Send one command and return the SAM's answer, whatever its SW3.

        A garbled answer (``ProtocolError``) or a SW3 asking for a resend (0x10, 0x11) is
        retried up to ``retries`` times.

        Raises:
            PortUnavailable, ReplyTimeout: the line failed or stayed silent.
            ProtocolError: still garbled after the retries.
        """
        request = build_request(command, data=data)
        attempt = 0
        with self._io:
            while True:
                try:
                    response = self.transport.exchange(request, **timeouts)
                except ProtocolError as exc:
                    log.info("idcard %s: garbled answer (%s), attempt %d", command.name, exc, attempt + 1)
                    if attempt >= self.retries:
                        raise
                else:
                    if response.info.action is not Action.RETRY or attempt >= self.retries:
                        return response
                    log.info("idcard %s: SAM asks for a resend (0x%02X)", command.name, response.sw3)
                attempt += 1

    def _expect(self, command: Command, ok: Sw3) -> Response:
        response = self.command(command)
        if response.sw3 != ok:
            raise ReaderError.from_response(command, response)
        return response

    def reset_sam(self) -> None:
        """复位 SAM (``10 FF``). Raises ``ReaderError`` unless it answers 0x90."""
        self._expect(Command.RESET_SAM, Sw3.OK)

    def check_sam(self) -> None:
        """SAM 状态检测 (``11 FF``). Raises ``ReaderError`` unless the SAM is well (0x90)."""
        self._expect(Command.SAM_STATUS, Sw3.OK)

    def read_sam_id(self) -> str:
        """The SAM's number, e.g. ``05.01-20101129-0001228293-0296863149`` (§1.5)."""
        response = self._expect(Command.SAM_ID, Sw3.OK)
        try:
            return decode_sam_id(response.data)
        except ProtocolError as exc:
            raise ReaderError(ReaderStatus.LINK_FAULT, str(exc)) from exc

    def find_card(self) -> bool:
        """寻找证/卡 (``20 01``): True for a card (0x9F), False for none (0x80)."""
        response = self.command(Command.FIND_CARD)
        if response.sw3 in (Sw3.FIND_OK, Sw3.NO_CARD):
            return response.sw3 == Sw3.FIND_OK
        raise ReaderError.from_response(Command.FIND_CARD, response)

    def select_card(self) -> None:
        """选取证/卡 (``20 02``). Raises ``ReaderError`` unless it answers 0x90."""
        self._expect(Command.SELECT_CARD, Sw3.OK)

    def read_card(self) -> Identity:
        """读固定信息 (``30 01``): text and photo, decoded; needs find and select first.

        Raises:
            ReaderError: the SAM refused, or the card's data cannot be decoded (CARD_ERROR).
        """
        response = self._expect(Command.READ_TEXT_PHOTO, Sw3.OK)
        try:
            text, photo, _ = split_read_data(response.data)
            return decode_text(text, photo)
        except (ProtocolError, CardDataError) as exc:
            raise ReaderError(
                ReaderStatus.CARD_ERROR, f"READ_TEXT_PHOTO: {exc}", "身份证信息无法识别，请重新放置"
            ) from exc

    def read_new_addresses(self) -> tuple[str, ...]:
        """读追加住址 (``30 03``): the card's additional addresses; () when it has none."""
        response = self.command(Command.READ_NEW_ADDRESS)
        if response.sw3 == NO_NEW_ADDRESS_SW3:
            return ()
        if response.sw3 != Sw3.OK:
            raise ReaderError.from_response(Command.READ_NEW_ADDRESS, response)
        try:
            return decode_new_addresses(response.data)
        except CardDataError as exc:
            raise ReaderError(ReaderStatus.CARD_ERROR, str(exc), "追加住址无法识别") from exc

    def read_once(self) -> Identity | None:
        """Find, select and read: the identity of the card on the reader, or None for no card.

        Raises:
            ReaderError, PortUnavailable, ReplyTimeout, ProtocolError: as the steps do.
        """
        with self._io:
            if not self.find_card():
                return None
            return self._select_and_read()

    def _select_and_read(self) -> Identity:
        self.select_card()
        identity = self.read_card()
        if self.read_new_address:
            try:
                identity = dataclasses.replace(identity, new_addresses=self.read_new_addresses())
            except (ReaderError, ReplyTimeout, ProtocolError) as exc:
                log.warning("idcard: additional address not read: %s", exc)
        return identity

    # --- The poll loop -------------------------------------------------------------------------

    def _emit(self, event: ReaderEvent) -> None:
        if isinstance(event, ReaderFault):
            log.warning("idcard fault: %s %s", event.status.value, event.detail)
        else:
            log.info("idcard event: %s", type(event).__name__)
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            log.exception("idcard: event handler failed on %s", type(event).__name__)

    def _set_status(self, status: ReaderStatus, message: str = "") -> None:
        self._state = (status, message)

    def _fault(self, error: ReaderError) -> None:
        """Enter the error's status; raise a ``ReaderFault`` unless the same one is standing."""
        self._set_status(error.status, error.message)
        key = (error.status, error.sw3)
        if key != self._last_fault:
            self._last_fault = key
            self._emit(error.as_fault())

    def _run(self) -> None:
        backoff = self.reconnect_min
        while not self._stop.is_set():
            if not self.transport.is_open:
                if not self._connect():
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self.reconnect_max)
                    continue
                backoff = self.reconnect_min
            try:
                self._poll()
                self._timeouts = 0
                self._last_fault = None  # a clean poll: the next fault is news again
            except PortUnavailable as exc:
                self._lost("读卡器通信中断", str(exc))
                continue
            except ReplyTimeout as exc:
                self._timeouts += 1
                log.info("idcard: no answer (%d in a row): %s", self._timeouts, exc)
                if self._timeouts >= self.timeouts_before_lost:
                    self._lost("读卡器无应答", str(exc))
                    continue
            except ProtocolError as exc:
                self._fault(ReaderError(ReaderStatus.LINK_FAULT, str(exc)))
            except ReaderError as exc:
                self._handle(exc)
            except Exception as exc:  # a bug must not end polling on a kiosk nobody watches
                log.exception("idcard: poll failed")
                self._fault(ReaderError(ReaderStatus.LINK_FAULT, repr(exc)))
            self._stop.wait(self.poll_interval)

    def _connect(self) -> bool:
        """Open the port and check the SAM; False (and the port closed) if that failed."""
        sam_error: ReaderError | None = None
        try:
            with self._io:
                self.transport.open()
                try:
                    self.check_sam()
                except ReaderError as exc:
                    if exc.status is not ReaderStatus.SAM_FAULT:
                        raise
                    sam_error = exc  # the reader is there, its SAM is not well
                if sam_error is None:
                    self.sam_id = self._sam_id_or_none()
        except (PortUnavailable, ReplyTimeout, ProtocolError, ReaderError) as exc:
            with self._io:
                self.transport.close()
            self._set_status(ReaderStatus.DISCONNECTED)
            if self._link_up is not False:
                self._link_up = False
                self._emit(ReaderDisconnected(self.url, f"读卡器未连接：{exc}"))
            return False
        self._link_up = True
        self._timeouts = 0
        self._last_fault = None
        self._card_present = self._card_read = False
        self._next_status_check = self._clock() + self.status_interval
        self._set_status(ReaderStatus.READY)
        self._emit(ReaderConnected(self.url, self.sam_id))
        if sam_error is not None:
            self._handle(sam_error)
        return True

    def _sam_id_or_none(self) -> str | None:
        try:
            return self.read_sam_id()
        except ReaderError as exc:  # the photo decoder may need it; the reader works without
            log.warning("idcard: SAM number not read: %s", exc.detail)
            return None

    def _lost(self, reason: str, detail: str) -> None:
        log.warning("idcard: link lost (%s): %s", reason, detail)
        with self._io:
            self.transport.close()
        self._timeouts = 0
        self._card_present = self._card_read = False
        self._set_status(ReaderStatus.DISCONNECTED, reason)
        if self._link_up:
            self._link_up = False
            self._emit(ReaderDisconnected(self.url, reason))

    def _handle(self, error: ReaderError) -> None:
        """React to a failed command as the SW3 table says (frames.Action)."""
        if error.status is ReaderStatus.SAM_FAULT:
            self._sam_faulty = True
        self._fault(error)
        now = self._clock()
        if error.action in (Action.ALARM, Action.RESET_SAM) and now >= self._next_reset:
            self._next_reset = now + self.status_interval  # not more often than status checks
            try:
                self.reset_sam()
            except (ReaderError, ProtocolError, TransportError) as exc:  # the next poll sees a lost port
                log.warning("idcard: SAM reset failed: %s", exc)
            self._next_status_check = 0.0  # check at once whether the reset helped

    def _poll(self) -> None:
        """One presence poll: check the SAM when due, find, and read a new card once."""
        now = self._clock()
        if self._sam_faulty or now >= self._next_status_check:
            self._next_status_check = now + self.status_interval
            self.check_sam()  # raises while the SAM is unwell
            if self._sam_faulty:
                self._sam_faulty = False
                log.info("idcard: SAM well again")
        if not self._card_is_there():
            if self._card_present:
                self._card_present = self._card_read = False
                self._emit(CardRemoved())
            self._set_status(ReaderStatus.READY)
            return
        if not self._card_present:
            self._card_present = True
            self._emit(CardPlaced())
        if self._card_read:
            self._set_status(ReaderStatus.CARD_PRESENT)
            return
        with self._io:
            identity = self._select_and_read()
        photo = self.photo_decoder.decode(identity.photo_wlt, self.sam_id)
        self._card_read = True
        self._set_status(ReaderStatus.CARD_PRESENT)
        self._emit(CardRead(identity, photo))

    def _card_is_there(self) -> bool:
        if self.find_card():
            return True
        if not self._card_read:
            return False
        # A SAM may answer "no card" to find while a card it has already read stays in the
        # field (readers differ); a card that still answers select has not been removed.
        try:
            self.select_card()
        except ReaderError:
            return False
        return True
