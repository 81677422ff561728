"""`kiosk queue status | sync | report`: the handler called directly, on a real outbox file."""
from __future__ import annotations

import argparse
import io
import json

import pytest

from offline_queue.cli import handle, main, register
from offline_queue.model import QueueState, QueueSummary, age_text
from offline_queue.port import ErrorKind, PlatformError
from tests.offline_queue.conftest import ID_NUMBER, NAME, PHONE, SUBJECT, personal_record
from tests.offline_queue.test_sync_worker import ContractPort


def parse(*argv: str, port_factory=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command", required=True), port_factory=port_factory)
    return parser.parse_args(list(argv))


@pytest.fixture
def box(make_outbox, ids, clock):
    box = make_outbox()
    for i in range(3):
        box.enqueue(ids(), personal_record(i), {"face": b"\x01" * 5000}, SUBJECT)
        clock.advance(60)
    return box


def run(args, **kw) -> tuple[int, str]:
    buf = io.StringIO()
    code = args.func(args, out=buf, **kw) if "outbox" in kw else handle(args, out=buf, **kw)
    return code, buf.getvalue()


def test_status_counts_oldest_age_and_last_error(box, clock):
    attempt, _ = box.begin_attempt("SUB-000002")
    box.finish_failed("SUB-000002", attempt, "server: http_503 (HTTP 503)", clock() + 60)
    code, text = run(parse("queue", "--db", str(box.path), "status"), outbox=box)
    assert code == 0
    assert "待发送 (queued): 2" in text and "失败待重试 (failed): 1" in text
    assert "未送达合计 (depth): 3" in text and "3 分钟" in text
    assert "server: http_503 (HTTP 503)" in text


@pytest.mark.parametrize("seconds, said", [
    (0, "0 秒"), (119, "119 秒"), (120, "2 分钟"), (7199, "120 分钟"), (7200, "2.0 小时"),
    (172799, "48.0 小时"), (172800, "2.0 天"), (90 * 86400, "90.0 天")])
def test_an_age_is_said_in_the_unit_staff_read_best(seconds, said):
    assert age_text(seconds) == said


def test_nothing_waiting_is_said_as_none():
    empty = QueueSummary({}, 0, None, None, 1 << 30, False)
    assert empty.oldest_text == "无"
    assert QueueSummary({}, 1, 3600.0, None, 1 << 30, False).oldest_text == "60 分钟"


def test_status_opens_the_file_itself_without_the_platform_key(box):
    box.close()
    code, text = run(parse("queue", "--db", str(box.path), "status"))
    assert code == 0 and "depth): 3" in text


def test_sync_sends_now_and_reports(box):
    port = ContractPort()
    code, text = run(parse("queue", "--db", str(box.path), "sync"), outbox=box, port=port)
    assert code == 0 and "本次送达 (delivered): 3" in text
    assert box.summary().counts[QueueState.SENT] == 3


def test_sync_uses_the_registered_port_factory_and_fails_honestly(box):
    port = ContractPort()
    port.fail[("post", "SUB-000001")] = [PlatformError(ErrorKind.NETWORK, "connection")]
    args = parse("queue", "--db", str(box.path), "sync", "--rounds", "1",
                 port_factory=lambda: port)
    code, text = run(args, outbox=box)
    assert code == 1 and "仍未送达 (depth): 3" in text and "network: connection" in text


def test_sync_without_a_client_says_so(box):
    code, text = run(parse("queue", "--db", str(box.path), "sync"), outbox=box)
    assert code == 2 and "没有配置平台客户端" in text


def test_sync_release_held(box):
    attempt, _ = box.begin_attempt("SUB-000001")
    box.finish_failed("SUB-000001", attempt, "conflict: idempotency_conflict (HTTP 409)", None)
    code, text = run(parse("queue", "--db", str(box.path), "sync", "--release-held"),
                     outbox=box, port=ContractPort())
    assert code == 0 and "released held): 1" in text


def test_report_is_redacted_and_complete(box, tmp_path):
    from tests.offline_queue.conftest import LICENCE, decision
    box.record_status(decision("SUB-000001", reasons=("名称已核准",)))
    out = tmp_path / "report.json"
    code, text = run(parse("queue", "--db", str(box.path), "report", "--out", str(out)),
                     outbox=box)
    assert code == 0 and "3 条" in text
    raw = out.read_text(encoding="utf-8")
    for secret in (NAME, ID_NUMBER, PHONE, LICENCE.uscc, "名称已核准", "便利店"):
        assert secret not in raw
    report = json.loads(raw)
    assert [r["submission_id"] for r in report["submissions"]] == [
        "SUB-000001", "SUB-000002", "SUB-000003"]
    assert report["summary"]["depth"] == 3 and report["summary"]["remote_counts"]["approved"] == 1
    assert all(set(r) >= {"state", "record_size", "attempts"} for r in report["submissions"])


def test_unusable_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    code, text = run(parse("queue", "--db", str(bad), "status"))
    assert code == 2 and "无法打开离线队列" in text


def test_standalone_main(box, capsys):
    box.close()
    assert main(["queue", "--db", str(box.path), "status"]) == 0
    assert "depth): 3" in capsys.readouterr().out


def test_bad_arguments_exit_like_argparse():
    with pytest.raises(SystemExit):
        parse("queue", "report")            # --out is required
    with pytest.raises(SystemExit):
        parse("queue", "frobnicate")


def test_missing_database_is_not_created(tmp_path):
    missing = tmp_path / "nope" / "outbox.db"
    code, text = run(parse("queue", "--db", str(missing), "status"))
    assert code == 2 and "不存在" in text and not missing.exists()


def test_default_db_comes_from_the_composition_root(tmp_path):
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command"), default_db=tmp_path / "q.db")
    assert parser.parse_args(["queue", "status"]).db == tmp_path / "q.db"
