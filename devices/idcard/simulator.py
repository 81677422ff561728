"""A simulated SAM reader on a pty: the card side of the same protocol, for tests and demos.

The simulator holds the master end of a pseudo-terminal and answers SAM requests with frames
built by ``protocol.build_response``, paced at the configured baud (10 bits a byte), so the
driver on the slave end sees realistic timing through pyserial. The slave is reached through
a stable symlink that the simulator re-points on "plug", as udev re-points ``/dev/idcard``.

Faults can be injected: a corrupted checksum, garbage before a frame, no answer, a SW3 status
(no card, select failure, read failure...), a SAM that fails its self-test, and an unplug in
the middle of a frame. Driven in-process (tests) or by hand::

    python -m devices.idcard.simulator --card resident_valid

which prints the device path and reads commands from stdin (``help`` lists them).

Not for production: ``open_reader`` refuses ``sim:`` ports when ``KIOSK_ENV=production``.
"""
from __future__ import annotations

import argparse
import atexit
import collections
import enum
import os
import queue
import random
import select
import shutil
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.idcard.frames import (
    BITS_PER_BYTE,
    DEFAULT_BAUDRATE,
    NO_NEW_ADDRESS_SW3,
    Command,
    Sw3,
)
from devices.idcard.identity import Identity, encode_new_addresses, encode_text
from devices.idcard.protocol import (
    NEED_DATA,
    FrameParser,
    ProtocolError,
    Request,
    build_response,
    encode_sam_id,
    join_read_data,
)
from devices.idcard.sim_cards import simulated_cards, with_check_digit
from devices.simcontrol import ControlServer

__all__ = ["DEFAULT_SAM_ID", "CardSimulator", "Fault", "main", "simulated_cards", "with_check_digit"]

#: The SAM number of the §1.5 example.
DEFAULT_SAM_ID = "05.01-20101129-0001228293-0296863149"


# --- Faults -----------------------------------------------------------------------------------


class Fault(enum.Enum):
    """Faults the simulator can inject (``inject``)."""

    CHECKSUM_ERROR = "checksum"            # the next answer carries a wrong CHK
    GARBAGE = "garbage"                    # noise bytes before the next answer
    NO_ANSWER = "timeout"                  # the next request is not answered
    NO_CARD = "no_card"                    # find answers 0x80 although a card is there
    SELECT_FAILURE = "select_failure"      # select answers 0x81
    READ_FAILURE = "read_failure"          # read answers 0x41
    SAM_SELF_TEST = "sam_selftest"         # the SAM answers 0x60 until reset (sticky: always)
    UNPLUG_MID_FRAME = "unplug_mid_frame"  # half of the next read answer, then unplugged


#: Faults that are a SW3 status on one command.
_STATUS_FAULTS = {
    Fault.NO_CARD: (Command.FIND_CARD, Sw3.NO_CARD),
    Fault.SELECT_FAILURE: (Command.SELECT_CARD, Sw3.SELECT_FAILED),
    Fault.READ_FAILURE: (Command.READ_TEXT_PHOTO, Sw3.READ_FAILED),
}
#: The command a fault hits when the caller names none (None: the next answer of any kind).
_DEFAULT_TARGET = {Fault.UNPLUG_MID_FRAME: Command.READ_TEXT_PHOTO}


@dataclass
class _Pending:
    """An injected fault and how many more answers it hits (None: until cleared)."""

    fault: Fault | None
    command: Command | None
    remaining: int | None
    sw3: int | None = None

    def hits(self, command: Command | None) -> bool:
        return self.command is None or self.command is command


