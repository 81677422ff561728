"""One person's visit, from 开始办理 to the wipe.

States (``Phase``)::

    IDLE ──begin──▶ ACTIVE ◀──extend/touch── WARNING
                      │  idle ≥ limit ──────────▶ │ no answer in time ─▶ wipe ─▶ IDLE
                      │ cancel ─────────────────────────────────────────▶ wipe ─▶ IDLE
                      └─ review: 确认提交申请 ─▶ FINISHED ── 完成 / timeout ──▶ wipe ─▶ IDLE
                                       (outcome: SUBMITTING ─▶ approved | review | ...)

The session owns the person's data for as long as the visit lasts: the card identity, the
answers (and the raw text last typed, so an error never clears it), the face photo, the
signature and a per-session directory (the on-screen keyboard's user dictionary lives there).
``wipe`` drops all of it. At submit the record goes to the ``SubmitPort`` (the offline queue),
which owns it from then on. Which pages there are, in which order, and what each one accepts
come from the question table (``kiosk.domain.questions``), read through its flags; the session
keeps no list of its own. Both clocks are injected (``clock`` for timeouts, ``wall_clock`` for
the date and ``submitted_at``); nothing here sleeps, draws or imports Qt.

What happens after submit (delivery, the outcome, paper) is the visit coordinator's work; it
tells the session through ``outcome_known``, and the devices' health through
``device_changed``. The session decides what those mean for the person: a visit that cannot be
finished is not started, a camera that fails on the face page offers staff verification, and
the done page stays while the outcome or the paper is still coming.

A visit is one ``Service`` (``kiosk.flow.services``), chosen on the home screen: 设立登记 for a
subject type chosen there (its page is then not asked again), or one of the other citizen
services, whose verbs live in ``kiosk.flow.service_flow`` (帮办 and the staff panel, status,
licence print, guide, rating). Every visit that needs the person's identity reads the card,
shows who was read (masked) for the person to confirm, then checks the face.
"""
from __future__ import annotations

import datetime as dt
import enum
import shutil
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from devices.health import DeviceState, Health
from kiosk.domain import subject_types
from kiosk.domain.answers import Context
from kiosk.domain.application import (Applicant, new_application_id, new_record,
                                      same_application)
from kiosk.domain.questions import QUESTIONS, SUBJECT_TYPE, Kind, Question, Questionnaire, Stage
from kiosk.domain.review import applicant_problems, full_name
from kiosk.domain.signature import ink_problem
from kiosk.flow import events as ev
from kiosk.flow.help import Help, StaffPanel
from kiosk.flow.offers import CAMERA, CARD_READER, Offer, offers
from kiosk.flow.outcome import Outcome, Paper, VisitOutcome
from kiosk.flow.service_flow import ServiceFlow, StaffGate
from kiosk.flow.services import (FIRST_PAGE, SERVICE_BACK, SERVICE_PAGES, Lookup, PrintJob,
                                 Service)
from kiosk.flow.summary import Section, review_sections
from kiosk.flow.timeouts import Timeouts
from kiosk.flow.timer import Due, VisitTimer

MAX_FACE_ATTEMPTS = 3
CAMERA_DOWN = "摄像头暂时无法使用。请按“呼叫工作人员”，由工作人员核验您的身份"
READER_DOWN = "身份证阅读器暂时无法读卡，正在恢复，请稍候。如果一直无法读取，请按“呼叫工作人员”"
MESSAGES = {
    "timeout": "由于长时间没有操作，本次办理已结束。您填写的信息和照片已从本机全部删除。",
    "cancelled": "本次办理已取消。您填写的信息和照片已从本机全部删除。",
    "home": "已返回首页。本次填写的信息、身份证信息和照片已从本机全部删除。",
    "staff": "工作人员已为您结束本次办理。您的信息和照片已从本机全部删除。",
    "finished": "感谢您的使用。您的个人信息已从本机清除，请带好身份证和回执。",
    "finished_identity": "感谢您的使用。您的身份证信息和照片已从本机清除，请带好身份证。",
    "finished_plain": "感谢您的使用，欢迎再来。",
}


