"""A network receipt printer on loopback TCP (raw port 9100 style) for tests, demos and the dev dock.

It reads the bytes with ``parser.EscposParser``, answers ``DLE EOT`` status requests with the bytes
a real printer in the chosen state sends, and turns every receipt (bytes up to a cut) into text and
a PNG (``render.Page``). Its state is set in process (``set_state``) or over a tiny line protocol
on a second loopback port (``state paper_out``), so a dev dock need not import device code.

Behaviour when not ready (paper out, cover open, offline, error): status is still answered, but a
receipt whose printable data arrives then is counted in ``spoiled`` and not kept, as paper that
never came out. ``DISCONNECTED`` closes every connection and stops listening until another state is
set. ``drop_after(n)`` cuts the connection after n more bytes, a cable pulled mid-job.
It binds 127.0.0.1 only. It is not a model of any vendor's buffer sizes or timing.

Run by hand: ``python -m devices.printers.receipt.simulator --port 9100 --out DIR``.
"""
from __future__ import annotations

import argparse
import collections
import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from devices.printers.receipt import parser as p
from devices.printers.receipt.render import Page
from devices.printers.receipt.status import PrinterStatus, replies_for
from devices.simcontrol import ControlServer

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
_NO_PAPER_NEEDED = (p.Initialized, p.StyleChanged, p.KanjiModeChanged)


@dataclass(frozen=True)
class PrintedReceipt:
    """One receipt that came out of the simulated printer."""

    index: int
    text: str
    png: Path | None
    raw: bytes
    page: Page