class CardSimulator:
    """A SAM reader with a card slot, on a pty.

    Args:
        card: the card on the reader at start: a ``simulated_cards()`` name, an ``Identity``, or None.
        link_path: the stable device path (a symlink to the current pty); by default one in a
            fresh temporary directory.
        baudrate: pacing of both directions (10 bits per byte).
        paced: False answers as fast as the pty allows.
        sam_id: the number answered to ``12 FF``.
        new_addresses: 追加住址 answered to ``30 03``.
        quiet_after_read: behave like SAMs that answer "no card" to find while a card that was
            already read stays on the reader (select still succeeds).
        seed: seed for garbage bytes.
    """

    def __init__(
        self,
        card: str | Identity | None = None,
        *,
        link_path: str | Path | None = None,
        baudrate: int = DEFAULT_BAUDRATE,
        paced: bool = True,
        sam_id: str = DEFAULT_SAM_ID,
        new_addresses: tuple[str, ...] = (),
        quiet_after_read: bool = False,
        seed: int = 0,
    ) -> None:
        self._own_dir = None if link_path else tempfile.mkdtemp(prefix="idcard-sim-")
        self.link_path = Path(link_path) if link_path else Path(self._own_dir or "") / "idcard"
        self.baudrate = baudrate
        self.paced = paced
        self.sam_id = sam_id
        self.new_addresses = new_addresses
        self.quiet_after_read = quiet_after_read
        self.requests: collections.Counter[Command | None] = collections.Counter()
        self.bytes_in = 0
        self.bytes_out = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._card: Identity | None = None
        self._found = self._selected = self._read = False
        self._sam_broken = False
        self._sam_broken_sticky = False
        self._pending: list[_Pending] = []
        self._master: int | None = None
        self._slave: int | None = None
        self._pty_name = ""
        self._wake_r, self._wake_w = os.pipe()
        self._calls: queue.Queue[tuple[Callable[[], None], threading.Event]] = queue.Queue()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._control: ControlServer | None = None
        self.place(card)

    # --- Life cycle -----------------------------------------------------------------------

    @property
    def device_path(self) -> str:
        """The stable path the driver opens (a symlink to the current pty slave)."""
        return str(self.link_path)

    @property
    def pty_name(self) -> str:
        """The current pty slave (``/dev/pts/N``), empty while unplugged."""
        return self._pty_name

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def start(self) -> str:
        """Plug in and start answering; returns ``device_path``."""
        if self._thread is None:
            self._plug()
            self._thread = threading.Thread(target=self._loop, name="idcard-simulator", daemon=True)
            self._thread.start()
            atexit.register(self.stop)  # an owner that only stopped its reader leaves no temp files
        return self.device_path

    def open_control(self, port: int = 0) -> str:
        """Listen for the by-hand commands (``place <card>``, ``remove``, ``fault``, ``unplug``...)
        on a loopback control channel (``devices.simcontrol``); returns its URL."""
        if self._control is None:
            self._control = ControlServer(lambda line: _command_line(self, line) or "ok", port,
                                          "idcard-sim")
        return self._control.url

    def stop(self) -> None:
        """Unplug, stop the thread and remove what the simulator created."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._thread is not None:
            self._stopping = True
            os.write(self._wake_w, b"x")
            self._thread.join()
            self._thread = None
            atexit.unregister(self.stop)
        self._unplug()
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._wake_r = self._wake_w = -1
        if self._own_dir:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self) -> CardSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """Pull the cable: close the pty and remove the device path."""
        self._in_loop(self._unplug)

    def plug(self) -> None:
        """Plug back in: a new pty behind the same device path."""
        self._in_loop(self._plug)

    # --- The card slot and faults ---------------------------------------------------------

    def place(self, card: str | Identity | None) -> None:
        """Put a card on the reader (a ``simulated_cards()`` name or an ``Identity``); None removes."""
        if isinstance(card, str):
            try:
                card = simulated_cards()[card]
            except KeyError:
                raise ValueError(f"no test card {card!r}; known: {', '.join(simulated_cards())}") from None
        with self._lock:
            self._card = card
            self._found = self._selected = self._read = False

    def remove(self) -> None:
        """Take the card off the reader."""
        self.place(None)

    @property
    def card(self) -> Identity | None:
        return self._card

    def inject(self, fault: Fault | str, count: int | None = 1, command: Command | None = None) -> None:
        """Inject a fault for the next ``count`` answers it applies to (None: until cleared).

        ``command`` limits it to one command's answers; UNPLUG_MID_FRAME hits the read by
        default. SAM_SELF_TEST breaks the SAM: a reset repairs it unless ``count`` is None.
        """
        fault = Fault(fault)
        with self._lock:
            if fault is Fault.SAM_SELF_TEST:
                self._sam_broken = True
                self._sam_broken_sticky = count is None
                return
            if fault in _STATUS_FAULTS:
                target, sw3 = _STATUS_FAULTS[fault]
                self._pending.append(_Pending(fault, command or target, count, int(sw3)))
                return
            self._pending.append(_Pending(fault, command or _DEFAULT_TARGET.get(fault), count))

    def inject_status(self, command: Command, sw3: int, count: int | None = 1) -> None:
        """Answer ``command`` with status ``sw3`` (and no data) the next ``count`` times."""
        with self._lock:
            self._pending.append(_Pending(None, command, count, sw3))

    def clear_faults(self) -> None:
        """Remove every injected fault and repair the SAM."""
        with self._lock:
            self._pending.clear()
            self._sam_broken = self._sam_broken_sticky = False

    # --- The simulator thread -------------------------------------------------------------

    def _in_loop(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the simulator thread (which owns the fds) and wait for it."""
        if self._thread is None or threading.current_thread() is self._thread:
            fn()
            return
        done = threading.Event()
        self._calls.put((fn, done))
        os.write(self._wake_w, b"x")
        done.wait()

    def _plug(self) -> None:
        if self._master is not None:
            return
        master, slave = os.openpty()
        tty.setraw(slave)  # raw before the driver opens it: no echo, no line editing
        self._master, self._slave, self._pty_name = master, slave, os.ttyname(slave)
        tmp = self.link_path.with_name(self.link_path.name + ".new")
        tmp.unlink(missing_ok=True)
        os.symlink(self._pty_name, tmp)
        os.replace(tmp, self.link_path)
        with self._lock:
            self._found = self._selected = self._read = False

    def _unplug(self) -> None:
        master, slave, self._master, self._slave = self._master, self._slave, None, None
        self._pty_name = ""
        if master is None:
            return
        # Like udev: the stable name goes away with the device, so a driver reopening it sees
        # "no such file" and never a /dev/pts/N that the kernel gave to someone else.
        self.link_path.unlink(missing_ok=True)
        for fd in (master, slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _loop(self) -> None:
        parser: FrameParser[Request] = FrameParser(Request)
        started = 0.0  # when the first byte of the request being received arrived
        while not self._stopping:
            fds = [self._wake_r] if self._master is None else [self._wake_r, self._master]
            ready, _, _ = select.select(fds, [], [], 0.5)
            if self._wake_r in ready:
                os.read(self._wake_r, 64)
                while not self._calls.empty():
                    fn, done = self._calls.get()
                    fn()
                    done.set()
                    parser.reset()
            master = self._master
            if master is None or master not in ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # no slave open at the moment: wait for the driver
                time.sleep(0.01)
                continue
            if not parser.buffered:
                started = time.monotonic()
            self.bytes_in += len(chunk)
            parser.receive_data(chunk)
            self._answer_all(parser, started)

    def _answer_all(self, parser: FrameParser[Request], started: float) -> None:
        while self._master is not None:
            try:
                request = parser.next_event()
            except ProtocolError as exc:  # the SAM's own answer to a garbled request (§1.4)
                sw3 = Sw3.LENGTH_ERROR if "length" in str(exc) else Sw3.CHECKSUM_ERROR
                self._send(build_response(sw3), None, started)
                continue
            if request is NEED_DATA:
                return
            wire = len(request.to_bytes()) * BITS_PER_BYTE / self.baudrate
            if self.paced:  # the request's last byte "arrives" after its wire time
                _sleep_until(started + wire)
            command = request.command
            self.requests[command] += 1
            frame = self._respond(request, command)
            self._send(frame, command, time.monotonic())
            started = time.monotonic()

    def _take(self, command: Command | None, kinds: tuple[Fault | None, ...]) -> _Pending | None:
        """The first pending fault of ``kinds`` hitting ``command``, consumed once."""
        for p in self._pending:
            if p.fault in kinds and p.hits(command):
                if p.remaining is not None:
                    p.remaining -= 1
                    if p.remaining <= 0:
                        self._pending.remove(p)
                return p
        return None

    def _respond(self, request: Request, command: Command | None) -> bytes:
        with self._lock:
            injected = self._take(command, (None, *_STATUS_FAULTS))
            if injected is not None and injected.sw3 is not None:
                return build_response(injected.sw3)
            return self._answer(request, command)

    def _answer(self, request: Request, command: Command | None) -> bytes:
        """The SAM's behaviour (lock held)."""
        card = self._card
        if command is Command.RESET_SAM:
            if not self._sam_broken_sticky:
                self._sam_broken = False
            self._found = self._selected = False
            return build_response(Sw3.OK)
        if self._sam_broken and command is not None:
            return build_response(Sw3.SAM_SELF_TEST_FAILED)
        if command is Command.SAM_STATUS:
            return build_response(Sw3.OK)
        if command is Command.SAM_ID:
            return build_response(Sw3.OK, encode_sam_id(self.sam_id))
        if command is Command.FIND_CARD:
            if card is None or (self.quiet_after_read and self._read):
                return build_response(Sw3.NO_CARD)
            self._found = True
            return build_response(Sw3.FIND_OK, bytes(4))
        if command is Command.SELECT_CARD:
            if card is None or not self._found:
                return build_response(Sw3.SELECT_FAILED)
            self._selected = True
            return build_response(Sw3.OK, bytes(8))
        if command in (Command.READ_TEXT_PHOTO, Command.READ_TEXT_PHOTO_FINGER):
            if card is None or not self._selected:
                return build_response(Sw3.READ_FAILED)
            self._read = True
            finger = b"" if command is Command.READ_TEXT_PHOTO_FINGER else None
            return build_response(Sw3.OK, join_read_data(encode_text(card), card.photo_wlt, finger))
        if command is Command.READ_NEW_ADDRESS:
            if card is None or not self._selected:
                return build_response(Sw3.READ_FAILED)
            if not self.new_addresses:
                return build_response(NO_NEW_ADDRESS_SW3)
            return build_response(Sw3.OK, encode_new_addresses(self.new_addresses))
        if command is Command.READ_CHIP_INFO:
            return build_response(Sw3.OK, bytes(28))
        if command is Command.SET_MAX_RF_BYTES:
            return build_response(Sw3.OK)
        return build_response(Sw3.COMMAND_ERROR)

    def _send(self, frame: bytes, command: Command | None, start: float) -> None:
        """Write an answer, applying transmission faults, paced at the baud rate."""
        with self._lock:
            if self._take(command, (Fault.NO_ANSWER,)):
                return
            unplug = self._take(command, (Fault.UNPLUG_MID_FRAME,)) is not None
            if self._take(command, (Fault.GARBAGE,)):
                noise = bytes(self._rng.choice(range(0x00, 0xAA)) for _ in range(self._rng.randint(3, 24)))
                frame = noise + frame
            if self._take(command, (Fault.CHECKSUM_ERROR,)):
                frame = frame[:-1] + bytes((frame[-1] ^ 0xFF,))
        if unplug:
            self._write(frame[: len(frame) // 2], start)
            self._unplug()
            return
        self._write(frame, start)

    def _write(self, data: bytes, start: float) -> None:
        byte_time = BITS_PER_BYTE / self.baudrate
        sent = 0
        while sent < len(data) and self._master is not None:
            n = min(64, len(data) - sent)
            if self.paced:
                _sleep_until(start + (sent + n) * byte_time)
            try:
                sent += os.write(self._master, data[sent : sent + n])
            except OSError:
                return
        self.bytes_out += sent


def _sleep_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    if delay > 0:
        time.sleep(delay)


# --- By hand ----------------------------------------------------------------------------------

_HELP = """commands:
  place <card>              put a card on the reader ({cards})
  remove                    take the card off
  fault <name> [n|sticky]   inject a fault ({faults})
  clear                     clear faults, repair the SAM
  unplug | plug             pull / put back the cable
  status                    what the simulator holds
  polls                     how many find-card requests it answered (the reader's polls)
  quit                      stop (also end of input)"""


def _command_line(sim: CardSimulator, line: str) -> str | None:
    """Apply one stdin command; returns a reply line, or None to quit."""
    words = line.split()
    if not words:
        return ""
    verb, args = words[0].lower(), words[1:]
    try:
        if verb in ("quit", "exit"):
            return None
        if verb == "place" and len(args) == 1:
            sim.place(args[0])
            return f"placed {args[0]}"
        if verb == "remove":
            sim.remove()
            return "removed"
        if verb == "fault" and args:
            count: int | None = 1
            if len(args) > 1:
                count = None if args[1] == "sticky" else int(args[1])
            sim.inject(args[0], count)
            return f"fault {args[0]} x {'sticky' if count is None else count}"
        if verb == "clear":
            sim.clear_faults()
            return "faults cleared"
        if verb == "unplug":
            sim.unplug()
            return "unplugged"
        if verb == "plug":
            sim.plug()
            return f"plugged: {sim.device_path} -> {sim.pty_name}"
        if verb == "polls":
            return f"polls {sim.requests[Command.FIND_CARD]}"
        if verb == "status":
            card = next((k for k, v in simulated_cards().items() if v == sim.card), "custom" if sim.card else "none")
            return f"device {sim.device_path} plugged={sim.plugged} card={card} requests={dict(sim.requests)}"
    except ValueError as exc:
        return f"error: {exc}"
    return _HELP.format(cards=", ".join(simulated_cards()), faults=", ".join(f.value for f in Fault))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devices.idcard.simulator", description="模拟身份证阅读器 (SAM) on a pty"
    )
    parser.add_argument("--card", choices=sorted(simulated_cards()), help="card on the reader at start")
    parser.add_argument(
        "--link", default=str(Path(tempfile.gettempdir()) / "idcard-sim"),
        help="stable device path to create (a symlink to the pty)",
    )
    parser.add_argument("--baud", type=int, default=DEFAULT_BAUDRATE)
    parser.add_argument("--no-pace", action="store_true", help="answer without baud-rate pacing")
    args = parser.parse_args(argv)
    sim = CardSimulator(args.card, link_path=args.link, baudrate=args.baud, paced=not args.no_pace)
    sim.start()
    print(f"idcard simulator on {sim.device_path} (-> {sim.pty_name}), card: {args.card or 'none'}")
    print(f"open it with the port URL {sim.device_path} at {args.baud} baud; 'help' lists commands")
    sys.stdout.flush()
    try:
        for line in sys.stdin:
            reply = _command_line(sim, line)
            if reply is None:
                break
            if reply:
                print(reply, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
        Path(args.link).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
