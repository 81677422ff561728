"""The receipt print queue: print now if the printer is ready, else wait and try again later.

``ReceiptPrinter.submit(receipt)`` never blocks the citizen on a fault: it returns ``WAITING`` and
the UI says "回执稍后打印". Waiting jobs are offered again by ``retry_pending()`` (called by the
background poller from ``start()``, or by the caller). Each ``job_id`` is printed at most once
per journal: a job is marked printed only after its bytes were written and the status read back
afterwards said the printer is still able to print.

What "exactly once" can and cannot mean here. We can promise: a job marked printed is never sent
again, also after a restart; a job is never marked printed when the write failed or the printer
reported paper out / cover open / offline / error right after. We cannot promise a printer that
loses power or paper mid-job did not print part of (or all of) a receipt before we learned of it:
``DLE EOT`` is a real-time status, answered when the query arrives, not when the buffered lines
have come out, and a write that fails half-way may have delivered most of the receipt. Such a job
is retried, so the person may get a second (complete) copy: we prefer a duplicate receipt over a
missing one. A stronger "printed through" check (Epson ``GS ( H`` process-id response) is not
supported by most printers sold in China, so it is not used. Waiting receipts live in memory only
(the journal holds ids, never content), so after a restart the kiosk must submit them again;
``Journal.unfinished()`` says which ids those are.

Thread-safe: one lock serialises the transport. Logs hold job ids only.
"""
from __future__ import annotations

import enum
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

from devices.health import DeviceState, Health
from devices.printers.receipt.encoder import EncoderOptions, encode_receipt
from devices.printers.receipt.journal import Journal, JobState
from devices.printers.receipt.model import Receipt
from devices.printers.receipt.status import (
    QUERIES, PrinterStatus, StatusParseError, check_reply, parse_status,
)
from devices.printers.receipt.transport import EscposTransport, StatusUnsupported, TransportError

log = logging.getLogger(__name__)
DEVICE_ID = "receipt_printer"


class SubmitResult(enum.Enum):
    PRINTED = "printed"
    WAITING = "waiting"  # UI: "回执稍后打印"
    ALREADY_PRINTED = "already_printed"


@dataclass(frozen=True)
class ReceiptPrinted:
    job_id: str


@dataclass(frozen=True)
class ReceiptWaiting:
    job_id: str
    status: PrinterStatus


ReceiptEvent = Union[ReceiptPrinted, ReceiptWaiting]

_HEALTH: dict[PrinterStatus, tuple[DeviceState, str]] = {
    PrinterStatus.READY: (DeviceState.READY, "回执打印机工作正常"),
    PrinterStatus.PAPER_NEAR_END: (DeviceState.DEGRADED, "回执打印纸即将用完，请及时更换纸卷"),
    PrinterStatus.PAPER_OUT: (DeviceState.UNAVAILABLE, "回执打印机缺纸，请装入新的纸卷"),
    PrinterStatus.COVER_OPEN: (DeviceState.UNAVAILABLE, "回执打印机纸仓盖未合上，请合好纸仓盖"),
    PrinterStatus.OFFLINE: (DeviceState.UNAVAILABLE, "回执打印机处于离线状态，请检查面板指示灯"),
    PrinterStatus.ERROR: (DeviceState.UNAVAILABLE, "回执打印机故障（如切刀卡纸），请联系技术人员处理"),
    PrinterStatus.DISCONNECTED: (DeviceState.DISCONNECTED, "无法连接回执打印机，请检查数据线、电源或网络"),
}


