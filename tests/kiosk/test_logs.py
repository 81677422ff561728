"""Logging in one place, and its redaction: messages that carry an ID number, a phone number or
a name by mistake (in the text, the arguments, an exception, extra fields) reach no output:
not the rotating file, not the technician's log page, not journald's datagrams."""
from __future__ import annotations

import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.flow import events as ev
from kiosk.redact import Redactor

ID_NUMBER = "110105198507041238"
SPACED_ID = "1101 0519 8507 0412 3X"
PHONE = "13800138000"
NAME = "司马青云"
ENGLISH = "GARCIA MARTINEZ"
SECRETS = (ID_NUMBER, "0412 3X", PHONE, "138-0013-8000", NAME, ENGLISH, "李四", "王五",
           "6222020200112233445", "H12345678", "010-12345678")


class Card:
    name, english_name, id_number, address = NAME, ENGLISH, ID_NUMBER, "北京市朝阳区测试路1号"


@pytest.fixture
def redactor() -> Iterator[Redactor]:
    r = Redactor()
    yield r
    logs.unconfigure()          # later tests log as before
    logging.getLogger().setLevel(logging.WARNING)


def log_mistakes(log: logging.Logger) -> None:
    log.warning("card read for %s, number %s", NAME, ID_NUMBER)          # in the arguments
    log.info(f"applicant typed {SPACED_ID} and phone {PHONE}")          # in the text
    log.info("contact +86 138-0013-8000, office 010-12345678, card 6222020200112233445")
    log.info('record {"legal_person": "李四", "id": 3} name=王五 permit H12345678')
    log.info("the visitor %s (%s) is here", ENGLISH, "english_name")
    log.info("extra fields", extra={"person": NAME, "number": ID_NUMBER})
    try:
        raise ValueError(f"bad id number {ID_NUMBER} for {NAME}")
    except ValueError:
        log.exception("validation crashed")
    log.info("kept: device=idcard state=ready application 20261121-7KQ4M2XP hotline 12345")


def test_nothing_personal_reaches_the_file_or_the_log_page(tmp_path: Path,
                                                           redactor: Redactor) -> None:
    setup = logs.configure(tmp_path, journald=False, redactor=redactor)
    logs.remember_visitor(Card(), redactor)
    log_mistakes(logging.getLogger("kiosk.test"))
    text = setup.file.read_text(encoding="utf-8")
    page = "\n".join(logs.recent_lines(200))
    for output in (text, page):
        assert "validation crashed" in output and "Traceback" in output
        assert "application 20261121-7KQ4M2XP hotline 12345" in output     # ids stay readable
        for secret in SECRETS:
            assert secret not in output, secret
    assert stat.S_IMODE(os.stat(setup.file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(setup.file.parent).st_mode) == 0o700


def test_the_visitors_name_is_forgotten_when_the_visit_ends(tmp_path: Path,
                                                            redactor: Redactor) -> None:
    logs.configure(tmp_path, journald=False, redactor=redactor)
    logs.remember_visitor(Card(), redactor)
    assert redactor.remembering
    logs.forget_visitor(ev.SessionEnded("finished", ""), redactor)
    assert not redactor.remembering
    logging.getLogger("kiosk.test").warning("司马青云 is an ordinary word now")
    assert "司马青云 is an ordinary word" in logs.recent_lines(1)[0]   # unlabelled, unknown


def test_journald_gets_redacted_fields_only(tmp_path: Path, redactor: Redactor) -> None:
    # journald's own socket does not exist here; a real datagram socket stands in for it and
    # receives exactly the bytes of the native protocol the handler sends.
    path = tmp_path / "journal.sock"
    sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sink.bind(str(path))
    sink.settimeout(5)
    try:
        setup = logs.configure(None, journald=True, journald_socket=path, redactor=redactor)
        assert setup.journald and setup.file is None
        logs.remember_visitor(Card(), redactor)
        log_mistakes(logging.getLogger("kiosk.test"))
        datagrams = []
        while True:
            try:
                datagrams.append(sink.recv(1 << 20))
            except TimeoutError:
                break
            if b"kept: device=idcard" in datagrams[-1]:
                break
    finally:
        sink.close()
    blob = b"\n".join(datagrams)
    assert b"SYSLOG_IDENTIFIER=kiosk" in blob and b"validation crashed" in blob
    for secret in SECRETS:
        assert secret.encode() not in blob, secret


def test_the_escpos_stderr_handler_is_replaced(tmp_path: Path, redactor: Redactor) -> None:
    import sys
    root = logging.getLogger()
    stray = logging.StreamHandler(sys.stderr)
    root.addHandler(stray)
    logs.configure(tmp_path, journald=False, redactor=redactor)
    assert stray not in root.handlers


@pytest.mark.parametrize("text", ["", "x" * 10_000, "\x00\x1b[31m", "name=", "姓名：",
                                  "1" * 14, "%s %d", "{\"name\": \"\"}"])
def test_the_redactor_takes_any_text(text: str) -> None:
    out = Redactor().redact(text)
    assert isinstance(out, str)
    assert ("1" * 14 in out) == ("1" * 14 in text)            # 14 digits are not an ID number


def test_under_systemd_is_false_outside_a_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    assert logs.under_systemd() is False
    monkeypatch.setenv("JOURNAL_STREAM", "garbage")
    assert logs.under_systemd() is False
