"""Each citizen service end to end, run as a newcomer would: ``kiosk run --headless --service``.

Every run is its own process with every real part (the window offscreen and the robot's
taps, the reader on a pty, the camera simulator in front of OpenCV, the printers' paper, the
platform on loopback). Status by card, by number and by the receipt's QR code held to the
camera; the licence printed again as a 补打; the guide on paper; a rating sent, and one kept
while the platform is down; and a help call that staff answer, on a platform this test runs
itself so it can answer as the hall's staff page does, and once on that page in a real browser.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import argon2
import pytest
from selenium.webdriver.common.by import By

from central.testing import PlatformHandle, running_platform
from devices.idcard.simulator import simulated_cards
from kiosk.platform import identity
from tests.browser import browser, click_and_wait, log_in
from tests.e2e.test_visits import visit

CARD = simulated_cards()["resident_valid"]


@pytest.mark.parametrize("service", ["status-card", "status-number", "status-qr"])
def test_a_status_query_finds_the_persons_application(tmp_path: Path, service: str) -> None:
    report, _ = visit(tmp_path / "data", tmp_path / "out", "--service", service,
                      "--subject", "individual_business")
    status = report["service"]
    assert status["state"] == "ready" and report["outcome"] == "approved"
    assert [i["application_id"] for i in status["items"]] == [report["application_id"]]
    assert status["items"][0]["state"] == "已办结，营业执照已核发"
    if service == "status-card":          # the person's own list names the business
        assert status["items"][0]["business_name"].endswith("百货店")
    else:                                 # by number: nothing personal on the screen
        assert status["items"][0]["business_name"] == ""
    folder = tmp_path / "out" / service / "screens"
    assert (folder / "09-status_list.png").exists()


def test_a_licence_printed_again_says_so(tmp_path: Path) -> None:
    report, _ = visit(tmp_path / "data", tmp_path / "out", "--service", "licence",
                      "--subject", "sole_proprietorship")
    licence = report["service"]
    assert (licence["state"], licence["number"]) == ("printed", 2)
    assert licence["heading"] == "请取走营业执照（补打）"
    assert report["service"]["filed_licence"]                  # the original, on the spot
    from devices.printers.licence import pdf_text
    text = pdf_text(Path(report["licence"]))
    assert "补打" in text and licence["credit_code"] in text
    assert CARD.id_number not in text                          # the licence names, never numbers


def test_the_guide_prints_on_the_receipt_printer(tmp_path: Path) -> None:
    report, _ = visit(tmp_path / "data", tmp_path / "out", "--service", "guide",
                      "--subject", "branch")
    assert report["service"]["state"] == "printed"
    text = Path(report["receipt"]).with_suffix(".txt").read_text(encoding="utf-8")
    for needed in ("办事指南（一次告知）", "身份证", "隶属企业的营业执照", "许可项目", "免费"):
        assert needed in text


@pytest.mark.parametrize("offline", [False, True])
def test_a_rating_from_the_home_screen(tmp_path: Path, offline: bool) -> None:
    args = ["--service", "rating"] + (["--offline"] if offline else [])
    report, _ = visit(tmp_path / "data", tmp_path / "out", *args)
    assert report["rating"] == ("queued" if offline else "sent")
    if offline:
        assert report["service"]["delivery_after"] == "sent"
    central = tmp_path / "data" / "central" / "central.sqlite3"
    import sqlite3
    with sqlite3.connect(central) as db:
        [(level, negative, body)] = db.execute("SELECT level, negative, body FROM ratings")
    assert (level, negative) == (2, 1) and json.loads(body)["tags"]


def _help_call_answered(tmp_path: Path, answer: Callable[[PlatformHandle, dict], str]) -> None:
    """A filing whose face check fails three times; ``answer`` answers the kiosk's help call as
    the hall's staff do and returns the name the kiosk must show; staff then verify the person
    on the kiosk with their PIN."""
    data = tmp_path / "data"
    with running_platform(tmp_path / "central") as platform:
        key = identity.load_or_create(data / "identity" / "kiosk.key")
        config = tmp_path / "kiosk.toml"
        config.write_text(platform.kiosk_settings("kiosk-e2e-help", key.public_key(), data) + f"""
[help]
staff_pin_hash = "{argon2.PasswordHasher().hash('246810')}"
""", encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(config),
                   KIOSK_SCRIPT_STAFF_PIN="246810")
        child = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "run", "--headless", "--json", "--service",
             "help", "--subject", "individual_business", "--out", str(tmp_path / "out")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None
            for line in child.stdout:                 # the kiosk says when its call is open
                if line.startswith("{") and json.loads(line).get("event") == "help-call-open":
                    [call] = platform.platform.store().help_calls()
                    assert (call["page"], call["reason"]) == ("face", "face_failed")
                    assert set(call) >= {"kiosk_id", "page", "reason"} and CARD.name not in str(call)
                    staff = answer(platform, call)
                    break
            out, err = child.communicate(timeout=300)
        finally:
            if child.poll() is None:
                child.kill()
        assert child.returncode == 0, err[-3000:]
        report = json.loads(out.strip().splitlines()[-1])
        assert report["service"]["help"] == ["open", "answered", "none"]
        assert report["service"]["staff"] == staff
        assert report["outcome"] == "review"          # staff verified: a clerk reviews it
        assert platform.platform.store().help_calls() == []


def test_a_help_call_is_answered_and_staff_verify_the_person(tmp_path: Path) -> None:
    def answer(platform: PlatformHandle, call: dict) -> str:
        platform.answer_help_call(call["call_id"], "王晓")     # as the staff page does
        return "王晓"

    _help_call_answered(tmp_path, answer)


def test_a_help_call_is_answered_on_the_staff_page_in_a_real_browser(tmp_path: Path) -> None:
    """The same visit, the call answered by hall staff logged in to the platform's page in
    Debian's chromium: the open call is listed there, 接单 answers it, and the kiosk hears who
    is coming."""
    with browser() as driver:
        def answer(platform: PlatformHandle, call: dict) -> str:
            platform.add_user("li.staff", "a-long-password-1", "hall_staff", "李明")
            log_in(driver, platform.base_url, "li.staff", "a-long-password-1")
            assert driver.current_url.endswith("/console/help-calls")
            row = driver.find_element(By.ID, f"call-{call['call_id']}")
            assert "等待中" in row.text and "kiosk-e2e-help" in row.text
            click_and_wait(driver, row.find_element(By.CLASS_NAME, "answer"))
            assert "李明 正在前往" in driver.find_element(By.ID, f"call-{call['call_id']}").text
            return "李明"

        _help_call_answered(tmp_path, answer)
