"""What one entry of the question table is (``Question``), and the table as a whole.

An entry holds everything about one page of a visit: its screen kind; when it applies (subject
type and earlier answers) and whether it may be skipped; its checker; its options with their one
set of labels; its heading, hint and review label (wording may depend on the subject type and
earlier answers); how the review page words a cleaned answer, and its review section; and the
``Stage`` of the visit it belongs to, from which the flags that the session and the bridge read
follow (``answered``, ``in_record``, ``revisitable``, ``listed``, ``declaration``).

``Questionnaire`` answers what the flow asks of the whole table: the path through it and the
answers a complete record holds. The entries themselves are in ``table``. No I/O, no clock, no Qt.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from kiosk.domain.answers import Checker, Context
from kiosk.domain.application import Applicant
from kiosk.domain.subject_types import SubjectType
from kiosk.domain.validation import Checked, fail

NOT_GIVEN = "未填写"          # a skipped optional answer on the review page (ux.md)
OPTIONAL_MARK = "（选填）"     # appended to an optional page's heading, never an asterisk (ux.md)


class Kind(enum.Enum):
    """How a page is presented; the UI maps each kind to one QML screen (``ui.screens``)."""

    ID_CARD = "id_card"
    IDENTITY = "identity"          # who the card says, masked: 是本人，继续
    FACE = "face"
    CHOICE = "choice"
    YES_NO = "yes_no"
    TEXT = "text"
    NAME = "name"
    PARENT = "parent"
    BRANCH_NAME = "branch_name"
    SCOPE = "scope"
    ADDRESS = "address"
    AMOUNT = "amount"
    NUMBER = "number"
    PEOPLE = "people"
    PERSON = "person"
    MULTI_CHOICE = "multi_choice"
    INVOICE = "invoice"
    SOCIAL = "social"
    BANK = "bank"
    COMMITMENT = "commitment"
    SIGNATURE = "signature"
    REVIEW = "review"
    DONE = "done"
    # The other citizen services (kiosk.flow.services): pages, not questions.
    STATUS_START = "status_start"
    APPLICATION_NUMBER = "application_number"
    SCAN = "scan"
    APPLICATIONS = "applications"
    LICENCES = "licences"
    LICENCE_PRINT = "licence_print"
    GUIDE = "guide"
    RATING = "rating"


class Stage(enum.Enum):
    """Where a page sits in a visit. An entry's flags follow from its stage alone."""

    IDENTITY = "identity"        # the card and the face: a device does it, once; never revisited
    TYPE = "type"                # the subject type: every later page depends on it
    QUESTION = "question"        # the questions, answered before the review
    REVIEW = "review"            # check your answers
    DECLARATION = "declaration"  # the commitment, then the signature; the review shows them
    #                              and submits
    DONE = "done"                # the confirmation page; not on the path
    SERVICE = "service"          # a page of another citizen service (kiosk.flow.services)


Answers = Mapping[str, Any]
NO_ANSWERS: Answers = MappingProxyType({})
Rule = Callable[[SubjectType, Answers], bool]
Words = str | Callable[[SubjectType, Answers], str]
Offer = Callable[[Applicant | None, Answers], Any]


@dataclass(frozen=True)
class Option:
    """One choice a page offers: the value stored, the label shown (on the page and the review)."""

    value: str
    label: str
    description: str = ""       # one line under the choice, where it helps to decide


Options = tuple[Option, ...] | Callable[[SubjectType], tuple[Option, ...]]


