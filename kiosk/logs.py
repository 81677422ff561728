"""Logging for the whole kiosk, configured in one place: ``configure(data_dir)``.

Where lines go: to journald (its native protocol, ``logging-journald``) when the kiosk runs
under systemd, otherwise to rotating files ``<data_dir>/logs/kiosk.log`` (0600, five of 5 MiB
each); and always to a small ring of the latest lines that the technician's log page shows.
Every line passes the ``RedactionFilter`` first, which rewrites the record itself (message,
arguments, exception text, stack, extra fields), so no handler, not even journald's, which
sends a record's raw arguments and extras as fields of their own, can see personal data.

``REDACTOR`` is the process's one redactor: logging is process-wide, and the composition root
tells it the current visitor's name for the length of the visit (``kiosk.redact``). Modules log
through ``logging.getLogger(__name__)`` as usual; nothing here decides what to log.
"""
from __future__ import annotations

import collections
import logging
import logging.handlers
import os
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.redact import Redactor

REDACTOR = Redactor()
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
RECENT = 300
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactionFilter(logging.Filter):
    """Rewrites each record so that it carries no personal data, then lets it pass."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redactor.redact
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the line
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info:
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
            record.exc_info, record.exc_text = None, redact(text.rstrip("\n"))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, redact(value if isinstance(value, str) else repr(value)))
        return True


class RecentLines(logging.Handler):
    """The latest ``size`` formatted lines, for the technician's log page."""

    def __init__(self, size: int = RECENT) -> None:
        super().__init__()
        self._lines: collections.deque[str] = collections.deque(maxlen=size)
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001
            self.handleError(record)
            return
        with self._guard:
            self._lines.extend(line.splitlines() or [""])

    def lines(self, n: int = RECENT) -> list[str]:
        with self._guard:
            return list(self._lines)[-max(0, n):]


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created owner-only (0600)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding,
                         errors=self.errors)


@dataclass
class LogSetup:
    """What ``configure`` installed (and the filters it put on handlers it found)."""

    recent: RecentLines
    journald: bool
    file: Path | None
    handlers: list[logging.Handler] = field(default_factory=list)
    filtered: list[tuple[logging.Handler, logging.Filter]] = field(default_factory=list)


_installed: LogSetup | None = None


def under_systemd() -> bool:
    """True when stderr goes to the journal (a systemd service), as systemd documents."""
    from logging_journald import check_journal_stream
    try:
        return check_journal_stream()
    except (ValueError, OSError):     # a malformed JOURNAL_STREAM, or no stderr
        return False


def configure(data_dir: Path | str | None, *, level: int | str = logging.INFO,
              journald: bool | None = None, journald_socket: Path | None = None,
              console: bool = False, redactor: Redactor = REDACTOR) -> LogSetup:
    """Install the kiosk's handlers on the root logger (again: the old ones are removed).

    Args:
        data_dir: the kiosk's data directory; log files go under ``logs/`` there. None: no files.
        level: the root level.
        journald: send to journald; None: when running under systemd.
        journald_socket: journald's socket (tests bind their own).
        console: also warnings and errors to stderr (a technician's command).
        redactor: the redactor every handler's filter uses.
    Returns:
        The handlers installed, with the ring of recent lines.
    """
    unconfigure()
    root = logging.getLogger()
    filtered: list[tuple[logging.Handler, logging.Filter]] = []
    for handler in list(root.handlers):
        # python-escpos calls logging.basicConfig() when imported: a bare stderr handler that
        # would duplicate every line, unredacted. Drop it; redact through any other one found.
        if type(handler) is logging.StreamHandler and handler.stream is sys.stderr:
            root.removeHandler(handler)
        elif not any(isinstance(f, RedactionFilter) for f in handler.filters):
            filtered.append((handler, RedactionFilter(redactor)))
            handler.addFilter(filtered[-1][1])
    use_journald = under_systemd() if journald is None else journald
    formatter = logging.Formatter(FORMAT)
    recent = RecentLines()
    handlers: list[logging.Handler] = [recent]
    path: Path | None = None
    if use_journald:
        from logging_journald import JournaldLogHandler
        handlers.append(JournaldLogHandler(identifier="kiosk", use_message_id=False,
                                           socket_path=journald_socket))
    elif data_dir is not None:
        folder = Path(data_dir) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        path = folder / "kiosk.log"
        handlers.append(PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                   encoding="utf-8"))
    if console:
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setLevel(logging.WARNING)
        handlers.append(stderr)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactionFilter(redactor))
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    global _installed
    _installed = LogSetup(recent, use_journald, path, handlers, filtered)
    return _installed


def unconfigure() -> None:
    """Remove what ``configure`` installed (tests, and before configuring again)."""
    global _installed
    if _installed is None:
        return
    root = logging.getLogger()
    for handler in _installed.handlers:
        root.removeHandler(handler)
        handler.close()
    for handler, f in _installed.filtered:
        handler.removeFilter(f)
    _installed = None


def rotate() -> str:
    """Start a new log file now (the nightly maintenance window). Returns what happened:
    ``rotated``, ``journald`` (the journal rotates itself) or ``none`` (no file configured)."""
    if _installed is None:
        return "none"
    if _installed.journald:
        return "journald"
    for handler in _installed.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            handler.doRollover()
            return "rotated"
    return "none"


def recent_lines(n: int = 100) -> list[str]:
    """The latest ``n`` log lines, already redacted; empty when logging is not configured."""
    return _installed.recent.lines(n) if _installed else []


# ----- the visitor's own values, for the length of one visit -------------------------------------
_CARD_FIELDS = ("name", "english_name", "id_number", "permit_number", "address")


def remember_visitor(identity: object, redactor: Redactor = REDACTOR) -> None:
    """A card was read: recognise its holder's name, number and address in every log line."""
    redactor.remember(str(v) for f in _CARD_FIELDS if (v := getattr(identity, f, None)))


def forget_visitor(event: object, redactor: Redactor = REDACTOR) -> None:
    """A session listener: a visit starting or ending forgets the last visitor's values."""
    from kiosk.flow import events as ev
    if isinstance(event, (ev.SessionStarted, ev.SessionEnded)):
        redactor.forget()
