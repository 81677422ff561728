"""The citizen services in the session: the home screen's offers, the identity confirmed, 帮办
and the staff panel, status, licence, guide, rating, 返回首页, and what each wipe resets."""
from __future__ import annotations

import pytest

from contract.citizen import ApplicationSummary
from contract.wire import DecisionStatus
from devices.health import DeviceState, Health
from kiosk.flow import events as ev
from kiosk.flow.help import HelpStatus, StaffCheck
from kiosk.flow.offers import notices
from kiosk.flow.services import LookupState, PrintJob, PrintState, Service
from kiosk.flow.session import Admission, Phase, Session

from .conftest import Kit, answers_for, drive_to, person


def _health(device: str, state: DeviceState, code: str = "x", message: str = "故障") -> Health:
    return Health(device, state, code, message)


def offered(s: Session) -> dict[Service, str]:
    return {o.service: o.reason for o in s.offers}


def to_face(s: Session) -> None:
    assert s.card_read(person()) == ""
    assert s.step == "confirm_identity"
    s.confirm_identity()
    assert s.step == "face"


# ----- the home screen -------------------------------------------------------------------

def test_a_type_chosen_on_the_home_screen_is_not_asked_again(kit: Kit) -> None:
    s = kit.session
    assert s.begin(Service.REGISTER, "branch").ok
    assert s.subject_type.id == "branch" and "subject_type" not in s.steps
    to_face(s)
    s.face_checked(True, b"\xff\xd8")
    assert s.step == "parent"                            # the branch's first question
    assert s.progress_text.startswith("第 4 步，共 ")     # card, identity, face, this
    visited = drive_to(s, "done", answers_for("branch", person()))
    assert "subject_type" not in visited
    assert s.record()["subject_type"] == "branch"


def test_an_unknown_type_from_the_home_screen_starts_nothing(kit: Kit) -> None:
    assert not kit.session.begin(Service.REGISTER, "partnership").ok
    assert kit.session.phase is Phase.IDLE


def test_the_home_screen_says_what_is_out_of_order_and_offers_what_can_be_finished(
        kit: Kit) -> None:
    s = kit.session
    assert all(reason == "" for reason in offered(s).values()) and notices(s.devices) == ()
    s.device_changed(_health("receipt_printer", DeviceState.UNAVAILABLE, "paper_out"))
    assert notices(s.devices)[0].startswith("回执打印机缺纸：回执将由工作人员补打")
    assert offered(s)[Service.REGISTER] == ""            # a visit still finishes without paper
    s.device_changed(_health("licence_printer", DeviceState.UNAVAILABLE, "stopped"))
    assert "营业执照打印机" in offered(s)[Service.LICENCE]
    s.device_changed(_health("platform", DeviceState.DISCONNECTED, "offline"))
    out = offered(s)
    assert out[Service.REGISTER] == "" and out[Service.GUIDE] == "" and out[Service.RATING] == ""
    assert "网络" in out[Service.STATUS] and not s.begin(Service.STATUS).ok
    s.device_changed(_health("idcard", DeviceState.DISCONNECTED, "disconnected", "读卡器未连接"))
    assert "身份证阅读器" in offered(s)[Service.REGISTER] and not s.begin().ok
    assert any("输入或扫描申请编号" in n for n in notices(s.devices))


def test_a_full_disk_stops_filing_but_not_the_other_services(tmp_path) -> None:
    s = Session(None, tmp_path, admission=lambda: Admission(False, "本机存储空间不足"))  # type: ignore[arg-type]
    assert offered(s)[Service.REGISTER] == "本机存储空间不足"
    assert s.begin(Service.GUIDE).ok and s.step == "guide"


# ----- identity --------------------------------------------------------------------------

