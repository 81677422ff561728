"""``SessionBridge``: the ``Session`` of ``kiosk.flow`` as the QML singleton ``Kiosk.Session``.

It translates, in both directions: session state becomes camelCase properties with a change
signal each, and the person's actions (QML slots named as verbs) become calls on the session.
It decides nothing: which page comes next, what is valid, what a page says and when time runs
out all stay in ``kiosk.flow`` and the question table (``kiosk.domain.questions``), which the
bridge reads through the session's properties and the current page's entry. After every call and every tick it re-reads the session and emits a change
signal for each property whose value moved, so QML bindings follow the session.

Session events (``kiosk.flow.events``) reach QML through ``EventRelay``, a callable the
composition root passes to ``Session(listener=...)``; the relay re-emits each event as a Qt
signal, so a device thread's event is handled on the GUI thread. It does not talk to devices,
the queue or the platform, and it logs nothing about the person.
"""
from __future__ import annotations

import base64
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.domain import answers, catalogues
from kiosk.domain.questions import Kind, Question
from kiosk.domain.subject_types import SubjectType
from kiosk.flow import events as ev
from kiosk.flow.session import Phase, Session
from kiosk.visit.paper import HallTexts, done_words
from ui.bridges.cached import CachedBridge, props_of
from ui.bridges.cached import plain as _plain
from ui.bridges.signature import strokes_to_png
from ui.qt import QByteArray, QObject, Qt, QTimer, Signal, Slot
from ui.screens import screen_for

log = logging.getLogger(__name__)

TICK_MS = 1000


class EventRelay(QObject):
    """Callable session listener that re-emits each event as a Qt signal.

    Built before the session (``Session(listener=relay)``) and given to the bridge. Emitting
    from a device thread queues the signal to the relay's (GUI) thread.
    """

    happened = Signal(object)

    def __call__(self, event: ev.Event) -> None:
        self.happened.emit(event)


# Every property QML sees, in declaration order; each is read by ``_read_<name>``.
_PROPS: list[str] = []
_prop = props_of(_PROPS)