class Phase(enum.Enum):
    IDLE = "idle"
    ACTIVE = "active"
    WARNING = "warning"
    FINISHED = "finished"


class SubmitPort(Protocol):
    """Where a finished application goes: the offline queue. It returns the id it keeps the
    application under: an earlier one's when this is the same application again (``same_as``,
    see ``kiosk.domain.application.same_application``)."""

    def enqueue(self, submission_id: str, record: dict[str, Any],
                attachments: dict[str, bytes], subject_type: str, *,
                same_as: str | None = None) -> str | None: ...


class NoSubmit:
    """A submit port that keeps nothing: for previews and benchmarks of the screens."""

    def enqueue(self, submission_id: str, record: dict[str, Any],
                attachments: dict[str, bytes], subject_type: str, *,
                same_as: str | None = None) -> str | None:
        return None


@dataclass(frozen=True)
class Admission:
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class ReceiptFacts:
    """What the receipt and the confirmation page show; no ID number, the name masked."""

    application_id: str
    business_name: str
    subject_type_label: str
    applicant_masked: str
    delivery: str
    submitted_at: float


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


class Session(ServiceFlow):
    """One visit at a time. Args: ``submit``, where a finished application goes; ``workdir_root``,
    under which each visit gets its own directory; ``clock``, monotonic seconds for the timeouts;
    ``wall_clock``, seconds since the epoch for today's date, the record's ``created_at`` and
    the receipt's ``submitted_at``; ``timeouts``; ``admission``, asked at 开始办理; ``listener``,
    told every ``kiosk.flow.events`` event; ``questions``, the question table; ``staff``, what
    checks a staff PIN (None: staff actions are not set up on this kiosk); ``hall_region``, the
    hall's county code (the name's 行政区划 and the address picker start from it)."""

    def __init__(self, submit: SubmitPort, workdir_root: Path, *,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time,
                 timeouts: Timeouts = Timeouts(),
                 admission: Callable[[], Admission] | None = None,
                 listener: Callable[[ev.Event], None] | None = None,
                 questions: Questionnaire = QUESTIONS,
                 staff: StaffGate | None = None, hall_region: str = "") -> None:
        self._submit = submit
        self._root = Path(workdir_root)
        self._wall_clock = wall_clock
        self.questions = questions
        self.base_timeouts = timeouts
        self._admission = admission or (lambda: Admission(True))
        self._listener = listener or (lambda e: None)
        self._staff_gate = staff
        self.hall_region = hall_region
        self.elderly_default = False
        self.devices: dict[str, Health] = {}     # the latest health of each device, by id
        self._timer = VisitTimer(clock)
        self._reset()

    # ----- state ------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.phase = Phase.IDLE
        self.service: Service | None = None
        self.type_preset = False  # the subject type was chosen on the home screen
        self.elderly = self.elderly_default   # 长辈版 is the person's choice: reset with them
        self.voice_choice: bool | None = None   # 语音播报 switched on or off by the person
        self.help = Help()
        self.staff = StaffPanel()
        self.lookup = Lookup()
        self.job: PrintJob | None = None
        self.rating: dict[str, Any] | None = None
        self.rating_delivery = ""
        self.guide_type = subject_types.ALL[0].id
        self.session_id: str | None = None
        self.application_id: str | None = None
        self.step: str | None = None
        self.applicant: Applicant | None = None
        self.subject_type: subject_types.SubjectType | None = None
        self.answers: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}
        self.errors: list[str] = []
        self.error_field = ""     # which field of the page the error belongs next to ("": all)
        self.notice = ""          # a device's live instruction on its page, e.g. 请慢慢向左转头
        self.skipped: set[str] = set()
        self.face_jpeg = bytearray()
        self.signature_png = bytearray()
        self.identity_verified = False
        self.staff_checked_identity = False
        self.face_attempts = 0
        self.editing = False
        self._timer.reset()
        self.workdir: Path | None = None
        self.receipt: ReceiptFacts | None = None
        self.outcome: VisitOutcome | None = None

    @property
    def in_visit(self) -> bool:
        """A visit is going on (its person's data may be held)."""
        return self.phase is not Phase.IDLE

    @property
    def voice(self) -> bool:
        """Pages are read aloud: as the person chose, else on in 长辈版 (ux.md "Closed-kiosk
        accessibility"); reset with the person at every wipe, as 长辈版 is."""
        return self.elderly if self.voice_choice is None else self.voice_choice

    @property
    def timeouts(self) -> Timeouts:
        return self.base_timeouts.elderly() if self.elderly else self.base_timeouts

    @property
    def page(self) -> Question | None:
        """The table's entry for the current step (a service page's for the other services)."""
        return self.questions.get(self.step) or SERVICE_PAGES.get(self.step)

    @property
    def steps(self) -> list[str]:
        """This visit's pages in order, as far as they are known."""
        identity = [q.id for q in self.questions if q.stage is Stage.IDENTITY]
        if self.service is Service.STATUS:
            how = {"number": ["status_number"], "scan": ["status_scan"]}.get(self.lookup.by,
                                                                            identity)
            return ["status_start", *how, "status_list"]
        if self.service is Service.LICENCE:
            return [*identity, "licence_list", "licence_print"]
        if self.service in (Service.GUIDE, Service.RATING):
            return [FIRST_PAGE[self.service]]
        path = self.questions.path(self.subject_type, self.answers)
        return [s for s in path if not (self.type_preset and s == SUBJECT_TYPE)]

    @property
    def today(self) -> dt.date:
        """Today by the wall clock: the day every date rule of this visit is checked against."""
        return dt.datetime.fromtimestamp(self._wall_clock()).date()

    @property
    def can_go_back(self) -> bool:
        """上一步 is possible: the previous page on the path may be revisited (never the card or
        the face), and the application is not submitted yet."""
        if self.phase not in (Phase.ACTIVE, Phase.WARNING):
            return False
        if self.step in SERVICE_BACK:
            return True
        steps = self.steps
        if self.service not in (None, Service.REGISTER) or self.step not in steps:
            return False
        i = steps.index(self.step)
        return i > 0 and self.questions[steps[i - 1]].revisitable

    @property
    def optional(self) -> bool:
        """The current page may be skipped (选填) for this subject type."""
        page = self.page
        return bool(page and page.answered and page.is_optional(self.subject_type))

    @property
    def offered(self) -> Any:
        """What the current page starts from: what was typed last, else the kept answer, else
        what the card or earlier pages already said (ask each thing once, WCAG 3.3.7)."""
        page = self.page
        if page is None:
            return None
        if page.id in self.raw:
            return self.raw[page.id]
        if page.id in self.answers:
            return self.answers[page.id]
        return page.offer(self.applicant, self.answers) if page.offer else None

    def review_sections(self) -> list[Section]:
        """The review page's sections; empty before the subject type is chosen."""
        if self.subject_type is None:
            return []
        return review_sections(self.subject_type, self.answers, self.skipped,
                               questions=self.questions)

    @property
    def position(self) -> tuple[int, int]:
        steps = self.steps
        if self.step not in steps:
            return (len(steps), len(steps))
        return (steps.index(self.step) + 1, len(steps))

    @property
    def progress_text(self) -> str:
        if self.service in (Service.GUIDE, Service.RATING) or self.step == "rating":
            return ""                  # one page: no steps to count
        n, m = self.position
        if self.subject_type is None and self.service in (None, Service.REGISTER):
            return f"第 {n} 步"      # the total depends on the type not yet chosen: don't guess
        return f"第 {n} 步，共 {m} 步"

    @property
    def keyboard_dir(self) -> Path | None:
        """Where the on-screen keyboard keeps learned words for this person only."""
        return self.workdir / "keyboard" if self.workdir else None

    @property
    def extensions_left(self) -> int:
        return self._timer.extensions_left(self.timeouts)

    @property
    def staff_needed(self) -> bool:
        """The face check cannot be done here: the camera is down or failed three times."""
        return self.step == "face" and (self.face_attempts >= MAX_FACE_ATTEMPTS
                                        or self._down(CAMERA))

    @property
    def offers(self) -> tuple[Offer, ...]:
        """What the home screen offers now, and why not where it does not."""
        admission = self._admission()
        return offers(self.devices, "" if admission.ok else admission.message)

    def offer(self, service: Service) -> Offer:
        return next(o for o in self.offers if o.service is service)

    def _down(self, device: str) -> bool:
        """Known to be out of order (a device still starting is not)."""
        health = self.devices.get(device)
        return health is not None and not health.usable and health.state is not DeviceState.STARTING

    def _first(self, stage: Stage) -> str:
        return next(q.id for q in self.questions if q.stage is stage)

    def _emit(self, event: ev.Event) -> None:
        self._listener(event)

    def _go(self, step: str) -> None:
        self.step = step
        self.errors = []
        self.error_field = ""
        self.notice = ""
        n, m = self.position
        self._emit(ev.StepChanged(step, n, m))

    # ----- beginning --------------------------------------------------------------------------
    def why_not_start(self, service: Service = Service.REGISTER) -> str:
        """Why a visit of ``service`` could not be finished now ("" when it could): for 设立登记
        no card reader, or no room to store the application. The start page says it; ``begin``
        refuses for it."""
        return self.offer(service).reason

    def begin(self, service: Service = Service.REGISTER,
              subject_type: str | None = None) -> Admission:
        """Start a visit of ``service`` (开始办理, or a service on the home screen): refused when
        it could not be finished (``why_not_start``). ``subject_type``: the type of 设立登记
        chosen on the home screen; its page is then not asked again."""
        if self.phase is not Phase.IDLE:
            self.end("cancelled")
        reason = self.why_not_start(service)
        if not reason and subject_type is not None and subject_type not in subject_types.BY_ID:
            reason = "请选择要办理的市场主体类型"
        if reason:
            self._emit(ev.SessionEnded("refused", reason))
            return Admission(False, reason)
        self.session_id = uuid.uuid4().hex
        self.workdir = self._root / self.session_id
        (self.workdir / "keyboard").mkdir(parents=True, exist_ok=True)
        self.phase = Phase.ACTIVE
        self.service = service
        if service is Service.REGISTER and subject_type is not None:
            self.subject_type = subject_types.BY_ID[subject_type]
            self.answers[SUBJECT_TYPE] = subject_type
            self.type_preset = True
        self._timer.touch()
        self._emit(ev.SessionStarted(self.session_id))
        self._go(FIRST_PAGE[service])
        return Admission(True)

    def card_read(self, applicant: Applicant, today: Any = None) -> str:
        """The reader read a card. Returns "" or the message that keeps the person on the page."""
        if self.step != "id_card":
            return ""
        self.touch()
        role = self.subject_type.person_label if self.subject_type else "申请人"
        problems = applicant_problems(applicant, role, today or self.today)
        if problems:
            return self._refuse("id_card", problems[0])[0]
        self.applicant = applicant
        if self.service in (None, Service.REGISTER):
            self.application_id = new_application_id(self.today)
        self._go("confirm_identity")
        return ""

    def confirm_identity(self) -> None:
        """是本人，继续: on to the face check."""
        if self.step != "confirm_identity" or self.applicant is None:
            return
        self.touch()
        self._go("face")
        if self._down(CAMERA):
            self._refuse("face", CAMERA_DOWN)

    def not_me(self) -> None:
        """不是本人: forget the card read, back to the card page to read the person's own."""
        if self.step != "confirm_identity":
            return
        self.touch()
        self.applicant = None
        self.application_id = None
        self._go("id_card")
        self.device_notice("id_card", "请取走这张身份证，把您本人的身份证放在读卡区")

    def _after_identity(self) -> None:
        """The person is known (face or staff): on to what the service does with them."""
        if self.service is Service.STATUS:
            self._look_up("status_list", "mine")
        elif self.service is Service.LICENCE:
            self._look_up("licence_list", "licences")
        else:
            steps = self.steps
            self._go(steps[steps.index("face") + 1])

    def face_checked(self, passed: bool, best_jpeg: bytes | None = None,
                     prompt: str = "") -> str:
        """The camera finished a liveness check (and 1:1 match where configured)."""
        if self.step != "face":
            return ""
        self.touch()
        self.face_attempts += 1
        if passed:
            self.identity_verified = True
            self.face_jpeg = bytearray(best_jpeg or b"")
            self._after_identity()
            return ""
        message = prompt or "人脸核验未通过，请按提示再试一次"
        if self.face_attempts >= MAX_FACE_ATTEMPTS:
            message = "人脸核验多次未通过。请按“呼叫工作人员”，由工作人员协助核验身份"
        self.errors = [message]
        self._emit(ev.AnswerRefused("face", message))
        return message

    def device_notice(self, step: str, text: str) -> None:
        """A device's live instruction for the page it belongs to (ignored on any other page)."""
        if self.step == step and text != self.notice:
            self.notice = text
            self._emit(ev.NoticeChanged(step, text))

    def retry_face(self) -> None:
        """再试一次 on the face page, while tries are left and the camera works; the page starts
        again, and with it a new check (the coordinator starts one on every arrival)."""
        if self.step == "face" and not self.staff_needed:
            self.touch()
            self._go("face")

    def device_changed(self, health: Health) -> None:
        """A device's health changed (the coordinator relays the device manager)."""
        self.devices[health.device] = health
        self._emit(ev.DeviceChanged(health.device, health.state.value, health.message))
        if health.device == CARD_READER and self.step == "id_card":
            # The person waits at the reader: say it is down, and take it back once it is not.
            if self._down(CARD_READER):
                self._refuse("id_card", READER_DOWN)
            elif health.usable and READER_DOWN in self.errors:
                self._go("id_card")
            return
        if health.device != CAMERA or self.step != "face":
            return
        if self._down(CAMERA):
            self._refuse("face", CAMERA_DOWN)
        elif health.usable and CAMERA_DOWN in self.errors:
            self._go("face")      # the camera is back: the page, and a new check, start again

    def staff_verified(self) -> None:
        """Non-biometric fallback: staff checked the person; the platform reviews by hand."""
        if self.step == "face":
            self.identity_verified = False
            self.staff_checked_identity = True
            self._after_identity()

    # ----- answering --------------------------------------------------------------------------
    def _context(self) -> Context:
        return Context(self.subject_type, self.applicant.id_number if self.applicant else "",
                       today=self.today, capital=self.answers.get("capital"))

    def answer(self, value: Any) -> list[str]:
        """The person pressed 继续 on a question page. Returns the problems, empty when moved on."""
        step = self.step
        if self.phase not in (Phase.ACTIVE, Phase.WARNING) or step is None:
            return ["本次办理已结束，请重新开始"]
        self.touch()
        page = self.questions[step]
        if page.answered:
            self.raw[step] = value
        checked = page.clean(value, self._context())
        if not checked.ok:
            return self._refuse(step, checked.message, checked.field)
        if page.stage is Stage.TYPE:
            self.subject_type = subject_types.BY_ID[checked.value]
        self.answers[step] = checked.value
        self.skipped.discard(step)
        return self._advance()

    def _refuse(self, step: str, message: str, field: str = "") -> list[str]:
        self.errors = [message]
        self.error_field = field
        self._emit(ev.AnswerRefused(step, message))
        return self.errors

    def _unanswered(self) -> str | None:
        """The first page before the review (a question or a declaration) that has neither an
        answer nor a skip."""
        for s in self.steps:
            q = self.questions[s]
            if q.answered and s not in self.answers and s not in self.skipped:
                return s
        return None

    def _advance(self) -> list[str]:
        steps = self.steps
        if self.editing:
            # After a change, ask only what the change made newly necessary, then the review.
            self._go(self._unanswered() or self._first(Stage.REVIEW))
            if self.step == self._first(Stage.REVIEW):
                self.editing = False
            return []
        i = steps.index(self.step) if self.step in steps else 0
        self._go(steps[min(i + 1, len(steps) - 1)])
        return []

    def skip(self) -> list[str]:
        """选填 pages may be left empty; the review shows 未填写."""
        if self.step and self.optional:
            self.answers.pop(self.step, None)
            self.skipped.add(self.step)
            return self._advance()
        return self._refuse(self.step or "", "这一项必须填写")

    def back(self) -> None:
        """上一步: to the previous page on the path, when ``can_go_back``."""
        self.touch()
        if self.can_go_back:
            steps = self.steps
            self._go(steps[steps.index(self.step) - 1])

    def change(self, step: str) -> None:
        """修改 on the review page: edit one answer, then straight back to the review."""
        page = self.page
        target = self.questions.get(step)
        if (page and page.stage is Stage.REVIEW and target and (target.listed or target.declaration)
                and (step in self.steps or (self.type_preset and step == SUBJECT_TYPE))):
            self.touch()
            self.editing = True
            self._go(step)

    def confirm_review(self) -> list[str]:
        page = self.page
        if page is None or page.stage is not Stage.REVIEW:
            return []
        self.touch()
        missing = self._unanswered()
        if missing:
            self.editing = True
            self._go(missing)
            q = self.questions[missing]
            name = q.label_for(self.subject_type, self.answers) or q.heading_for(self.subject_type)
            return [f"请先完成“{name}”"]
        return self._submit_now()              # 确认提交申请

    def sign(self, png: bytes) -> list[str]:
        """The signature pad's image; the review page shows it before submit."""
        if self.page is None or self.page.kind is not Kind.SIGNATURE:
            return []
        self.signature_png = bytearray(png)
        return self.answer(bool(png))

    def sign_strokes(self, strokes: Any, width: float, height: float,
                     render: Callable[[Any, int, int], bytes]) -> list[str]:
        """The pad's strokes: refused unless they hold real ink (a written name, not a tap);
        ``render`` draws them as the PNG that is stored and submitted."""
        if self.page is None or self.page.kind is not Kind.SIGNATURE:
            return []
        problem = ink_problem(strokes, width, height)
        if problem:
            self.touch()
            return self._refuse(self.step or "", problem)
        return self.sign(render(strokes, int(width), int(height)))

    # ----- submit and end ---------------------------------------------------------------------
    def record(self) -> dict[str, Any]:
        assert self.applicant and self.subject_type and self.application_id
        answers = {q.id: self.answers[q.id] for q in self.questions.needed(self.subject_type,
                                                                          self.answers)
                   if q.id in self.answers}
        # Local time with its offset: the platform's review takes "today" from this date, and it
        # must be the day the kiosk checked the answers against (``today``), not the UTC one.
        created = dt.datetime.fromtimestamp(self._wall_clock()).astimezone()
        return new_record(self.application_id, self.subject_type.id, self.applicant, answers,
                          identity_verified=self.identity_verified, created_at=created)

    def _submit_now(self) -> list[str]:
        record = self.record()
        attachments = {"signature": bytes(self.signature_png)}
        if self.face_jpeg:
            attachments["face"] = bytes(self.face_jpeg)
        try:
            kept = self._submit.enqueue(self.application_id or "", record, attachments,
                                        record["subject_type"], same_as=same_application(record))
        except Exception:  # noqa: BLE001 - any storage failure: keep everything, ask for staff
            return self._refuse(self.step or "", "申请暂时无法保存，您填写的内容仍在。请按“呼叫工作人员”")
        assert self.applicant and self.subject_type
        if kept:   # the same application, submitted before a crash: one number, one record
            self.application_id = kept
        delivery = self.questions.get("delivery")
        self.receipt = ReceiptFacts(
            application_id=self.application_id or "",
            business_name=full_name(self.subject_type, record),
            subject_type_label=self.subject_type.label,
            applicant_masked=mask_name(self.applicant.name),
            delivery=delivery.option_label(self.answers["delivery"], self.subject_type)
            if delivery and "delivery" in self.answers else "",
            submitted_at=self._wall_clock())
        self.phase = Phase.FINISHED
        self.outcome = VisitOutcome(self.application_id or "")
        self._timer.done_opened()
        self._emit(ev.SubmissionQueued(self.application_id or ""))
        self._go(self._first(Stage.DONE))
        return []

    def outcome_known(self, outcome: VisitOutcome) -> None:
        """What became of this visit's application (and its paper); another visit's is ignored."""
        if self.phase is not Phase.FINISHED or outcome.application_id != self.application_id:
            return
        if outcome != self.outcome:
            self.outcome = outcome
            self._timer.done_shown()
            self._emit(ev.OutcomeChanged(outcome))

    @property
    def done_held(self) -> bool:
        """The done page must stay: the outcome or a piece of paper is still coming."""
        o = self.outcome
        return o is not None and (o.outcome is Outcome.SUBMITTING
                                  or Paper.PRINTING in (o.receipt, o.licence))

    def cancel(self) -> None:
        if self.phase is not Phase.IDLE:
            self.end("cancelled")

    def finish(self) -> None:
        """完成 on the confirmation page, or on the last page of another service."""
        if self.phase is Phase.FINISHED:
            self.end("finished")
        elif self.phase is not Phase.IDLE and self.service not in (None, Service.REGISTER):
            self.end("finished_identity" if self.applicant else "finished_plain")

    def go_home(self) -> None:
        """返回首页 (the person confirmed): end the visit and wipe it, from any page."""
        if self.phase is not Phase.IDLE:
            self.end("home")

    def end(self, reason: str) -> None:
        self.wipe()
        self._emit(ev.SessionEnded(reason, MESSAGES.get(reason, "")))

    def wipe(self) -> None:
        """Remove every trace of the person: data in memory, photo, signature, files."""
        for buf in (self.face_jpeg, self.signature_png):
            buf[:] = bytes(len(buf))
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.answers.clear()
        self.raw.clear()
        self.skipped.clear()
        self._reset()

    # ----- time -------------------------------------------------------------------------------
    def touch(self) -> None:
        """Any touch on the screen: the person is here (still reading the done page, too)."""
        if self.phase is Phase.WARNING:
            self.extend()
        elif self.phase is Phase.FINISHED:
            self._timer.done_shown()
        self._timer.touch()

    def paused(self) -> AbstractContextManager[None]:
        """The idle timer stops while a device works (card read, camera, printing)."""
        return self._timer.paused()

    def extend(self) -> bool:
        """继续办理 on the warning. False when no extension is left."""
        if self.phase is not Phase.WARNING or self.extensions_left == 0:
            return False
        self._timer.extended()
        self.phase = Phase.ACTIVE
        self._emit(ev.SessionExtended(self.extensions_left))
        return True

    def tick(self) -> None:
        """Called about once a second: warn, time out, or close the confirmation page."""
        t = self.timeouts
        due = self._timer.due(t, active=self.phase is Phase.ACTIVE,
                              warning=self.phase is Phase.WARNING,
                              done=self.phase is Phase.FINISHED,
                              waiting_for_card=self.step in ("id_card", "status_scan"),
                              done_held=self.done_held)
        if due is Due.WARN:
            self.phase = Phase.WARNING
            self._timer.warned()
            self._emit(ev.IdleWarned(t.warning_s, self.extensions_left))
        elif due is Due.TIME_OUT:
            self.end("timeout")
        elif due is Due.CLOSE_DONE:
            self.end("finished")
