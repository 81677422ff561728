"""The platform's pages in a real browser (Debian chromium, selenium): login, roles, the fleet,
and hall staff answering a help call; and the pages' and publish endpoint's garbage handling."""
from __future__ import annotations

import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from selenium.webdriver.common.by import By

from central.testing import SignedClient
from tests.browser import browser, click_and_wait, log_in

ADMIN, STAFF, PASSWORD = "wang.admin", "li.staff", "a-long-password-1"


@pytest.fixture
def fleet(platform):
    platform.add_user(ADMIN, PASSWORD, "administrator", "王管理")
    platform.add_user(STAFF, PASSWORD, "hall_staff", "李明")
    kiosks = {}
    for kiosk_id in ("kiosk-hall-01", "kiosk-town-01", "kiosk-bank-01"):
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk(kiosk_id, key.public_key())
        kiosks[kiosk_id] = SignedClient(platform.base_url, kiosk_id, key)
    beat = {"devices": [{"device": "receipt_printer", "state": "ready"}],
            "queue": {"depth": 2, "oldest_age_s": 600.0, "last_error": None},
            "config_version": None, "disk_free_bytes": 20_000_000_000, "low_disk": False,
            "software_version": "0.1.0", "groups": ["hall"],
            "config": {"version": None, "refused": {"reason": "expired", "message": "",
                                                    "at": "2026-11-01T08:00:00+00:00"}}}
    assert kiosks["kiosk-hall-01"].request("POST", "/v1/kiosks/kiosk-hall-01/heartbeat",
                                           beat).status_code == 201
    faulty = {**beat, "groups": ["township"], "low_disk": True, "config": None,
              "devices": [{"device": "idcard", "state": "disconnected", "code": "E_PORT"}]}
    assert kiosks["kiosk-town-01"].request("POST", "/v1/kiosks/kiosk-town-01/heartbeat",
                                           faulty).status_code == 201
    for level, tags in ((5, []), (2, ["等待时间长"]), (1, ["等待时间长", "操作复杂"])):
        rating = {"rating_id": f"R-{uuid.uuid4().hex[:12]}", "submission_id": "SUB-001",
                  "level": level, "tags": tags}
        assert kiosks["kiosk-hall-01"].request("POST", "/v1/ratings", rating).status_code == 201
    call = {"call_id": "CALL-0001", "page": "face", "reason": "face_failed"}
    assert kiosks["kiosk-hall-01"].request("POST", "/v1/help-calls", call).status_code == 201
    return kiosks


def test_the_administrator_sees_the_fleet_highlighted(platform, fleet):
    with browser() as driver:
        log_in(driver, platform.base_url, ADMIN, "wrong-password")
        assert "用户名或密码不正确" in driver.find_element(By.ID, "login-error").text
        log_in(driver, platform.base_url, ADMIN, PASSWORD)
        assert driver.current_url.endswith("/console/")
        hall = driver.find_element(By.ID, "kiosk-kiosk-hall-01")
        assert "hall" in hall.text and "拒绝：签名已过期" in hall.text
        assert "2 件，最早 10 分钟前" in hall.text and hall.get_attribute("class") == ""
        town = driver.find_element(By.ID, "kiosk-kiosk-town-01")
        assert set(town.get_attribute("class").split()) == {"full", "faulty"}
        assert "身份证阅读器：未连接（E_PORT）" in town.text and "空间不足" in town.text
        bank = driver.find_element(By.ID, "kiosk-kiosk-bank-01")
        assert "失联" in bank.text and "从未" in bank.text         # never reported
        ratings = driver.find_element(By.ID, "ratings").text
        assert "非常不满意 1 操作复杂（1）、等待时间长（1）" in ratings
        assert "不满意 1 等待时间长（1）" in ratings and "非常满意 1" in ratings
        assert "人脸核验三次未通过" in driver.find_element(By.ID, "open-calls").text
        driver.save_screenshot(str(platform.data_dir / "fleet.png"))