def always(st: SubjectType, answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    """One page of a visit. Texts (``Words``) are plain strings or functions of the subject
    type and the answers so far; options are a tuple or a function of the subject type.

    Attributes:
        id: the step id, and the key of the answer in the record.
        kind: which screen draws the page.
        heading: the question; it is the page heading.
        hint: one line under the heading.
        label: the short label of its row on the review page.
        section: the review section its row is in; "" = not listed on the review page.
        stage: where the page sits in the visit (see ``Stage``).
        when: whether it is asked, given the subject type and the earlier answers.
        optional: whether it may be skipped (选填), for a subject type.
        check: the checker (``kiosk.domain.answers``); None for a page that takes no answer.
        options: the choices offered, with their one set of labels.
        describe: how the review page words a cleaned answer ``(question, value, st, answers)``;
            None: the options' labels, else the value as text.
        offer: what the page starts from before the person typed anything (WCAG 3.3.7: ask
            each thing once), from the card and the earlier answers.
        body: a longer text the page shows (the declaration the person signs).
        continue_label: the page's continue button.
    """

    id: str
    kind: Kind
    heading: Words
    hint: Words = ""
    label: Words = ""
    section: str = ""
    stage: Stage = Stage.QUESTION
    when: Rule = always
    optional: bool | Callable[[SubjectType], bool] = False
    check: Checker | None = None
    options: Options = ()
    describe: Callable[[Question, Any, SubjectType, Answers], str] | None = None
    offer: Offer | None = None
    body: Words = ""
    continue_label: str = "继续"

    # ----- flags ------------------------------------------------------------------------------
    @property
    def answered(self) -> bool:
        """The person answers this page (``Session.answer``) and the answer is checked."""
        return self.check is not None

    @property
    def in_record(self) -> bool:
        """Its cleaned answer is part of ``record["answers"]`` (the subject type is the
        record's own field, not an answer)."""
        return self.answered and self.stage in (Stage.QUESTION, Stage.DECLARATION)

    @property
    def revisitable(self) -> bool:
        """上一步 may come back to this page; the card and the face are never asked again."""
        return self.stage not in (Stage.IDENTITY, Stage.DONE, Stage.SERVICE)

    @property
    def listed(self) -> bool:
        """It is a row on the review page, with 修改."""
        return bool(self.section)

    @property
    def declaration(self) -> bool:
        """The commitment or the signature: asked after the questions, before the review, which
        shows them as themselves (not as rows) and from which they can be done again."""
        return self.stage is Stage.DECLARATION

    def is_optional(self, st: SubjectType | None) -> bool:
        if st is None:
            return False
        return self.optional(st) if callable(self.optional) else self.optional

    # ----- wording ----------------------------------------------------------------------------
    def _words(self, words: Words, st: SubjectType | None, answers: Answers) -> str:
        if callable(words):
            return words(st, answers) if st is not None else ""
        return words

    def heading_for(self, st: SubjectType | None, answers: Answers = NO_ANSWERS) -> str:
        """The heading for this person; an optional page says so: “（选填）”."""
        text = self._words(self.heading, st, answers)
        return text + OPTIONAL_MARK if text and self.is_optional(st) else text

    def hint_for(self, st: SubjectType | None, answers: Answers = NO_ANSWERS) -> str:
        return self._words(self.hint, st, answers)

    def label_for(self, st: SubjectType | None, answers: Answers = NO_ANSWERS) -> str:
        return self._words(self.label, st, answers)

    def body_for(self, st: SubjectType | None, answers: Answers = NO_ANSWERS) -> str:
        return self._words(self.body, st, answers)

    def options_for(self, st: SubjectType | None) -> tuple[Option, ...]:
        if callable(self.options):
            return self.options(st) if st is not None else ()
        return self.options

    def option_label(self, value: Any, st: SubjectType | None) -> str:
        """The label of the option ``value``; the value itself when it is not offered."""
        return next((o.label for o in self.options_for(st) if o.value == value), str(value))

    # ----- answers ----------------------------------------------------------------------------
    def clean(self, raw: object, ctx: Context) -> Checked:
        """Check one answer; a clear message for a page that takes none, never an exception."""
        if self.check is None:
            return fail("这一页不需要填写，请按页面上的按钮继续")
        try:
            return self.check(raw, ctx)
        except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError):
            # Defence in depth: checkers are tested not to raise on garbage (see the tests).
            return fail("这一项的内容无法识别，请重新填写")

    def shown(self, value: Any, st: SubjectType, answers: Answers) -> str:
        """A cleaned answer in words for the review page; ``NOT_GIVEN`` for a skipped one."""
        if value is None:
            return NOT_GIVEN
        if self.describe is not None:
            return self.describe(self, value, st, answers)
        if self.options_for(st) and isinstance(value, str):
            return self.option_label(value, st)
        return str(value)


class Questionnaire:
    """The table: every page of a visit, in the order a person meets them.

    Raises:
        ValueError: two entries share an id.
    """

    def __init__(self, entries: Iterable[Question]) -> None:
        self.entries: tuple[Question, ...] = tuple(entries)
        self._by_id = {q.id: q for q in self.entries}
        if len(self._by_id) != len(self.entries):
            raise ValueError("two questions share an id")

    def __iter__(self) -> Iterator[Question]:
        return iter(self.entries)

    def __contains__(self, step: object) -> bool:
        return step in self._by_id

    def __getitem__(self, step: str) -> Question:
        """Raises KeyError for a step the table does not have."""
        return self._by_id[step]

    def get(self, step: str | None) -> Question | None:
        return self._by_id.get(step) if step else None

    def path(self, st: SubjectType | None, answers: Answers) -> list[str]:
        """The pages this person goes through, in order, from the card to the signature.

        Before the subject type is chosen, only the pages up to that choice are known.
        """
        if st is None:
            return [q.id for q in self.entries if q.stage in (Stage.IDENTITY, Stage.TYPE)]
        return [q.id for q in self.entries
                if q.stage not in (Stage.DONE, Stage.SERVICE) and q.when(st, answers)]

    def needed(self, st: SubjectType, answers: Answers) -> list[Question]:
        """The questions whose answers a complete record of this subject type holds."""
        return [q for q in self.entries if q.in_record and q.when(st, answers)]

    def inserting(self, question: Question, *, after: str) -> Questionnaire:
        """A copy with ``question`` right after the entry ``after`` (raises KeyError if absent)."""
        i = self.entries.index(self[after]) + 1
        return Questionnaire((*self.entries[:i], question, *self.entries[i:]))
