"""The bridge follows the session: properties, change signals, errors, time, a journey."""
from __future__ import annotations

from kiosk.domain.samples import sample_answers
from kiosk.flow import events as ev
from kiosk.domain.questions import QUESTIONS, Kind
from tests.ui.conftest import ID_NUMBER, NAME, Kit, person

STROKES = [[{"x": 10, "y": 10}, {"x": 200, "y": 120}, {"x": 380, "y": 40}]]


def to_question(kit: Kit, subject: str = "individual_business") -> None:
    kit.bridge.begin()
    kit.session.card_read(person())
    kit.session.confirm_identity()
    kit.session.face_checked(True, b"\xff\xd8jpeg")
    kit.bridge.refresh()
    assert kit.bridge.answer(subject) == []


def test_idle_bridge_shows_the_start_screen(kit: Kit) -> None:
    b = kit.bridge
    assert (b.phase, b.step, b.screen, b.progressText) == ("idle", "", "AttractScreen", "")
    assert b.canGoBack is False and b.errors == [] and b.receipt == {}


def test_begin_moves_to_the_id_card_page_and_signals_it(kit: Kit, qtbot) -> None:
    b = kit.bridge
    with qtbot.waitSignals([b.stepChanged, b.screenChanged, b.phaseChanged, b.titleChanged,
                            b.progressTextChanged], timeout=1000):
        b.begin()
    assert (b.phase, b.step, b.kind, b.screen) == ("active", "id_card", "id_card", "IdCardScreen")
    assert b.title == QUESTIONS["id_card"].heading
    assert b.progressText == "第 1 步"
    assert b.canGoBack is False


def test_progress_and_options_follow_the_path(kit: Kit) -> None:
    to_question(kit)
    b = kit.bridge
    n, m = kit.session.position
    assert b.progressText == f"第 {n} 步，共 {m} 步" and n == 5 and m > 10
    assert b.step == "operation_form" and b.kind == Kind.CHOICE.value
    assert [o["value"] for o in b.options] == ["personal", "family"]
    assert b.canGoBack is True


def test_an_error_appears_and_what_was_typed_stays(kit: Kit, qtbot) -> None:
    to_question(kit)
    b = kit.bridge
    b.answer("personal")
    b.answer(True)
    b.answer({"region": "杭州市西湖区", "trade_name": "青禾", "industry": "百货", "form": "店"})
    b.answer(["F001"])
    b.answer({"region_code": "330106", "detail": "文三路1号"})
    b.answer("5")
    b.answer(2)
    assert b.step == "phone"
    with qtbot.waitSignals([b.errorsChanged, b.rawValueChanged], timeout=1000), \
            qtbot.waitSignal(b.answerRefused, timeout=1000) as refused:
        problems = b.answer("1380013")
    assert b.step == "phone"
    assert problems == b.errors and len(b.errors) == 1
    assert "11" in b.errors[0] and refused.args == [b.errors[0]]
    assert b.rawValue == "1380013"             # never clear what the person typed
    assert b.answer("138 0013 8000") == [] and b.step == "seals" and b.errors == []


def test_optional_page_says_so_and_can_be_skipped(kit: Kit) -> None:
    to_question(kit, "natural_person_llc")
    b = kit.bridge
    answers = sample_answers("natural_person_llc", person())
    while b.step != "supervisor":
        assert b.optional is False, b.step
        assert b.answer(answers[b.step]) == [], b.step
    assert b.optional is True
    assert b.skip() == [] and b.step == "phone"


def test_shareholders_start_with_the_applicant_from_the_card(kit: Kit) -> None:
    to_question(kit, "natural_person_llc")
    b = kit.bridge
    answers = sample_answers("natural_person_llc", person())
    while b.step != "shareholders":
        b.answer(answers[b.step])
    assert b.rawValue == [{"name": NAME, "id_number": ID_NUMBER, "amount": answers["capital"]}]


def test_back_change_and_review_sections(kit: Kit) -> None:
    to_question(kit)
    b = kit.bridge
    b.answer("personal")
    assert b.step == "has_name"
    b.back()
    assert b.step == "operation_form" and b.rawValue == "personal"
    answers = sample_answers("individual_business", person())
    while b.step != "review":
        assert b.answer(answers[b.step]) == [], b.step
    titles = [s["title"] for s in b.reviewSections]
    assert titles[0] == "主体信息" and "一并办理" in titles
    rows = {r["step"]: r["value"] for s in b.reviewSections for r in s["rows"]}
    assert rows["name"] == "杭州市西湖区青禾百货店" and rows["phone"] == "13800138000"
    b.change("phone")
    assert b.step == "phone" and b.rawValue == "13800138000" and b.reviewSections == []
    b.answer("13900139000")
    assert b.step == "review"                  # after a change, straight back to the review


