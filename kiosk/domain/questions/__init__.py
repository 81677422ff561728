"""One record per question: the table every reader of a question uses.

``QUESTIONS`` (a ``Questionnaire``) holds one ``Question`` per page of a visit, from the ID card
to the confirmation page: when it applies, whether it is optional, its checker, its options and
their labels, its wording per subject type, how the review page shows it, and the ``Stage`` its
flags follow from. The session (``kiosk.flow.session``), the review page (``kiosk.flow.summary``),
the record and ``kiosk.domain.review.review_record`` (which the platform runs too) and the UI's
bridge all read it; none keeps a list of its own.

- ``model``: what an entry is (``Question``, ``Option``, ``Kind``, ``Stage``), the table type.
- ``table``: the entries, the one place a question is written down.
- ``describe``: how the review page words each shape of answer.
"""
from kiosk.domain.questions.model import (NOT_GIVEN, OPTIONAL_MARK, Kind, Option, Question,
                                          Questionnaire, Stage)
from kiosk.domain.questions.table import QUESTIONS, SUBJECT_TYPE

__all__ = ["NOT_GIVEN", "OPTIONAL_MARK", "QUESTIONS", "SUBJECT_TYPE", "Kind", "Option", "Question",
           "Questionnaire", "Stage"]
