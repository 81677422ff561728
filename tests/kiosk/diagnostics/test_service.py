"""The staff actions over a kiosk's parts (the devices opened as ``kiosk diag`` opens them):
reprint a receipt by application number from what the outbox knows, release a held
submission, and refuse device work while a visit is under way; each one audited."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.printers.receipt.journal import Journal
from kiosk.config.settings import Settings
from kiosk.diagnostics.cli import local_diagnostics
from kiosk.diagnostics.service import Diagnostics
from kiosk.diagnostics.tests import BUSY
from offline_queue.outbox import Outbox

APP = "20261121-7KQ4M2XP"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    box = Outbox(s.outbox_path, X25519PrivateKey.generate().public_key())
    box.enqueue(APP, {"subject_type": "sole_proprietorship", "name": "司马青云"}, {},
                "sole_proprietorship")
    attempt, _ = box.begin_attempt(APP)
    box.finish_failed(APP, attempt, "409 conflict", None)
    box.close()
    journal = Journal(s.data_dir / "receipts.db")
    journal.mark_discarded(APP)           # the person left while the printer had no paper
    journal.close()
    return s


def audit_events(s: Settings) -> list[dict]:
    return [json.loads(line) for line in s.audit_path.read_text().splitlines()]


def test_staff_reprint_a_held_receipt_by_its_number(settings: Settings) -> None:
    with local_diagnostics(settings, settle_s=5) as d:
        facts = d.queue_facts()
        assert facts["held"] == [APP]
        assert facts["heldReceipts"] == [{"applicationId": APP, "reprinted": False}]
        result = d.reprint(" 20261121-7kq4m2xp ", "touch")          # as typed on the page
        assert result.ok, result
        paper = (settings.data_dir / "printed").glob("receipt-*.txt")
        text = "\n".join(p.read_text(encoding="utf-8") for p in paper)
        assert APP in text and "自助申报回执（补打）" in text and "个人独资企业" in text
        assert "司马青云" not in text                             # never the person's data
        assert d.queue_facts()["heldReceipts"] == [{"applicationId": APP, "reprinted": True}]
    reprint = [e for e in audit_events(settings) if e["event"] == "receipt-reprinted"]
    assert reprint[0]["fields"] == {"surface": "touch", "application_id": APP,
                                    "disposition": "success", "status": "ready"}


@pytest.mark.parametrize("number, status", [("", "invalid"), (None, "invalid"), ("../../x", "invalid"),
                                            ("a" * 80, "invalid"), (["x"], "invalid"),
                                            ("20261121-NOSUCH00", "unknown")])
def test_a_reprint_of_a_wrong_number_says_so(settings: Settings, number: object,
                                             status: str) -> None:
    with local_diagnostics(settings, settle_s=5) as d:
        result = d.reprint(number, "touch")
    assert not result.ok and result.data["status"] == status


def test_a_held_submission_is_released_once(settings: Settings) -> None:
    with local_diagnostics(settings, settle_s=5) as d:
        assert d.release(APP, "touch").ok
        again = d.release(APP, "touch")
        assert not again.ok and again.data["status"] == "not_held"
        assert d.queue_facts()["held"] == []
        assert not d.release("bad id!", "touch").ok
    released = [e["fields"] for e in audit_events(settings) if e["event"] == "queue-released"]
    assert released == [{"submission_id": APP, "count": 1}, {"submission_id": APP, "count": 0}]


def test_no_device_work_while_a_visit_is_under_way(settings: Settings) -> None:
    with local_diagnostics(settings, settle_s=5) as local:
        d = Diagnostics(local.parts, audit=local._audit, is_idle=lambda: False)
        for result in (d.test_read("touch"), d.test_print("touch"), d.licence_test_page("touch"),
                       d.print_report("touch"), d.reprint(APP, "touch")):
            assert not result.ok and result.title == BUSY
        assert d.report().check("queue") is not None        # reading the report is fine
    assert not list((settings.data_dir / "printed").glob("receipt-*"))
