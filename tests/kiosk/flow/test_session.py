"""A session from 开始办理 to the wipe: journeys, back and change, time, cancel, and the wipe."""
from __future__ import annotations

import gc
import types
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.health import DeviceState, Health
from kiosk.flow import events as ev
from kiosk.flow.outcome import Outcome, Paper, VisitOutcome
from kiosk.flow.session import Admission, Phase, Session
from kiosk.flow.summary import NOT_GIVEN, review_sections
from offline_queue.model import QueueState
from offline_queue.outbox import Outbox

from .conftest import ID_NUMBER, NAME, Kit, answers_for, drive_to, person

TYPES = ["individual_business", "sole_proprietorship", "natural_person_llc", "branch"]


@pytest.mark.parametrize("subject", TYPES)
def test_each_subject_type_goes_from_card_to_a_queued_application(kit: Kit, subject: str) -> None:
    s = kit.session
    s.begin()
    visited = drive_to(s, "done", answers_for(subject, person()))
    assert visited[:4] == ["id_card", "confirm_identity", "face", "subject_type"]
    assert visited[-4:] == ["commitment", "signature", "review", "done"]
    assert s.phase is Phase.FINISHED
    assert kit.outbox.status(s.application_id).state is QueueState.QUEUED
    assert any(isinstance(e, ev.SubmissionQueued) for e in kit.events)
    assert s.receipt and s.receipt.applicant_masked == "欧***"


def test_progress_counts_the_steps_of_this_path(kit: Kit) -> None:
    s = kit.session
    s.begin()
    assert s.progress_text == "第 1 步"              # the total depends on the type not chosen yet
    drive_to(s, "operation_form", answers_for("individual_business", person()))
    n, m = s.position
    assert n == 5 and m > 15 and s.progress_text == f"第 5 步，共 {m} 步"


def test_a_refused_answer_keeps_what_was_typed_and_says_why(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "phone", answers_for("individual_business", person()))
    problems = s.answer("1380013800")
    assert problems == ["联系电话应为11位，您输入了10位"]
    assert s.step == "phone" and s.raw["phone"] == "1380013800"
    assert s.answer("138 0013 8000") == [] and s.answers["phone"] == "13800138000"


def test_minor_and_expired_card_stay_on_the_card_page(kit: Kit) -> None:
    import datetime as dt
    s = kit.session
    s.begin()
    assert "已于" in s.card_read(person(valid_until=dt.date(2020, 1, 1)))
    assert s.step == "id_card"
    from kiosk.domain.samples import make_id_number
    minor = person(id_number=make_id_number("330106", s.today.replace(year=s.today.year - 16), 11))
    assert "年满18周岁" in s.card_read(minor)
    assert s.step == "id_card" and s.applicant is None