class SessionBridge(CachedBridge):
    """The session as QML sees it. Args: ``session``; ``relay``, the listener the session was
    built with (None: no events, e.g. no 'data deleted' message); ``clock``, the session's clock,
    for the seconds left on the idle warning; ``tick``: run the 1 s timer that drives
    ``session.tick()``; ``texts``: the hall's hotline and tracking URL for the done page."""

    _PROPS = _PROPS
    phaseChanged = Signal()
    stepChanged = Signal()
    kindChanged = Signal()
    screenChanged = Signal()
    titleChanged = Signal()
    hintChanged = Signal()
    labelChanged = Signal()
    bodyChanged = Signal()
    noticeChanged = Signal()
    progressTextChanged = Signal()
    progressChanged = Signal()
    errorsChanged = Signal()
    errorFieldChanged = Signal()
    optionsChanged = Signal()
    continueLabelChanged = Signal()
    rawValueChanged = Signal()
    reviewSectionsChanged = Signal()
    signatureImageChanged = Signal()
    receiptChanged = Signal()
    elderlyChanged = Signal()
    secondsLeftChanged = Signal()
    extensionsLeftChanged = Signal()
    canGoBackChanged = Signal()
    optionalChanged = Signal()
    endedMessageChanged = Signal()
    nameFormsChanged = Signal()
    keyboardDirChanged = Signal()
    outcomeChanged = Signal()
    startBlockedChanged = Signal()
    staffNeededChanged = Signal()
    # One-shot notices: QML may speak or flash them; state is in the properties above.
    answerRefused = Signal(str)
    sessionEnded = Signal(str, str)

    def __init__(self, session: Session, relay: EventRelay | None = None, *,
                 clock: Callable[[], float] = time.monotonic, tick: bool = True,
                 texts: HallTexts | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._clock = clock
        self._texts = texts or HallTexts("", "12345", "")   # the national hotline by default
        self._warning_deadline = 0.0
        self._ended_message = ""
        if relay is not None:
            relay.happened.connect(self._on_event, Qt.ConnectionType.QueuedConnection
                                   if relay.thread() is not self.thread() else
                                   Qt.ConnectionType.AutoConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        if tick:
            self._timer.start()
        self.refresh()

    @property
    def session(self) -> Session:
        return self._session

    # ----- events and refresh -----------------------------------------------------------------
    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.IdleWarned):
            self._warning_deadline = self._clock() + event.seconds_left
        elif isinstance(event, ev.SessionStarted):
            self._ended_message = ""
        elif isinstance(event, ev.SessionEnded):
            self._ended_message = event.message
            self.sessionEnded.emit(event.reason, event.message)
        elif isinstance(event, ev.AnswerRefused):
            self.answerRefused.emit(event.message)
        self.refresh()

    # ----- property getters (pure reads of the session) ---------------------------------------
    def _read_phase(self) -> str:
        return self._session.phase.value
    phase = _prop("phase", str, phaseChanged)

    def _read_step(self) -> str:
        return self._session.step or ""
    step = _prop("step", str, stepChanged)

    def _read_kind(self) -> str:
        page = self._session.page
        return page.kind.value if page else ""
    kind = _prop("kind", str, kindChanged)

    def _read_screen(self) -> str:
        page = self._session.page
        return screen_for(page.kind if page and self._session.phase is not Phase.IDLE else None)
    screen = _prop("screen", str, screenChanged)

    def _words(self, text: Callable[[Question, SubjectType | None, Mapping[str, Any]], str]) -> str:
        """One of the current page's texts, worded for this person's type and answers."""
        s = self._session
        return text(s.page, s.subject_type, s.answers) if s.page else ""

    def _read_title(self) -> str:
        return self._words(Question.heading_for)   # with “（选填）” when the page is optional
    title = _prop("title", str, titleChanged)

    def _read_hint(self) -> str:
        return self._words(Question.hint_for)
    hint = _prop("hint", str, hintChanged)

    def _read_label(self) -> str:
        # The short name of what the page asks (注册资本, 出资额...), for a field's own label.
        return self._words(Question.label_for)
    label = _prop("label", str, labelChanged)

    def _read_body(self) -> str:
        return self._words(Question.body_for)       # the declaration's text
    body = _prop("body", str, bodyChanged)

    def _read_notice(self) -> str:
        return self._session.notice
    notice = _prop("notice", str, noticeChanged)

    def _read_progressText(self) -> str:
        s = self._session
        return s.progress_text if s.step and s.step in s.steps else ""
    progressText = _prop("progressText", str, progressTextChanged)

    def _read_progress(self) -> list[int]:
        """[this step, steps in all] for the landscape progress bar; [] where there is no text."""
        return list(self._session.position) if self._read_progressText() else []
    progress = _prop("progress", "QVariantList", progressChanged)

    def _read_errors(self) -> list[str]:
        return list(self._session.errors)
    errors = _prop("errors", "QVariantList", errorsChanged)

    def _read_errorField(self) -> str:
        # Which of the page's fields the error belongs next to ("" for the page as a whole).
        return self._session.error_field if self._session.errors else ""
    errorField = _prop("errorField", str, errorFieldChanged)

    def _read_options(self) -> list[dict[str, str]]:
        s = self._session
        if not s.page:
            return []
        return [{"value": o.value, "label": o.label, "description": o.description}
                for o in s.page.options_for(s.subject_type)]
    options = _prop("options", "QVariantList", optionsChanged)

    def _read_continueLabel(self) -> str:
        page = self._session.page
        return page.continue_label if page else "继续"
    continueLabel = _prop("continueLabel", str, continueLabelChanged)

    def _read_rawValue(self) -> Any:
        # What the page starts from: typed last, kept, or offered from the card (the session's).
        return _plain(self._session.offered)
    rawValue = _prop("rawValue", "QVariant", rawValueChanged)

    def _read_reviewSections(self) -> list[dict[str, Any]]:
        s = self._session
        if s.page is None or s.page.kind is not Kind.REVIEW:
            return []
        return [{"title": sec.title,
                 "rows": [{"step": r.step, "label": r.label, "value": r.value} for r in sec.rows]}
                for sec in s.review_sections()]
    reviewSections = _prop("reviewSections", "QVariantList", reviewSectionsChanged)

    def _read_signatureImage(self) -> str:
        # The review page shows the signature as it will be submitted (a data URL: no file).
        s = self._session
        if s.page is None or s.page.kind is not Kind.REVIEW or not s.signature_png:
            return ""
        return "data:image/png;base64," + base64.b64encode(bytes(s.signature_png)).decode()
    signatureImage = _prop("signatureImage", str, signatureImageChanged)

    def _read_receipt(self) -> dict[str, Any]:
        r = self._session.receipt
        if r is None:
            return {}
        return {"applicationId": r.application_id, "businessName": r.business_name,
                "subjectType": r.subject_type_label, "applicant": r.applicant_masked,
                "delivery": r.delivery}
    receipt = _prop("receipt", "QVariantMap", receiptChanged)

    def _read_outcome(self) -> dict[str, Any]:
        # The done page: what became of the application and its paper, worded as on the receipt.
        o = self._session.outcome
        if o is None:
            return {}
        words = done_words(o, self._texts)
        return {"kind": o.outcome.value, "title": words.title, "result": words.result,
                "nextSteps": list(words.next_steps), "creditCode": o.credit_code,
                "receipt": o.receipt.value, "receiptText": words.receipt,
                "licence": o.licence.value, "licenceText": words.licence,
                "deliveryLabel": words.delivery_label, "pending": self._session.done_held}
    outcome = _prop("outcome", "QVariantMap", outcomeChanged)

    def _read_startBlocked(self) -> str:
        # Why a visit cannot start now ("" when it can): the start page says so honestly.
        s = self._session
        return s.why_not_start() if s.phase is Phase.IDLE else ""
    startBlocked = _prop("startBlocked", str, startBlockedChanged)

    def _read_staffNeeded(self) -> bool:
        return self._session.staff_needed
    staffNeeded = _prop("staffNeeded", bool, staffNeededChanged)

    def _read_elderly(self) -> bool:
        return bool(self._session.elderly)
    elderly = _prop("elderly", bool, elderlyChanged)

    def _read_secondsLeft(self) -> int:
        if self._session.phase is not Phase.WARNING:
            return 0
        return max(0, math.ceil(self._warning_deadline - self._clock()))
    secondsLeft = _prop("secondsLeft", int, secondsLeftChanged)

    def _read_extensionsLeft(self) -> int:
        return self._session.extensions_left
    extensionsLeft = _prop("extensionsLeft", int, extensionsLeftChanged)

    def _read_canGoBack(self) -> bool:
        return self._session.can_go_back       # the very property Session.back obeys
    canGoBack = _prop("canGoBack", bool, canGoBackChanged)

    def _read_optional(self) -> bool:
        return self._session.optional          # the very property Session.skip obeys
    optional = _prop("optional", bool, optionalChanged)

    def _read_endedMessage(self) -> str:
        return self._ended_message if self._session.phase is Phase.IDLE else ""
    endedMessage = _prop("endedMessage", str, endedMessageChanged)

    def _read_nameForms(self) -> list[str]:
        st = self._session.subject_type
        return list(catalogues.org_forms(st.id).suffixes) if st else []
    nameForms = _prop("nameForms", "QVariantList", nameFormsChanged)

    def _read_keyboardDir(self) -> str:
        # The on-screen keyboard learns words here; the session's wipe removes it.
        d = self._session.keyboard_dir
        return str(d) if d else ""
    keyboardDir = _prop("keyboardDir", str, keyboardDirChanged)

    # ----- slots: what the person did ---------------------------------------------------------
    def _then_refresh(self, result: Any = None) -> Any:
        self.refresh()
        return result

    @Slot()
    def begin(self) -> None:
        self._then_refresh(self._session.begin())

    @Slot()
    def retryFace(self) -> None:
        self._then_refresh(self._session.retry_face())

    @Slot("QVariant", result="QVariantList")
    def answer(self, value: Any) -> list[str]:
        return self._then_refresh(self._session.answer(_plain(value)))

    @Slot(result="QVariantList")
    def skip(self) -> list[str]:
        return self._then_refresh(self._session.skip())

    @Slot()
    def back(self) -> None:
        self._then_refresh(self._session.back())

    @Slot(str)
    def change(self, step: str) -> None:
        self._then_refresh(self._session.change(step))

    @Slot(result="QVariantList")
    def confirmReview(self) -> list[str]:
        return self._then_refresh(self._session.confirm_review())

    @Slot(QByteArray, result="QVariantList")
    def sign(self, png: QByteArray) -> list[str]:
        return self._then_refresh(self._session.sign(bytes(png.data())))

    @Slot("QVariantList", int, int, result="QVariantList")
    def signStrokes(self, strokes: list, width: int, height: int) -> list[str]:
        """Sign from the pad's strokes: a list of strokes, each a list of {x, y} points; the
        session refuses a tap (no real ink) and stores the drawn PNG."""
        return self._then_refresh(self._session.sign_strokes(_plain(strokes), width, height,
                                                             strokes_to_png))

    @Slot(result=bool)
    def extend(self) -> bool:
        return self._then_refresh(self._session.extend())

    @Slot()
    def cancel(self) -> None:
        self._then_refresh(self._session.cancel())

    @Slot()
    def finish(self) -> None:
        self._then_refresh(self._session.finish())

    @Slot()
    def touch(self) -> None:
        self._then_refresh(self._session.touch())

    @Slot(bool)
    def setElderly(self, on: bool) -> None:
        self._session.elderly = bool(on)
        self.refresh()

    @Slot()
    def tick(self) -> None:
        self._session.tick()
        self.refresh()

    @Slot()
    def dismissEnded(self) -> None:
        """The person read the 'data deleted' message on the start page."""
        self._ended_message = ""
        self.refresh()

    # ----- lookups for pickers (catalogue reads, no state) ------------------------------------
    @Slot(str, result="QVariantList")
    def searchScope(self, query: str) -> list[dict[str, Any]]:
        return [{"code": e.code, "name": e.name, "note": e.note, "licensed": e.licensed,
                 "category": e.category_name} for e in catalogues.search_scope(query, 20)]

    @Slot("QVariantList", result="QVariantList")
    def scopeItems(self, codes: list) -> list[dict[str, Any]]:
        out = []
        for code in _plain(codes) or []:
            e = catalogues.scope_entry(str(code))
            if e:
                out.append({"code": e.code, "name": e.name, "licensed": e.licensed})
        return out

    @Slot(str, result="QVariantList")
    def regions(self, prefix: str) -> list[dict[str, str]]:
        return [{"code": r.code, "name": r.name} for r in catalogues.regions_in(prefix)]

    @Slot(str, result="QVariantMap")
    def region(self, code: str) -> dict[str, str]:
        r = catalogues.region(code)
        return ({"code": r.code, "name": r.name, "fullName": r.full_name, "level": r.level}
                if r else {})

    @Slot(result="QVariantList")
    def appointmentDates(self) -> list[str]:
        """The days the bank page offers: the ones its checker accepts, from the session's day
        (its injected wall clock)."""
        return [d.isoformat() for d in answers.appointment_dates(self._session.today)]