def test_hall_staff_answer_a_help_call_and_the_kiosk_reads_who_comes(platform, fleet):
    kiosk = fleet["kiosk-hall-01"]
    with browser() as driver:
        log_in(driver, platform.base_url, STAFF, PASSWORD)
        assert driver.current_url.endswith("/console/help-calls")
        row = driver.find_element(By.ID, "call-CALL-0001")
        assert "等待中" in row.text and "人工核验身份" in row.text
        click_and_wait(driver, row.find_element(By.CLASS_NAME, "answer"))
        row = driver.find_element(By.ID, "call-CALL-0001")
        assert "李明 正在前往" in row.text
        answer = kiosk.request("GET", "/v1/help-calls/CALL-0001").json()
        assert answer["status"] == "answered" and answer["answered_by"] == "李明"
        click_and_wait(driver, row.find_element(By.CLASS_NAME, "close"))
        assert driver.find_element(By.ID, "no-calls")
        driver.get(platform.base_url + "/console/")                  # not for hall staff
        assert "没有查看此页面的权限" in driver.find_element(By.ID, "forbidden").text
        click_and_wait(driver, driver.find_element(By.TAG_NAME, "a"))
        click_and_wait(driver, driver.find_element(By.ID, "logout"))
        assert driver.current_url.endswith("/console/login")
        driver.get(platform.base_url + "/console/help-calls")
        assert driver.current_url.endswith("/console/login")


@pytest.mark.parametrize("form", [
    {"username": "x" * 5000, "password": "p"}, {"username": "wang\x00admin", "password": "p"},
    {"username": "", "password": ""}, {"username": "wang.admin"}, {"password": "密码" * 100},
])
def test_the_login_form_refuses_garbage_without_a_crash(platform, form):
    platform.add_user(ADMIN, PASSWORD, "administrator")
    r = requests.post(platform.base_url + "/console/login", data=form, timeout=10,
                      allow_redirects=False)
    assert r.status_code in (200, 422), r.text        # the form again, or a refusal
    assert r.status_code == 422 or "用户名或密码不正确" in r.text


def test_a_forged_form_without_the_session_token_changes_nothing(platform, fleet):
    s = requests.Session()
    s.post(platform.base_url + "/console/login", data={"username": STAFF, "password": PASSWORD},
           timeout=10)
    r = s.post(platform.base_url + "/console/help-calls/CALL-0001/answer",
               data={"csrf": "forged"}, timeout=10, allow_redirects=False)
    assert r.status_code == 400
    assert fleet["kiosk-hall-01"].request("GET", "/v1/help-calls/CALL-0001").json()["status"] \
        == "open"


@pytest.mark.parametrize("auth, body, status", [
    (None, b"{}", 401), ((ADMIN, "wrong-password"), b"{}", 401),
    ((STAFF, PASSWORD), b"{}", 403), ((ADMIN, PASSWORD), b"not json", 422),
    ((ADMIN, PASSWORD), b'{"metadata": {"../../x.json": "{}"}}', 422),
    ((ADMIN, PASSWORD), b'{"metadata": {"timestamp.json": "[" }}', 422),
    ((ADMIN, PASSWORD), b'{"metadata": {}, "targets": {"bundles/x/' + b"0" * 64 +
     b'.a.json": "%%%"}}', 422),
    ((ADMIN, PASSWORD), b'{"metadata": {"2.root.json": "{}"}}', 422),
    ((ADMIN, PASSWORD), b'[' * 10000 + b']' * 10000, 422),
])
def test_the_publish_endpoint_refuses_garbage_and_strangers(platform, auth, body, status):
    platform.add_user(ADMIN, PASSWORD, "administrator")
    platform.add_user(STAFF, PASSWORD, "hall_staff")
    r = requests.post(platform.base_url + "/admin/tuf/publish", data=body, auth=auth,
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == status, r.text
    assert not (platform.data_dir / "tuf" / "metadata" / "timestamp.json").exists()