def test_whole_journey_through_slots_only(kit: Kit, qtbot) -> None:
    """A limited company from 开始办理 to the wipe, as QML drives it (devices by the session)."""
    b = kit.bridge
    answers = sample_answers("natural_person_llc", person())
    answers.pop("signature")
    b.begin()
    kit.session.card_read(person())              # the reader's event (devices bridge later)
    kit.session.confirm_identity()
    kit.session.face_checked(True, b"\xff\xd8jpeg")
    b.refresh()
    seen = []
    b.answer("natural_person_llc")
    while b.step not in ("commitment",):
        seen.append(b.step)
        if b.optional and b.step not in answers:
            assert b.skip() == []
        else:
            assert b.answer(answers[b.step]) == [], (b.step, b.errors)
    assert "shareholders" in seen and "supervisor" in seen
    assert b.continueLabel == "我已阅读并承诺"
    assert b.answer(False) != [] and b.step == "commitment"
    assert b.answer(True) == [] and b.step == "signature"
    assert b.continueLabel == "确认签名"
    assert b.signStrokes([], 400, 200) != [] and b.step == "signature"   # empty pad refused
    assert b.signStrokes([[{"x": 10, "y": 10}]], 400, 200) != []          # a tap is no ink
    assert b.signStrokes(STROKES, 400, 200) == [] and b.step == "review"
    assert b.signatureImage.startswith("data:image/png;base64,")          # shown on the review
    assert b.continueLabel == "确认提交申请"
    with qtbot.waitSignal(b.receiptChanged, timeout=1000):
        assert b.confirmReview() == []
    assert b.step == "done" and b.phase == "finished" and b.canGoBack is False
    receipt = b.receipt
    assert receipt["businessName"] == "杭州青禾百货有限公司"
    assert receipt["applicationId"] == kit.session.application_id
    assert NAME not in str(receipt) and receipt["applicant"].startswith(NAME[0])
    assert kit.outbox.status(receipt["applicationId"]).state.value == "queued"
    with qtbot.waitSignal(b.sessionEnded, timeout=1000) as ended:
        b.finish()
    assert ended.args[0] == "finished"
    assert b.phase == "idle" and b.screen == "AttractScreen" and "清除" in b.endedMessage
    assert any(isinstance(e, ev.SubmissionQueued) for e in kit.events)


def test_idle_warning_counts_down_and_extend_keeps_the_answers(kit: Kit, qtbot) -> None:
    to_question(kit)
    b = kit.bridge
    b.answer("personal")
    t = kit.session.timeouts
    kit.clock.advance(t.idle_warning_s - 1)
    b.tick()
    assert b.phase == "active" and b.secondsLeft == 0
    kit.clock.advance(1)
    with qtbot.waitSignals([b.phaseChanged, b.secondsLeftChanged], timeout=1000):
        b.tick()
    assert b.phase == "warning" and b.secondsLeft == int(t.warning_s)
    kit.clock.advance(10)
    b.tick()
    assert b.secondsLeft == int(t.warning_s) - 10
    left = b.extensionsLeft
    assert b.extend() is True
    assert b.phase == "active" and b.secondsLeft == 0 and b.extensionsLeft == left - 1
    assert b.step == "has_name" and kit.session.answers["operation_form"] == "personal"


def test_no_answer_to_the_warning_wipes_and_says_so(kit: Kit) -> None:
    to_question(kit)
    b = kit.bridge
    t = kit.session.timeouts
    kit.clock.advance(t.idle_warning_s)
    b.tick()
    kit.clock.advance(t.warning_s)
    b.tick()
    assert b.phase == "idle" and b.screen == "AttractScreen"
    assert "删除" in b.endedMessage
    b.dismissEnded()
    assert b.endedMessage == ""


def test_elderly_doubles_the_wait_before_the_warning(kit: Kit) -> None:
    to_question(kit)
    b = kit.bridge
    base = kit.session.timeouts.idle_warning_s
    b.setElderly(True)
    assert b.elderly is True
    kit.clock.advance(base + 1)
    b.tick()
    assert b.phase == "active"
    kit.clock.advance(base)
    b.tick()
    assert b.phase == "warning"


def test_pickers_read_the_catalogues(kit: Kit) -> None:
    b = kit.bridge
    provinces = b.regions("")
    assert {"code": "330000", "name": "浙江省"} in provinces
    assert any(r["code"] == "330106" for r in b.regions("3301"))
    assert b.regions("not a code") == []
    assert b.region("330106")["level"] == "county" and b.region("99") == {}
    found = b.searchScope("百货")
    assert found and all("百货" in f["name"] or "百货" in f["note"] for f in found)
    assert b.searchScope("") == []
    assert b.scopeItems([found[0]["code"], "nope"]) == [
        {"code": found[0]["code"], "name": found[0]["name"], "licensed": found[0]["licensed"]}]
    dates = b.appointmentDates()
    assert len(dates) == 30 and dates == sorted(dates)
    assert dates[0] == "2026-11-22" and dates[-1] == "2026-12-21"   # from the session's day


