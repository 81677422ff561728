"""The receipt's words agree with the outcome it prints."""
from __future__ import annotations

import pytest

from kiosk.flow.outcome import Outcome, VisitOutcome
from kiosk.flow.session import ReceiptFacts
from kiosk.visit.paper import HallTexts, done_words, receipt_for

FACTS = ReceiptFacts("20261201-AAAA0001", "杭州青禾百货有限公司", "有限责任公司（自然人投资）",
                     "张*", "到服务大厅窗口领取", 1_764_547_200.0)
TEXTS = HallTexts("西湖区政务服务中心", "12345", "https://example.gov.cn/track/{id}")


@pytest.mark.parametrize(("outcome", "label"), [
    (Outcome.APPROVED, "印章领取"),        # the licence came out of this kiosk already
    (Outcome.REVIEW, "领取方式"), (Outcome.QUEUED, "领取方式"),
])
def test_the_delivery_row_says_what_the_answer_still_governs(outcome: Outcome, label: str) -> None:
    receipt = receipt_for(FACTS, VisitOutcome(FACTS.application_id, outcome), TEXTS)
    rows = dict(receipt.rows)
    assert rows[label] == "到服务大厅窗口领取"
    [other] = {"印章领取", "领取方式"} - {label}
    assert other not in rows
    outcome_words = done_words(VisitOutcome(FACTS.application_id, outcome), TEXTS)
    assert outcome_words.delivery_label == label          # the done page says the same