def test_face_fallback_after_three_failures_goes_to_staff(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.card_read(person())
    s.confirm_identity()
    for _ in range(2):
        assert "再试" in s.face_checked(False)
    assert "工作人员" in s.face_checked(False)
    s.staff_verified()
    assert s.step == "subject_type" and not s.identity_verified


def test_back_goes_to_the_previous_question_but_not_to_the_card(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "has_name", answers_for("individual_business", person()))
    s.back()
    assert s.step == "operation_form"
    s.back()
    s.back()
    assert s.step == "subject_type"


def test_change_from_review_returns_to_review_and_asks_what_became_necessary(kit: Kit) -> None:
    s = kit.session
    s.begin()
    answers = answers_for("individual_business", person())
    drive_to(s, "review", answers)
    s.change("phone")
    assert s.step == "phone"
    s.answer("13900139000")
    assert s.step == "review"
    s.change("delivery")
    s.answer("mail")                                  # mail needs an address first
    assert s.step == "mail_address"
    s.answer({"region_code": "370323", "detail": "历山街道2号"})
    assert s.step == "review"
    rows = {r.step: r.value for sec in review_sections(s.subject_type, s.answers) for r in sec.rows}
    assert rows["mail_address"] == "山东省淄博市沂源县历山街道2号"
    assert rows["phone"] == "13900139000"


def test_skipped_optional_answer_reads_not_given(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "supervisor", answers_for("natural_person_llc", person()))
    s.skip()
    rows = {r.step: r.value for sec in review_sections(s.subject_type, s.answers, s.skipped)
            for r in sec.rows}
    assert rows["supervisor"] == NOT_GIVEN
    required = s.step                                # the page after it is required
    assert s.skip() == ["这一项必须填写"] and s.step == required


def test_idle_warning_extension_and_timeout(kit: Kit) -> None:
    s, clock = kit.session, kit.clock
    s.begin()
    drive_to(s, "phone", answers_for("individual_business", person()))
    clock.advance(119); s.tick()
    assert s.phase is Phase.ACTIVE
    clock.advance(1); s.tick()
    assert s.phase is Phase.WARNING and isinstance(kit.events[-1], ev.IdleWarned)
    for _ in range(10):                              # at least 10 extensions
        assert s.extend()
        clock.advance(120); s.tick()
        assert s.phase is Phase.WARNING
    assert not s.extend()                            # the 11th is refused
    clock.advance(30); s.tick()
    assert s.phase is Phase.IDLE
    assert kit.events[-1] == ev.SessionEnded("timeout", kit.events[-1].message)
    assert "全部删除" in kit.events[-1].message


def test_elderly_mode_doubles_the_timeouts_and_device_work_pauses_the_clock(kit: Kit) -> None:
    s, clock = kit.session, kit.clock
    s.elderly = True
    s.begin()
    drive_to(s, "phone", answers_for("individual_business", person()))
    clock.advance(200); s.tick()
    assert s.phase is Phase.ACTIVE
    with s.paused():
        clock.advance(1000); s.tick()
        assert s.phase is Phase.ACTIVE
    clock.advance(239); s.tick()
    assert s.phase is Phase.ACTIVE
    clock.advance(1); s.tick()
    assert s.phase is Phase.WARNING


def test_confirmation_page_closes_by_itself_once_the_outcome_and_paper_are_out(kit: Kit) -> None:
    s, clock = kit.session, kit.clock
    s.begin()
    drive_to(s, "done", answers_for("individual_business", person()))
    assert s.outcome == VisitOutcome(s.application_id or "")      # submitting
    clock.advance(100); s.tick()
    assert s.phase is Phase.FINISHED                            # held: nothing known yet
    printing = VisitOutcome(s.application_id or "", Outcome.APPROVED, credit_code="X",
                            receipt=Paper.PRINTED, licence=Paper.PRINTING)
    s.outcome_known(printing)
    assert s.outcome == printing and isinstance(kit.events[-1], ev.OutcomeChanged)
    clock.advance(70); s.tick()
    assert s.phase is Phase.FINISHED                            # the licence is printing
    s.outcome_known(printing.with_licence(Paper.PRINTED))
    clock.advance(59); s.tick()
    assert s.phase is Phase.FINISHED                            # a full minute to read it
    clock.advance(1); s.tick()
    assert s.phase is Phase.IDLE and kit.events[-1].reason == "finished"


def test_the_done_page_never_waits_for_ever_for_an_outcome(kit: Kit) -> None:
    s, clock = kit.session, kit.clock
    s.begin()
    drive_to(s, "done", answers_for("individual_business", person()))
    t = s.timeouts
    clock.advance(t.done_page_s + t.paper_wait_s - 1); s.tick()
    assert s.phase is Phase.FINISHED
    clock.advance(1); s.tick()
    assert s.phase is Phase.IDLE


def test_an_outcome_for_another_application_is_ignored(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "done", answers_for("individual_business", person()))
    s.outcome_known(VisitOutcome("20261201-OTHER", Outcome.REFUSED))
    assert s.outcome is not None and s.outcome.outcome is Outcome.SUBMITTING


def test_low_disk_refuses_to_start(tmp_path: Path) -> None:
    events: list = []
    s = Session(None, tmp_path, admission=lambda: Admission(False, "本机存储空间不足"),  # type: ignore[arg-type]
                listener=events.append)
    assert not s.begin().ok
    assert s.phase is Phase.IDLE and events[-1] == ev.SessionEnded("refused", "本机存储空间不足")


def test_a_failing_queue_keeps_everything_and_asks_for_staff(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "review", answers_for("individual_business", person()))
    kit.outbox.close()                               # the disk went away
    problems = s.confirm_review()
    assert "工作人员" in problems[0]
    assert s.step == "review" and s.applicant is not None and s.answers["phone"]
    assert s.signature_png                            # nothing the person gave is dropped


def _reachable(root: object) -> list[object]:
    """Everything reachable from ``root``, not descending into modules, classes or functions."""
    seen, stack, out = set(), [root], []
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (types.ModuleType, type, types.FunctionType,
                                               types.BuiltinFunctionType, types.CodeType)):
            continue
        seen.add(id(obj))
        out.append(obj)
        stack.extend(gc.get_referents(obj))
    return out