class ReceiptPrinter:
    """Print queue for one ESC/POS receipt printer.

    Args:
        transport: a URI (``tcp://…``, ``serial://…``, ``usb://…``, ``file://…``) or a transport.
        journal: path of the SQLite job journal (or a ``Journal``).
        options: encoder options for this printer model.
        on_event: called with ``ReceiptPrinted`` / ``ReceiptWaiting`` from the printing thread.
    """

    def __init__(self, transport: str | EscposTransport, journal: Path | str | Journal,
                 options: EncoderOptions | None = None,
                 on_event: Callable[[ReceiptEvent], None] | None = None) -> None:
        self.transport = EscposTransport(transport) if isinstance(transport, str) else transport
        self.journal = journal if isinstance(journal, Journal) else Journal(journal)
        self.options = options or EncoderOptions()
        self.on_event = on_event
        self._pending: OrderedDict[str, Receipt] = OrderedDict()
        self._lock = threading.RLock()
        self._last_status = PrinterStatus.DISCONNECTED
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- public API ---------------------------------------------------------------------------------
    def submit(self, receipt: Receipt) -> SubmitResult:
        """Print ``receipt`` now if possible, otherwise queue it.

        Returns:
            PRINTED, WAITING (queued; it prints when the printer is ready) or ALREADY_PRINTED.
        """
        with self._lock:
            if self.journal.state(receipt.job_id) is JobState.PRINTED:
                return SubmitResult.ALREADY_PRINTED
            self._pending[receipt.job_id] = receipt
            self.journal.mark_waiting(receipt.job_id)
            return self._try(receipt)

    def retry_pending(self) -> list[str]:
        """Offer every waiting job to the printer again, oldest first; stop at the first that waits.

        Returns:
            The job ids printed by this call.
        """
        printed: list[str] = []
        with self._lock:
            for receipt in list(self._pending.values()):
                if self._try(receipt) is not SubmitResult.PRINTED:
                    break
                printed.append(receipt.job_id)
        return printed

    @property
    def pending_jobs(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._pending)

    def discard(self, job_id: str) -> None:
        """Never print ``job_id`` here (its person left); the journal keeps the id for staff."""
        with self._lock:
            self._pending.pop(job_id, None)
            if self.journal.state(job_id) is not JobState.PRINTED:
                self.journal.mark_discarded(job_id)

    def discard_pending(self) -> int:
        """Drop every waiting receipt (the session wipe). Returns how many were dropped."""
        with self._lock:
            ids = list(self._pending)
            self._pending.clear()
            for job_id in ids:
                self.journal.mark_discarded(job_id)
        return len(ids)

    def status(self) -> PrinterStatus:
        """Query DLE EOT 1..4 now. A write-only transport (file) counts as READY."""
        with self._lock:
            self._last_status = self._read_status()
            return self._last_status

    def health(self) -> Health:
        """Current health (queries the printer), with the number of receipts waiting."""
        st = self.status()
        state, message = _HEALTH[st]
        waiting = len(self.pending_jobs)
        if waiting:
            message += f"；有{waiting}张回执等待打印"
        return Health(DEVICE_ID, state, st.value, message)

    def start(self, poll_interval: float = 2.0) -> None:
        """Retry waiting jobs every ``poll_interval`` seconds on a daemon thread."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                self._wake.wait(poll_interval)
                self._wake.clear()
                if self.pending_jobs and not self._stop.is_set():
                    self.retry_pending()

        self._thread = threading.Thread(target=loop, daemon=True, name="receipt-queue")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._thread = None

    def close(self) -> None:
        self.stop()
        with self._lock:
            self.transport.close()
            self.journal.close()

    # -- internals ----------------------------------------------------------------------------------
    def _read_status(self) -> PrinterStatus:
        try:
            replies = [check_reply(n, self.transport.query_status(n)) for n in QUERIES]
        except StatusUnsupported:
            return PrinterStatus.READY
        except TransportError:
            return PrinterStatus.DISCONNECTED
        except StatusParseError as exc:
            # Line noise or a non-ESC/POS device: treat as an error state a technician must see.
            log.warning("receipt printer sent a bad status reply: %s", exc)
            self.transport.close()  # resynchronise: stale bytes may sit in the socket
            return PrinterStatus.ERROR
        return parse_status(*replies)

    def _try(self, receipt: Receipt) -> SubmitResult:
        job_id = receipt.job_id
        before = self._read_status()
        self._last_status = before
        if not before.can_print:
            return self._waiting(job_id, before)
        data = encode_receipt(receipt, self.options)
        self.journal.mark_sending(job_id)
        try:
            self.transport.write(data)
        except TransportError as exc:
            log.warning("receipt job %s: write failed (%s); it will be retried", job_id, exc)
            self.journal.mark_waiting(job_id)
            return self._waiting(job_id, PrinterStatus.DISCONNECTED)
        after = self._read_status()
        self._last_status = after
        if not after.can_print:
            # Ambiguous: some or all of the receipt may be on paper. Retry later (see module doc).
            self.journal.mark_waiting(job_id)
            return self._waiting(job_id, after)
        self.journal.mark_printed(job_id)
        self._pending.pop(job_id, None)
        log.info("receipt job %s printed", job_id)
        self._emit(ReceiptPrinted(job_id))
        return SubmitResult.PRINTED

    def _waiting(self, job_id: str, status: PrinterStatus) -> SubmitResult:
        log.info("receipt job %s waiting: printer %s", job_id, status.value)
        self._emit(ReceiptWaiting(job_id, status))
        return SubmitResult.WAITING

    def _emit(self, event: ReceiptEvent) -> None:
        if self.on_event:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - a listener's bug must not break printing
                log.exception("receipt printer listener failed")