class ReceiptPrinterSimulator:
    """An ESC/POS printer listening on ``127.0.0.1:port``.

    Args:
        port: TCP port; 0 picks a free one (read ``.port`` after ``start``).
        out_dir: where ``receipt-0001.txt``/``.png`` go; None keeps receipts in memory only.
        paper_width_dots: width of the rendered PNG.
        control_port: if given, also listen there for text commands (``_control_command``).
        keep: how many of the latest receipts stay in ``receipts`` and in ``out_dir``; a
            simulator behind a kiosk that serves thousands of visits must not grow with them.
    """

    def __init__(self, port: int = 0, out_dir: Path | None = None, paper_width_dots: int = 576,
                 control_port: int | None = None, keep: int = 100) -> None:
        self._want_port = port
        self.port = port
        self.out_dir = Path(out_dir) if out_dir else None
        self.width = paper_width_dots
        self.control_port = control_port
        self.receipts: collections.deque[PrintedReceipt] = collections.deque(maxlen=keep)
        self.printed = 0          # every receipt ever printed, also those no longer kept
        self._out = 0             # of those, how many are out (picture saved, in receipts)
        self.errors: list[str] = []
        self.spoiled = 0
        self.incomplete = 0
        self.status_requests = 0
        self._state = PrinterStatus.READY
        self._drop_after: int | None = None
        self._reply_delay = 0.0          # seconds before each status reply; None: never reply
        self._lock = threading.Condition()
        self._server: socket.socket | None = None
        self._control: ControlServer | None = None
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._running = False

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> ReceiptPrinterSimulator:
        self._running = True
        self._listen()
        if self.control_port is not None:
            self._control = ControlServer(self._control_command, self.control_port, "receipt-sim")
            self.control_port = self._control.port
        return self

    def stop(self) -> None:
        self._running = False
        self._unlisten()
        if self._control:
            self._control.close()
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> ReceiptPrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def uri(self) -> str:
        return f"tcp://{HOST}:{self.port}"

    # -- state ------------------------------------------------------------------------------------
    @property
    def state(self) -> PrinterStatus:
        return self._state

    def set_state(self, state: PrinterStatus) -> None:
        """Put the printer in ``state``; DISCONNECTED drops connections and stops listening."""
        with self._lock:
            old, self._state = self._state, state
        if state is PrinterStatus.DISCONNECTED:
            self._unlisten()
        elif old is PrinterStatus.DISCONNECTED and self._running:
            self._listen()

    def set_reply_delay(self, seconds: float | None) -> None:
        """Answer status queries ``seconds`` late (a slow printer), or never (None: silent).

        Raises:
            ValueError: a negative or non-finite delay.
        """
        if seconds is not None and not 0 <= seconds < float("inf"):
            raise ValueError("the reply delay must be a finite number of seconds >= 0")
        with self._lock:
            self._reply_delay = seconds

    def drop_after(self, n_bytes: int) -> None:
        """Close the current/next connection once ``n_bytes`` more bytes have arrived."""
        with self._lock:
            self._drop_after = n_bytes

    def wait_for_receipts(self, count: int, timeout: float = 5.0) -> list[PrintedReceipt]:
        """Block until at least ``count`` receipts were printed (or timeout); return those kept."""
        deadline = time.monotonic() + timeout
        with self._lock:
            # Counted when the receipt is out, not when it was cut: its picture is saved
            # between the two, and a waiter woken in that gap would miss it.
            while self._out < count and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self.receipts)

    def wait_for_receipt(self, after: int, timeout: float = 5.0) -> PrintedReceipt:
        """Block until a receipt comes out after the first ``after``; return the latest.

        Raises:
            TimeoutError: none came out within ``timeout`` seconds.
        """
        got = self.wait_for_receipts(after + 1, timeout)
        if self._out <= after:
            raise TimeoutError(f"no receipt printed within {timeout:.0f} s")
        return got[-1]

    # -- sockets ----------------------------------------------------------------------------------
    def _listen(self) -> None:
        if self._server is not None:
            return
        server = socket.create_server((HOST, self.port or self._want_port))
        self.port = server.getsockname()[1]
        self._server = server
        self._spawn(self._accept_loop, server)

    def _unlisten(self) -> None:
        server, self._server = self._server, None
        if server:
            _close(server)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            _close(conn)

    def _spawn(self, target, *args) -> None:  # noqa: ANN001
        t = threading.Thread(target=target, args=args, daemon=True, name="receipt-sim")
        t.start()
        self._threads = [x for x in self._threads if x.is_alive()] + [t]

    def _accept_loop(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # listening socket closed
            with self._lock:
                self._conns.add(conn)
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        parser = p.EscposParser()
        page, raw, spoiled = Page(), bytearray(), False
        try:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                with self._lock:
                    if self._drop_after is not None:
                        keep = min(len(data), self._drop_after)
                        self._drop_after -= keep
                        data = data[:keep]
                        drop_now = self._drop_after == 0
                        if drop_now:
                            self._drop_after = None
                    else:
                        drop_now = False
                raw += data
                try:
                    parser.receive_data(data)
                    while (event := parser.next_event()) is not p.NEED_DATA:
                        if isinstance(event, p.StatusRequested):
                            self._answer(conn, event.n)
                            if not page.printed_anything:
                                raw.clear()  # keep only the job's own bytes in .raw
                            continue
                        if not self._state.can_print and not isinstance(event, _NO_PAPER_NEEDED):
                            spoiled = True
                        page.feed(event)  # type: ignore[arg-type]
                        if isinstance(event, p.PaperCut):
                            self._finish(page, bytes(raw), spoiled)
                            page, raw, spoiled = Page(), bytearray(), False
                except p.EscposParseError as exc:
                    log.warning("receipt simulator: %s", exc)
                    with self._lock:
                        self.errors.append(str(exc))
                    break
                if drop_now:
                    break
        finally:
            if page.printed_anything:
                with self._lock:
                    self.incomplete += 1
            with self._lock:
                self._conns.discard(conn)
            _close(conn)

    def _answer(self, conn: socket.socket, n: int) -> None:
        state = self._state
        with self._lock:
            self.status_requests += 1
            delay = self._reply_delay
        if state is PrinterStatus.DISCONNECTED or delay is None:
            return
        if delay:
            time.sleep(delay)   # the simulated printer's own slowness, on its own thread
        b = replies_for(state)
        value = (b.printer, b.offline_cause, b.error_cause, b.roll_paper)[n - 1]
        try:
            conn.sendall(bytes((value,)))
        except OSError:
            pass

    def _finish(self, page: Page, raw: bytes, spoiled: bool) -> None:
        with self._lock:
            if spoiled:
                self.spoiled += 1
                self._lock.notify_all()
                return
            self.printed += 1
            index = self.printed
        png = None
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            png = page.save_png(self.out_dir / f"receipt-{index:04d}.png", self.width)
            (self.out_dir / f"receipt-{index:04d}.txt").write_text(page.to_text(), encoding="utf-8")
            gone = index - (self.receipts.maxlen or index)
            for suffix in (".png", ".txt"):
                (self.out_dir / f"receipt-{gone:04d}{suffix}").unlink(missing_ok=True)
        with self._lock:
            self.receipts.append(PrintedReceipt(index, page.to_text(), png, raw, page))
            self._out += 1
            self._lock.notify_all()

    def _control_command(self, line: str) -> str:
        """``state <name>`` | ``drop <n>`` | ``delay <s>`` | ``silent`` | ``status`` | ``last``.

        ``last`` answers ``ok <n> <png path>`` for the latest receipt kept (``ok 0`` before any).
        """
        cmd, _, arg = line.partition(" ")
        try:
            if cmd == "last":
                with self._lock:
                    last = self.receipts[-1] if self.receipts else None
                return f"ok {last.index} {last.png or ''}".rstrip() if last else "ok 0"
            if cmd == "state":
                self.set_state(PrinterStatus(arg))
            elif cmd == "drop":
                self.drop_after(int(arg))
            elif cmd == "delay":
                self.set_reply_delay(float(arg))
            elif cmd == "silent":
                self.set_reply_delay(None)
            elif cmd != "status":
                return f"error unknown command {cmd!r}"
        except ValueError as exc:
            return f"error {exc}"
        return f"ok state={self._state.value} printed={self.printed} spoiled={self.spoiled}"


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Simulated ESC/POS receipt printer on 127.0.0.1")
    ap.add_argument("--port", type=int, default=9100)
    ap.add_argument("--out", type=Path, default=Path("receipts"))
    ap.add_argument("--control-port", type=int, default=None,
                    help="line commands: 'state paper_out', 'drop 100', 'status'")
    ap.add_argument("--width", type=int, default=576)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    sim = ReceiptPrinterSimulator(args.port, args.out, args.width, args.control_port).start()
    log.info("receipt printer simulator on %s, control %s, writing to %s", sim.uri, sim.control_port, args.out)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()