def _holds_person(objects: list[object]) -> list[object]:
    hits = []
    for o in objects:
        if isinstance(o, str) and (NAME in o or ID_NUMBER in o):
            hits.append(o)
        elif isinstance(o, (bytes, bytearray)) and (NAME.encode() in o or ID_NUMBER.encode() in o
                                                    or b"jpeg" in o or b"signature" in o):
            hits.append(o)
    return hits


@pytest.mark.parametrize("how", ["cancel", "timeout", "finish"])
def test_wipe_leaves_no_trace_of_the_person(kit: Kit, how: str) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "done" if how == "finish" else "signature",
             answers_for("natural_person_llc", person()))
    workdir = s.workdir
    assert workdir is not None and (workdir / "keyboard").is_dir()
    (workdir / "keyboard" / "usr_dict.dat").write_text(NAME, encoding="utf-8")  # learned words
    face, signature = s.face_jpeg, s.signature_png
    assert _holds_person(_reachable(s))              # the check can see the person before...

    if how == "cancel":
        s.cancel()
    elif how == "timeout":
        kit.clock.advance(120); s.tick(); kit.clock.advance(30); s.tick()
    else:
        s.finish()

    assert s.phase is Phase.IDLE
    assert _holds_person(_reachable(s)) == []        # ...and nothing after
    assert not workdir.exists()
    assert not any(p.is_file() for p in kit.workdir.rglob("*"))
    assert set(face) <= {0} and set(signature) <= {0}   # buffers handed out were zeroed too


