"""The fleet console shows each kiosk's software release, its nightly readiness (the failed
checks named in Chinese) and its last heartbeat, in a real browser (Debian chromium, selenium):
a kiosk whose readiness fails stands out, one silent for more than three heartbeat intervals
or never heard from reads 失联, and garbage in a stored heartbeat (a 10 MB release, control
characters, wrong types) does not break the page. ``kiosk_rows`` is also fed generated JSON."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings, strategies as st
from selenium.webdriver.common.by import By

from central.console import fleet
from central.testing import SignedClient
from tests.browser import browser, log_in

ADMIN, PASSWORD = "wang.admin", "a-long-password-1"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
BEAT = {"devices": [{"device": "receipt_printer", "state": "ready"}],
        "queue": {"depth": 0, "oldest_age_s": None, "last_error": None},
        "config_version": None, "disk_free_bytes": 20_000_000_000, "low_disk": False,
        "software_version": "0.1.0", "groups": ["hall"]}
JUNK = {"software": {"release": "\x1b[31m" + "R" * 10_000_000, "trial": "yes",
                     "rolled_back": {"failed": ["x"], "restored": {"y": 1}}},
        "readiness": {"ok": False, "checked_at": 7, "faults": ["idcard_reader", 5, "x" * 5000,
                                                              "\x00bell\x07"]},
        "devices": "x", "queue": [1], "groups": [None, 5, "g" * 1000], "config": "x",
        "software_version": 12, "disk_free_bytes": float("inf"), "audit": ["head"],
        "last_visit_at": {"at": 1}}


def _beat(client: SignedClient, kiosk_id: str, **extra: object) -> None:
    r = client.request("POST", f"/v1/kiosks/{kiosk_id}/heartbeat", {**BEAT, **extra})
    assert r.status_code == 201, r.text


@pytest.fixture
def beating(platform):  # noqa: ANN001, ANN201
    platform.add_user(ADMIN, PASSWORD, "administrator", "王管理")
    clients = {}
    for kiosk_id in ("kiosk-hall-01", "kiosk-town-01", "kiosk-bank-01", "kiosk-late-14",
                     "kiosk-late-16", "kiosk-ctrl-01", "kiosk-junk-01"):
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk(kiosk_id, key.public_key())
        clients[kiosk_id] = SignedClient(platform.base_url, kiosk_id, key)
    checked = "2026-12-01T02:05:00+00:00"
    _beat(clients["kiosk-hall-01"], "kiosk-hall-01",
          software={"release": "2026.11.3", "previous": "2026.10.1", "trial": False},
          readiness={"ok": True, "checked_at": checked, "faults": []})
    _beat(clients["kiosk-town-01"], "kiosk-town-01", groups=["township"],
          software={"release": "2026.12.1", "previous": "2026.11.3", "trial": True},
          readiness={"ok": False, "checked_at": checked,
                     "faults": ["idcard_reader", "config", "readiness_check"]})
    for kiosk_id in ("kiosk-late-14", "kiosk-late-16"):
        _beat(clients[kiosk_id], kiosk_id, software={"release": "2026.11.3"})
    _beat(clients["kiosk-ctrl-01"], "kiosk-ctrl-01",         # the API takes it: 80 characters
          software={"release": "r1\x00\x07\u202e\x1b[2J", "rolled_back": {
              "failed": "r2\x1b", "restored": "r1", "why": "3 failed starts",
              "at": checked}})
    store = platform.platform.store()
    store.insert_heartbeat("kiosk-junk-01", JUNK)     # as an older platform may have stored it
    # Heartbeats received 14 and 16 minutes ago: the platform's clock is the wall's, so the
    # received time is moved back instead (three intervals of 5 minutes are 15).
    for kiosk_id, minutes in (("kiosk-late-14", 14), ("kiosk-late-16", 16)):
        then = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
        store.conn.execute("UPDATE heartbeats SET received_at = ? WHERE kiosk_id = ?",
                           (then.isoformat(timespec="milliseconds"), kiosk_id))
    return clients


def _row(driver, kiosk_id: str):  # noqa: ANN001, ANN202
    return driver.find_element(By.ID, f"kiosk-{kiosk_id}")


def test_release_readiness_and_last_heartbeat_per_kiosk(platform, beating) -> None:  # noqa: ANN001
    with browser() as driver:
        log_in(driver, platform.base_url, ADMIN, PASSWORD)
        hall = _row(driver, "kiosk-hall-01")
        assert hall.get_attribute("class") == ""
        release = hall.find_element(By.CLASS_NAME, "release").text
        assert "2026.11.3" in release and "程序 0.1.0" in release
        readiness = hall.find_element(By.CLASS_NAME, "readiness").text
        assert "全部通过" in readiness and "检查于 2026-12-01 02:05 UTC" in readiness
        assert "刚刚" in hall.find_element(By.CLASS_NAME, "last-seen").text

        town = _row(driver, "kiosk-town-01")
        assert set(town.get_attribute("class").split()) == {"unready"}
        assert "未通过：身份证阅读器、配置、就绪检查本身未能运行" in town.text
        assert "2026.12.1 （试运行）" in town.find_element(By.CLASS_NAME, "release").text
        assert "未就绪" in town.find_element(By.CLASS_NAME, "flags").text
        cell = town.find_element(By.CLASS_NAME, "readiness")
        assert cell.value_of_css_property("background-color") == "rgba(255, 227, 224, 1)"
        assert hall.find_element(By.CLASS_NAME, "readiness").value_of_css_property(
            "background-color") != "rgba(255, 227, 224, 1)"              # it stands out

        bank = _row(driver, "kiosk-bank-01")
        assert "从未收到心跳" in bank.text and "失联" in bank.text
        early, late = _row(driver, "kiosk-late-14"), _row(driver, "kiosk-late-16")
        assert "14 分钟前" in early.text and "失联" not in early.text
        assert "16 分钟前" in late.text and "失联" in late.find_element(By.CLASS_NAME, "flags").text
        assert "心跳间隔 5 分钟的 3 倍" in driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(str(platform.data_dir / "fleet-readiness.png"))


def test_garbage_in_stored_heartbeats_does_not_break_the_page(platform, beating) -> None:  # noqa: ANN001
    r = requests.post(platform.base_url + "/console/login",
                      data={"username": ADMIN, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200 and "kiosk-junk-01" in r.text
    assert len(r.content) < 200_000                                   # not 10 MB
    with browser() as driver:
        log_in(driver, platform.base_url, ADMIN, PASSWORD)
        junk = _row(driver, "kiosk-junk-01")
        release = junk.find_element(By.CLASS_NAME, "release").text
        assert release.startswith("\ufffd[31mRRR") and release.count("R") < 100
        assert "未通过：身份证阅读器、未知检查 xxx" in junk.text and "\ufffdbell\ufffd" in junk.text
        assert set(junk.get_attribute("class").split()) == {"unready"}
        ctrl = _row(driver, "kiosk-ctrl-01").find_element(By.CLASS_NAME, "release").text
        assert "r1\ufffd\ufffd\ufffd\ufffd[2J" in ctrl
        assert "发布 r2\ufffd 启动失败，已回退到 r1" in ctrl
        driver.save_screenshot(str(platform.data_dir / "fleet-garbage.png"))


class _Store:
    def __init__(self, received_at: str | None, heartbeat: object) -> None:
        self.row = {"kiosk_id": "kiosk-x-01", "registered_at": "2026-11-01T00:00:00+00:00",
                    "received_at": received_at, "heartbeat": heartbeat}

    def kiosks(self) -> list[dict]:
        return [self.row]


@pytest.mark.parametrize("seconds, silent", [(0, False), (fleet.SILENT_AFTER_S - 1, False),
                                             (fleet.SILENT_AFTER_S, False),
                                             (fleet.SILENT_AFTER_S + 1, True)])
def test_silent_after_three_heartbeat_intervals(seconds: int, silent: bool) -> None:
    assert fleet.SILENT_AFTER_S == 3 * fleet.HEARTBEAT_EVERY_S
    received = (NOW - dt.timedelta(seconds=seconds)).isoformat()
    (row,) = fleet.kiosk_rows(_Store(received, BEAT), now=NOW)
    assert row.silent is silent and ("silent" in row.flags) is silent


@pytest.mark.parametrize("every, minutes, silent", [
    (1800, 89, False), (1800, 91, True),          # a kiosk set to beat every half hour
    (60, 2, False), (60, 4, True),                # and every minute
    (5, 14, False), (7200, 16, True),             # outside what a kiosk may set: the default
    (True, 16, True), (1800.0, 16, True), ("1800", 16, True)])    # of the wrong type: too
def test_silent_after_three_of_the_kiosks_own_intervals(every: object, minutes: int,
                                                        silent: bool) -> None:
    received = (NOW - dt.timedelta(minutes=minutes)).isoformat()
    (row,) = fleet.kiosk_rows(_Store(received, {**BEAT, "heartbeat_every_s": every}), now=NOW)
    assert row.silent is silent, (every, minutes)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=6), max_leaves=30)
KEYS = st.sampled_from(["software", "readiness", "devices", "queue", "config", "groups",
                        "software_version", "disk_free_bytes", "low_disk", "audit",
                        "heartbeat_every_s"])


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(KEYS, JSON) | JSON,
       received=st.none() | st.text(max_size=40) | st.just(NOW.isoformat()))
def test_any_stored_heartbeat_reads_as_a_row_of_clean_text(body: object, received) -> None:  # noqa: ANN001
    (row,) = fleet.kiosk_rows(_Store(received, body), now=NOW)
    texts = [row.release, row.release_rolled_back, row.software_version, row.refused,
             row.rolled_back, row.ready_at, row.last_seen_text, *row.groups,
             *row.unready_checks, *row.faults, *row.warnings]
    for text in texts:
        assert isinstance(text, str) and len(text) <= 200
        assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in text), text
    json.dumps(row.as_dict(), allow_nan=False)