def test_appointment_dates_follow_the_injected_wall_clock(kit: Kit) -> None:
    kit.wall.advance(40 * 86400)                    # 2026-12-31
    dates = kit.bridge.appointmentDates()
    assert dates[0] == "2027-01-01" and len(dates) == 30
    to_question(kit, "sole_proprietorship")
    answers = sample_answers("sole_proprietorship", person())
    while kit.bridge.step != "bank":
        assert kit.bridge.answer(answers[kit.bridge.step]) == [], kit.bridge.step
    # Every day the page offers is one its checker accepts.
    for day in (dates[0], dates[-1]):
        assert kit.bridge.answer({"appointment": True, "bank": "中国银行", "date": day}) == []
        kit.bridge.back()


def test_slots_on_an_idle_session_do_not_raise(kit: Kit) -> None:
    b = kit.bridge
    assert b.answer("x") != []
    b.back()
    b.change("phone")
    assert b.confirmReview() == []
    assert b.extend() is False
    b.finish()
    b.touch()
    assert b.phase == "idle"


def test_the_camera_prompt_reaches_qml_as_notice(kit) -> None:  # noqa: ANN001
    from tests.kiosk.flow.conftest import person as flow_person
    b, s = kit.bridge, kit.session
    b.begin()
    s.card_read(flow_person())
    s.confirm_identity()
    s.device_notice("face", "请把脸慢慢靠近屏幕")
    assert b.notice == "请把脸慢慢靠近屏幕"


def test_the_bridge_reads_flags_and_wording_from_the_session_and_the_table(kit: Kit) -> None:
    to_question(kit)
    b, s = kit.bridge, kit.session
    answers = sample_answers("individual_business", person())
    while b.step != "commitment":
        assert b.canGoBack is s.can_go_back and b.optional is s.optional
        assert b.title == s.page.heading_for(s.subject_type, s.answers)
        assert b.hint == s.page.hint_for(s.subject_type, s.answers)
        if b.step == "capital":
            assert b.title == "经营的资金数额是多少万元？（选填）" and b.label == "资金数额"
            assert b.optional is True
        if b.step == "premises":
            assert b.label == "经营场所" and b.title == "经营场所在哪里？"
        if b.step == "invoice":
            assert [o["label"] for o in b.options] == ["小规模纳税人", "一般纳税人"]
        assert b.answer(answers[b.step]) == [], b.step
    assert "本人作为经营者承诺" in b.body and "经营场所可以合法使用" in b.body
    assert b.answer(True) == [] and b.step == "signature" and b.signatureImage == ""
    assert s.sign(b"\x89PNG-ink") == [] and b.step == "review"
    b.refresh()
    assert b.signatureImage == "data:image/png;base64,iVBORy1pbms="   # shown before submit


def test_a_branch_s_pages_name_its_person_in_charge_and_premises(kit: Kit) -> None:
    to_question(kit, "branch")
    b = kit.bridge
    answers = sample_answers("branch", person())
    seen = {}
    while b.step != "review":
        seen[b.step] = (b.title, b.label, [o["label"] for o in b.options])
        assert b.answer(answers[b.step]) == [], b.step
    assert seen["premises"][:2] == ("营业场所在哪里？", "营业场所")
    assert seen["seals"][2][-1] == "负责人名章"
    rows = {r["step"]: r["value"] for sec in b.reviewSections for r in sec["rows"]}
    assert rows["branch_name"] == "杭州青禾百货有限公司西湖分公司"


def test_a_question_added_to_the_table_reaches_the_bridge(qapp, tmp_path) -> None:  # noqa: ANN001
    from kiosk.domain import answers as checks
    from kiosk.domain.questions import Question, describe
    from kiosk.flow.session import Session
    from tests.clock import Clock
    from ui.bridges.session_bridge import SessionBridge
    pets = Question("pets", Kind.YES_NO, "经营场所内会饲养宠物吗？", section="经营信息",
                    label="饲养宠物", check=checks.yes_no("是否饲养宠物"),
                    describe=describe.yes_no, optional=True)
    session = Session(None, tmp_path, questions=QUESTIONS.inserting(pets, after="phone"))  # type: ignore[arg-type]
    kit = Kit(session, SessionBridge(session, tick=False), Clock(), None, [], Clock())  # type: ignore[arg-type]
    to_question(kit)
    b = kit.bridge
    answers = sample_answers("individual_business", person())
    while b.step != "pets":
        assert b.answer(answers[b.step]) == [], b.step
    assert b.title == "经营场所内会饲养宠物吗？（选填）" and b.optional and b.canGoBack
    assert b.skip() == [] and b.step == "seals"
    session.cancel()