def test_sessions_do_not_share_a_keyboard_directory(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.db", X25519PrivateKey.generate().public_key())
    s = Session(outbox, tmp_path / "s")
    s.begin()
    first = s.keyboard_dir
    s.cancel()
    s.begin()
    assert s.keyboard_dir != first and not first.exists()


def test_a_device_notice_shows_on_its_own_page_only_and_clears_on_leaving(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.device_notice("face", "请慢慢向左转头")          # not on the face page yet: ignored
    assert s.notice == ""
    s.card_read(person())
    s.confirm_identity()
    s.device_notice("face", "请慢慢向左转头")
    assert s.notice == "请慢慢向左转头"
    assert kit.events[-1] == ev.NoticeChanged("face", "请慢慢向左转头")
    s.face_checked(True, b"\xff\xd8")
    assert s.step == "subject_type" and s.notice == ""


def test_back_and_change_read_the_table_s_flags(kit: Kit) -> None:
    s = kit.session
    s.begin()
    assert s.can_go_back is False                    # the card page: nothing before it
    drive_to(s, "subject_type", answers_for("individual_business", person()))
    assert s.can_go_back is False                    # the face before it is never asked again
    s.back()
    assert s.step == "subject_type"
    drive_to(s, "signature", answers_for("individual_business", person()))
    assert s.can_go_back is True
    s.back()
    assert s.step == "commitment"
    s.back()
    assert s.step == "delivery"                      # the last question before the declaration
    drive_to(s, "review", answers_for("individual_business", person()))
    for not_listed in ("id_card", "face", "done", "no_such_step"):
        s.change(not_listed)
        assert s.step == "review", not_listed
    s.change("commitment")                           # a declaration is done again from here
    assert s.step == "commitment"
    s.answer(True)
    assert s.step == "review"
    s.change("subject_type")
    assert s.step == "subject_type"


def test_the_date_and_submitted_at_come_from_the_wall_clock(kit: Kit) -> None:
    import datetime as dt
    s = kit.session
    kit.wall.advance(3 * 86400)                      # 2026-11-24
    s.begin()
    answers = answers_for("natural_person_llc", person())
    drive_to(s, "bank", answers)
    assert s.today == dt.date(2026, 11, 24)
    # The bank page accepts the days after the session's date, whatever today really is.
    assert "30天" in s.answer({"appointment": True, "bank": "中国银行", "date": "2026-11-24"})[0]
    assert s.answer({"appointment": True, "bank": "中国银行", "date": "2026-12-24"}) == []
    drive_to(s, "review", answers)
    kit.wall.advance(60)
    assert s.confirm_review() == []
    assert s.receipt.submitted_at == kit.wall.now
    assert s.application_id.startswith("20261124-")
    record = s.record()
    assert dt.datetime.fromisoformat(record["created_at"]).timestamp() == int(kit.wall.now)
    from kiosk.domain.review import review_record
    assert review_record(record).valid           # the platform checks against the same day


def test_a_skipped_funds_page_says_so_and_keeps_what_was_typed(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "capital", answers_for("individual_business", person()))
    heading = s.page.heading_for(s.subject_type, s.answers)
    assert s.optional and heading.endswith("（选填）") and "资金数额" in heading
    assert s.answer("abc") and s.raw["capital"] == "abc"
    assert s.skip() == [] and "capital" not in s.answers and s.raw["capital"] == "abc"
    rows = {r.step: (r.label, r.value) for sec in s.review_sections() for r in sec.rows}
    assert rows["capital"] == ("资金数额", NOT_GIVEN)


def _health(device: str, state: DeviceState, message: str = "") -> Health:
    return Health(device, state, state.value, message or f"{device} {state.value}")


def test_a_visit_that_could_not_be_finished_is_not_started(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("idcard", DeviceState.DISCONNECTED, "读卡器未连接"))
    admission = s.begin()
    assert not admission.ok and "身份证阅读器暂时无法使用" in admission.message
    assert "读卡器未连接" in admission.message and s.phase is Phase.IDLE
    assert kit.events[-1].reason == "refused"
    s.device_changed(_health("idcard", DeviceState.READY))
    assert s.begin().ok and s.step == "id_card"


def test_a_receipt_printer_out_of_paper_does_not_stop_a_visit(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("receipt_printer", DeviceState.UNAVAILABLE, "回执打印机缺纸"))
    assert s.begin().ok


def test_a_camera_that_fails_on_the_face_page_offers_staff(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.card_read(person())
    s.confirm_identity()
    assert s.step == "face" and not s.staff_needed
    s.device_changed(_health("camera", DeviceState.DISCONNECTED))
    assert s.staff_needed and "工作人员" in s.errors[0]
    assert isinstance(kit.events[-1], ev.AnswerRefused)
    s.staff_verified()
    assert s.step == "subject_type" and not s.identity_verified


def test_a_camera_already_down_is_said_on_arrival_at_the_face_page(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("camera", DeviceState.UNAVAILABLE))
    s.begin()
    s.card_read(person())
    s.confirm_identity()
    assert s.step == "face" and s.staff_needed and "工作人员" in s.errors[0]


def test_a_camera_that_is_still_starting_is_not_out_of_order(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("camera", DeviceState.STARTING))
    s.begin()
    s.card_read(person())
    s.confirm_identity()
    assert s.step == "face" and not s.errors and not s.staff_needed


def test_a_camera_that_comes_back_starts_the_face_page_again(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.card_read(person())
    s.confirm_identity()
    s.device_changed(_health("camera", DeviceState.DISCONNECTED))
    assert s.staff_needed
    s.device_changed(_health("camera", DeviceState.READY))
    assert s.step == "face" and not s.errors and not s.staff_needed
    assert isinstance(kit.events[-1], ev.StepChanged) and kit.events[-1].step == "face"


def test_a_reader_that_is_still_connecting_keeps_the_start_page_waiting(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("idcard", DeviceState.STARTING, "正在连接读卡器"))
    assert "正在连接读卡器" in s.why_not_start()
    assert not s.begin().ok
    s.device_changed(_health("idcard", DeviceState.READY))
    assert s.why_not_start() == "" and s.begin().ok


def test_a_reader_that_fails_while_the_person_waits_at_it_says_so_and_recovers(kit: Kit) -> None:
    s = kit.session
    s.begin()
    assert s.step == "id_card" and not s.errors
    s.device_changed(_health("idcard", DeviceState.DISCONNECTED, "读卡器未连接"))
    assert s.step == "id_card" and s.errors and "身份证阅读器暂时无法读卡" in s.errors[0]
    assert isinstance(kit.events[-1], ev.AnswerRefused)
    s.device_changed(_health("idcard", DeviceState.READY))
    assert s.step == "id_card" and not s.errors          # the page is the card page again
    assert s.card_read(person()) == "" and s.step == "confirm_identity"
    s.device_changed(_health("idcard", DeviceState.DISCONNECTED))   # no longer needed
    assert s.step == "confirm_identity" and not s.errors


def test_voice_is_on_in_elderly_mode_unless_the_person_turns_it_off(kit: Kit) -> None:
    s = kit.session
    s.begin()
    assert not s.voice                       # standard mode: off until the person asks
    s.elderly = True
    assert s.voice                           # 长辈版 reads pages aloud by default
    s.voice_choice = False
    assert not s.voice                       # ... unless the person switched it off
    s.elderly = False
    s.voice_choice = True
    assert s.voice                           # and a person may switch it on in standard mode


def test_the_voice_choice_is_reset_with_the_person(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.voice_choice = True
    s.cancel()
    assert s.voice_choice is None and not s.voice
    s.elderly_default = True                 # a kiosk that starts in 长辈版 starts speaking
    s.begin()
    s.cancel()
    assert s.voice
