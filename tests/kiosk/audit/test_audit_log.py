"""The audit log: appends chain by hash; verify names every edited, removed, reordered,
duplicated, garbled or torn entry, and a head the platform saw that the log lost."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.audit.log import GENESIS, AuditLog, canonical, entry_hash
from kiosk.audit.verify import Problem, verify
from kiosk.redact import Redactor
from tests.clock import Clock

ROOT = Path(__file__).resolve().parents[3]


def log_with(path: Path, n: int) -> AuditLog:
    audit = AuditLog(path, clock=Clock(1_790_000_000.0), redactor=Redactor())
    for i in range(n):
        audit.record("device-fault", device="idcard", state="disconnected", code=f"c{i}")
    return audit


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def write(path: Path, rows: list[bytes]) -> None:
    path.write_bytes(b"".join(r + b"\n" for r in rows))


def test_entries_chain_and_the_head_is_the_last(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "audit" / "audit.log", 3)
    entries = [json.loads(r) for r in lines(audit.path)]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == GENESIS
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:2]]
    assert all(entry_hash(e) == e["hash"] for e in entries)
    assert audit.head().seq == 3 and audit.head().hash == entries[-1]["hash"]
    verdict = verify(audit.path)
    assert verdict.ok and verdict.entries == 3 and verdict.head == audit.head()
    assert stat.S_IMODE(os.stat(audit.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(audit.path.parent).st_mode) == 0o700


def test_an_empty_or_missing_log_verifies_and_has_no_head(tmp_path: Path) -> None:
    assert AuditLog(tmp_path / "none.log").head() is None
    assert verify(tmp_path / "none.log").ok


def test_an_edited_entry_is_found(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 5)
    rows = lines(audit.path)
    rows[2] = rows[2].replace(b'"c2"', b'"c9"')
    write(audit.path, rows)
    verdict = verify(audit.path)
    assert verdict.kinds() == {Problem.EDITED}
    assert [(f.line, f.seq) for f in verdict.findings] == [(3, 3)]
    assert "第3条" in verdict.findings[0].message


def test_an_edited_entry_whose_hash_was_recomputed_is_found_by_the_next(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 5)
    rows = lines(audit.path)
    entry = json.loads(rows[1])
    entry["fields"]["code"] = "forged"
    entry["hash"] = entry_hash(entry)
    rows[1] = canonical(entry)
    write(audit.path, rows)
    verdict = verify(audit.path)
    assert verdict.kinds() == {Problem.EDITED} and verdict.findings[0].seq == 2
    assert "重算了哈希" in verdict.findings[0].message


def test_a_removed_entry_is_found(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 6)
    rows = lines(audit.path)
    del rows[2:4]
    write(audit.path, rows)
    verdict = verify(audit.path)
    assert verdict.kinds() == {Problem.REMOVED}
    assert verdict.findings[0].seq == 3 and "第3至4条被删除" in verdict.findings[0].message


def test_reordered_entries_are_found(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 5)
    rows = lines(audit.path)
    rows[1], rows[3] = rows[3], rows[1]
    write(audit.path, rows)
    verdict = verify(audit.path)
    assert Problem.REORDERED in verdict.kinds() and Problem.REMOVED not in verdict.kinds()
    assert {f.seq for f in verdict.findings if f.problem is Problem.REORDERED} <= {2, 3}


def test_a_duplicated_entry_and_a_garbled_line_are_found(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 3)
    rows = lines(audit.path)
    write(audit.path, [rows[0], rows[1], rows[1], b"\xff\xfe not json", rows[2]])
    verdict = verify(audit.path)
    assert verdict.kinds() == {Problem.DUPLICATED, Problem.GARBLED}
    assert [f.line for f in verdict.findings] == [3, 4]


def test_removing_the_newest_entries_shows_against_the_platforms_head(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 4)
    seen = audit.head().hash                 # what the last heartbeat carried
    write(audit.path, lines(audit.path)[:2])
    assert verify(audit.path).ok             # no gap: only the head can tell
    verdict = verify(audit.path, expected_head=seen)
    assert verdict.kinds() == {Problem.TRUNCATED}
    assert verify(audit.path, expected_head=json.loads(lines(audit.path)[1])["hash"]).ok


def test_a_torn_last_line_is_reported_and_the_log_goes_on(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 2)
    with audit.path.open("ab") as f:
        f.write(b'{"seq": 3, "at": "20')           # a crash mid-write
    assert verify(audit.path).kinds() == {Problem.TORN}
    audit.record("queue-purged", count=1)
    verdict = verify(audit.path)
    assert verdict.kinds() == {Problem.GARBLED} and verdict.findings[0].line == 3
    assert verdict.head.seq == 3              # the chain continues from the last good entry


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(3, 12), op=st.sampled_from(["edit", "delete", "swap"]), data=st.data())
def test_any_single_tampering_is_found_and_named(tmp_path: Path, n: int, op: str,
                                                 data: st.DataObject) -> None:
    path = tmp_path / f"h-{n}-{op}.log"
    path.unlink(missing_ok=True)
    log_with(path, n)
    rows = lines(path)
    i = data.draw(st.integers(0, n - 2))          # not the last: only the head can tell that
    if op == "edit":
        rows[i] = rows[i].replace(f'"c{i}"'.encode(), b'"zz"')
        expected = Problem.EDITED
    elif op == "delete":
        del rows[i]
        expected = Problem.REMOVED
    else:
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
        expected = Problem.REORDERED
    write(path, rows)
    verdict = verify(path)
    assert expected in verdict.kinds()
    assert any(f.seq in (i + 1, i + 2) for f in verdict.findings if f.problem is expected)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=3000))
def test_garbage_files_are_verified_without_raising(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "garbage.log"
    path.write_bytes(blob)
    verdict = verify(path)
    assert verdict.ok == (blob == b"")
    AuditLog(path, redactor=Redactor()).record("queue-purged", count=1)   # appends after it
    assert verify(path).head is not None


def test_deep_nesting_and_huge_lines_are_garbled_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "deep.log"
    write(path, [b"[" * 100_000 + b"]" * 100_000, b'{"seq": 1e999}', b"x" * 200_000])
    assert verify(path).kinds() == {Problem.GARBLED}


def test_record_refuses_what_the_catalogue_does_not_declare(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "a.log", redactor=Redactor())
    with pytest.raises(ValueError, match="not in kiosk/audit/events.toml"):
        audit.record("made-up-event")
    with pytest.raises(ValueError, match="does not declare"):
        audit.record("queue-purged", count=1, name="张三")
    with pytest.raises(ValueError, match="finite"):
        audit.record("diagnostics-pin-refused", locked_for_s=float("nan"))
    with pytest.raises(ValueError, match="text, a number"):
        audit.record("queue-purged", count=[1])
    assert not audit.path.exists()


def test_values_are_scrubbed_and_cut_short(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "a.log", redactor=Redactor())
    audit.record("receipt-reprinted", application_id="110105198507041238 13800138000",
                 status="x" * 500, surface="touch\nforged")
    entry = json.loads(lines(audit.path)[0])["fields"]
    assert "110105198507041238" not in json.dumps(entry) and "13800138000" not in json.dumps(entry)
    assert len(entry["status"]) == 120 and "\n" not in entry["surface"]


def test_a_write_failure_is_counted_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    audit = AuditLog(blocker / "audit.log", redactor=Redactor())     # its folder is a file
    audit.record("queue-purged", count=1)
    assert audit.failures == 1


def test_threads_and_another_process_append_to_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.log"
    audit = AuditLog(path, redactor=Redactor())
    code = ("import sys; from kiosk.audit.log import AuditLog; from kiosk.redact import Redactor;"
            "a = AuditLog(sys.argv[1], redactor=Redactor());"
            "[a.record('queue-purged', count=i) for i in range(60)]")
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT)
    threads = [threading.Thread(target=lambda: [audit.record("queue-purged", count=i)
                                               for i in range(30)]) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert child.wait(timeout=60) == 0
    verdict = verify(path)
    assert verdict.ok and verdict.entries == 120 and verdict.head.seq == 120


def test_kiosk_audit_verify_says_which_and_exits_1(tmp_path: Path) -> None:
    audit = log_with(tmp_path / "a.log", 4)
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk.cli", "audit", "--file", str(audit.path),
                               *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    ok = run("verify")
    assert ok.returncode == 0 and "哈希链完整" in ok.stdout
    head = run("head").stdout.split()
    assert head == ["4", audit.head().hash]
    rows = lines(audit.path)
    del rows[1]
    write(audit.path, rows)
    bad = run("verify")
    assert bad.returncode == 1 and "[removed]" in bad.stdout and "第2条被删除" in bad.stdout
    as_json = json.loads(run("verify", "--json").stdout)
    assert not as_json["ok"] and as_json["findings"][0]["problem"] == "removed"
    assert run("verify", "--head", "nothex").returncode == 2
    assert run("verify", "--head", head[1]).returncode == 1