def test_the_person_confirms_the_card_or_lays_their_own(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.face_checked(True)                                  # not on the face page: ignored
    s.card_read(person())
    assert s.step == "confirm_identity" and s.applicant is not None
    s.not_me()
    assert s.step == "id_card" and s.applicant is None and "本人的身份证" in s.notice
    to_face(s)


# ----- 帮办 and the staff panel -------------------------------------------------------------

class Gate:
    """A staff gate that answers at once (the real one hashes off the thread)."""

    def __init__(self, ok: bool) -> None:
        self.ok, self.pins = ok, []

    def check(self, pin, done) -> None:
        self.pins.append(pin)
        done(StaffCheck(self.ok, "" if self.ok else "工作人员密码不正确，还可以再试4次"))


def test_a_help_call_goes_out_is_answered_cancelled_and_reset_at_the_wipe(kit: Kit) -> None:
    s = kit.session
    s.call_help()                                         # from the start page too
    called = [e for e in kit.events if isinstance(e, ev.HelpCalled)]
    assert called and called[0].page == "home" and s.help.status is HelpStatus.CALLING
    s.call_help()                                         # already on its way: one call
    assert len([e for e in kit.events if isinstance(e, ev.HelpCalled)]) == 1
    s.help_known("help-someone-else", HelpStatus.ANSWERED, "李工")
    assert s.help.status is HelpStatus.CALLING            # another call's news: ignored
    s.help_known(s.help.call_id, HelpStatus.OPEN)
    s.begin()                                             # the person starts while waiting
    assert s.help.status is HelpStatus.OPEN
    s.help_known(s.help.call_id, HelpStatus.ANSWERED, "王晓")
    assert "王晓正在赶来" in s.help.text
    s.cancel()
    assert s.help.status is HelpStatus.NONE               # the wipe resets it


def test_a_platform_out_of_reach_says_to_ask_at_the_desk(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s.call_help()
    s.help_known(s.help.call_id, HelpStatus.UNREACHED)
    assert "服务台" in s.help.text and not s.help.status.waiting
    s.call_help()                                         # 再呼叫一次
    assert s.help.status is HelpStatus.CALLING


def test_after_three_failures_staff_verify_through_the_help_call(kit: Kit) -> None:
    s = kit.session
    gate = Gate(ok=True)
    s._staff_gate = gate
    s.begin(Service.REGISTER, "individual_business")
    to_face(s)
    for _ in range(3):
        s.face_checked(False)
    assert s.staff_needed
    s.call_help()
    call = next(e for e in kit.events if isinstance(e, ev.HelpCalled))
    assert (call.page, call.reason) == ("face", "face_failed")
    s.staff_verify()                                      # locked: nothing happens
    assert s.step == "face"
    s.staff_pin("246810")
    assert s.staff.unlocked and gate.pins == ["246810"]
    assert s.help.status is HelpStatus.NONE               # staff are here: the call ends
    assert any(isinstance(e, ev.HelpCancelled) for e in kit.events)
    s.staff_verify()
    assert s.step == "operation_form" and not s.identity_verified and not s.staff.unlocked
    assert s.staff_checked_identity


def test_a_wrong_pin_is_said_and_staff_can_finish_for_the_person(kit: Kit) -> None:
    s = kit.session
    s.begin()
    s._staff_gate = Gate(ok=False)
    s.staff_pin("1111")
    assert not s.staff.unlocked and "不正确" in s.staff.message
    s._staff_gate = Gate(ok=True)
    s.staff_pin("246810")
    s.staff_finish()
    assert s.phase is Phase.IDLE and kit.events[-1].reason == "staff"
    assert "工作人员已为您结束" in kit.events[-1].message


def test_without_a_pin_set_staff_actions_say_so(kit: Kit) -> None:
    kit.session.staff_pin("246810")
    assert "未设置工作人员密码" in kit.session.staff.message


# ----- 办件进度查询 -------------------------------------------------------------------------

def _summary(status: DecisionStatus, sid: str = "20261121-7KQ4M2XP") -> ApplicationSummary:
    return ApplicationSummary(application_id=sid, subject_type="individual_business",
                              business_name="杭州市西湖区青禾百货店", status=status, reasons=[],
                              received_at="2026-11-21T10:00:00+00:00",
                              updated_at="2026-11-21T10:00:00+00:00", prints=0)


def test_status_by_card_asks_for_the_verified_persons_applications(kit: Kit) -> None:
    s = kit.session
    s.begin(Service.STATUS)
    assert s.step == "status_start" and s.progress_text == "第 1 步，共 5 步"
    s.status_by("card")
    to_face(s)
    s.face_checked(True, b"\xff\xd8")
    asked = kit.events[-1]
    assert isinstance(asked, ev.LookupRequested) and asked.query == "mine"
    assert s.step == "status_list" and s.lookup.state is LookupState.LOADING
    s.lookup_known("lookup-old", LookupState.READY, (_summary(DecisionStatus.APPROVED),))
    assert s.lookup.state is LookupState.LOADING          # a late answer to another query
    s.lookup_known(asked.query_id, LookupState.OFFLINE)
    s.retry_lookup()
    again = kit.events[-1]
    assert isinstance(again, ev.LookupRequested) and again.query_id != asked.query_id
    s.lookup_known(again.query_id, LookupState.READY, (_summary(DecisionStatus.APPROVED),))
    assert s.lookup.items[0].status is DecisionStatus.APPROVED
    s.finish()
    assert kit.events[-1].message.startswith("感谢您的使用。您的身份证信息和照片已从本机清除")


@pytest.mark.parametrize("typed, problem", [
    ("", "请输入回执上的申请编号"), ("2026", "应为16位"), ("20261332-7KQ4M2XP", "办理日期"),
    ("20261121-7KQ4M2X!", "字母和数字"), ("ABCDEFGH-7KQ4M2XP", "数字日期")])
def test_a_typed_number_is_checked_on_query(kit: Kit, typed: str, problem: str) -> None:
    s = kit.session
    s.begin(Service.STATUS)
    s.status_by("number")
    assert problem in s.enter_number(typed)[0] and s.step == "status_number"
    assert s.raw["status_number"] == typed                # never cleared


def test_a_number_typed_loosely_or_read_from_a_qr_code_is_looked_up(kit: Kit) -> None:
    s = kit.session
    s.begin(Service.STATUS)
    s.status_by("number")
    assert s.enter_number("20261121 7kq4 m2xp") == []
    asked = kit.events[-1]
    assert (asked.query, asked.number) == ("number", "20261121-7KQ4M2XP")
    s.status_again()
    assert s.step == "status_start"
    s.status_by("scan")
    s.number_scanned("https://example.org/not-ours")
    assert s.step == "status_scan" and "不是回执上的查询码" in s.notice
    s.number_scanned("20261121-7KQ4M2XP")
    assert s.step == "status_list" and s.lookup.by == "scan"


def test_a_status_query_cannot_use_a_reader_that_is_down(kit: Kit) -> None:
    s = kit.session
    s.device_changed(_health("idcard", DeviceState.DISCONNECTED))
    s.begin(Service.STATUS)
    s.status_by("card")
    assert s.step == "status_start"                       # not a dead end on the card page
    s.status_by("number")
    assert s.step == "status_number"


# ----- 营业执照自助打印 -------------------------------------------------------------------------

def test_only_an_approved_licence_of_the_lookup_can_be_printed(kit: Kit) -> None:
    s = kit.session
    s.begin(Service.LICENCE)
    to_face(s)
    s.face_checked(True, b"\xff\xd8")
    asked = kit.events[-1]
    assert asked.query == "licences" and s.step == "licence_list"
    s.lookup_known(asked.query_id, LookupState.READY,
                   (_summary(DecisionStatus.APPROVED), _summary(DecisionStatus.RECEIVED, "20261121-AAAAAAAA")))
    s.choose_licence("20261121-AAAAAAAA")
    assert s.step == "licence_list"
    s.choose_licence("20261121-7KQ4M2XP")
    requested = kit.events[-1]
    assert isinstance(requested, ev.LicencePrintRequested) and s.step == "licence_print"
    s.print_known(PrintJob("print-other", "licence", "20261121-7KQ4M2XP", PrintState.PRINTED, 9))
    assert s.job.state is PrintState.PRINTING             # another print's news
    s.print_known(PrintJob(requested.print_id, "licence", "20261121-7KQ4M2XP",
                           PrintState.PRINTED, 2))
    assert (s.job.state, s.job.number) == (PrintState.PRINTED, 2)
    assert s.case_number == "20261121-7KQ4M2XP"


# ----- 办事指南 and 好差评 ---------------------------------------------------------------------

def test_the_guide_is_chosen_and_printed_once_at_a_time(kit: Kit) -> None:
    s = kit.session
    s.begin(Service.GUIDE)
    assert s.progress_text == ""
    s.choose_guide("natural_person_llc")
    s.print_guide()
    s.print_guide()                                       # still printing: one job
    jobs = [e for e in kit.events if isinstance(e, ev.GuidePrintRequested)]
    assert [j.subject_type for j in jobs] == ["natural_person_llc"]


def test_a_rating_is_checked_given_once_and_names_its_case(kit: Kit) -> None:
    s = kit.session
    s.begin(Service.RATING)
    assert "表情" in s.rate(0)[0] and "表情" in s.rate(True)[0] and "表情" in s.rate("5")[0]
    long = "很" * 201
    assert "不能超过200个字" in s.rate(1, [], long)[0]
    assert s.rate(2, ["办理时间太长", "不存在的原因"], " 等了\x00很久\n ") == []
    body = s.rating
    assert body["tags"] == ["办理时间太长"] and body["comment"] == "等了很久"
    assert body["submission_id"].startswith("visit-") and body["level"] == 2
    assert "已评价" in s.rate(5)[0]                       # 一次一评
    s.rating_known(body["rating_id"], "queued")
    assert s.rating_delivery == "queued"


def test_a_good_rating_carries_no_comment_and_the_done_page_rates_the_application(
        kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "done", answers_for("individual_business", person()))
    assert s.rate(5, ["办理时间太长"], "随便写写") == []
    assert s.rating["tags"] == [] and s.rating["comment"] == ""
    assert s.rating["submission_id"] == s.application_id


# ----- 返回首页 and what a wipe resets --------------------------------------------------------

@pytest.mark.parametrize("service", list(Service))
def test_going_home_from_any_service_wipes_and_says_so(kit: Kit, service: Service) -> None:
    s = kit.session
    s.elderly = True
    assert s.begin(service).ok
    s.call_help()
    s.go_home()
    ended = kit.events[-1]
    assert isinstance(ended, ev.SessionEnded) and ended.reason == "home"
    assert "已从本机全部删除" in ended.message
    assert s.phase is Phase.IDLE and not s.elderly and s.help.status is HelpStatus.NONE
    assert s.service is None and s.rating is None and s.job is None


def test_a_tap_on_the_signature_pad_is_not_a_signature(kit: Kit) -> None:
    s = kit.session
    s.begin()
    drive_to(s, "signature", answers_for("individual_business", person()))
    render = lambda strokes, w, h: b"\x89PNG-drawn"     # noqa: E731
    assert "轻点一下" in s.sign_strokes([[{"x": 100, "y": 100}]], 900, 450, render)[0]
    assert s.step == "signature"
    line = [{"x": x, "y": 200 + (x % 40)} for x in range(100, 800, 20)]
    assert s.sign_strokes([line], 900, 450, render) == []
    assert s.step == "review" and bytes(s.signature_png) == b"\x89PNG-drawn"   # shown there
    s.change("signature")                                  # 重新签名 from the review
    assert s.step == "signature"
    assert s.sign_strokes([line], 900, 450, render) == [] and s.step == "review"
    assert s.confirm_review() == [] and s.phase is Phase.FINISHED
