"""Issue 10 end to end: an administrator publishes, a township kiosk applies, the console shows it.

1. ``kiosk-admin`` (its console script, in a process) initialises a repository and publishes a
   bundle for the ``township`` group to a platform on loopback;
2. a township kiosk (a real ``kiosk run --headless --visits 2`` process) serves its first visit
   on its installed settings, applies the bundle between the two visits (restarting itself) and
   serves the second on it: the two receipts name different halls; its heartbeat carries the
   new configuration version, which the fleet console shows in a real browser;
3. a kiosk in the ``hall`` group, run the same way, keeps its configuration.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from selenium.webdriver.common.by import By

from central.testing import running_platform
from kiosk.platform import identity
from tests.browser import browser, log_in

ADMIN, PASSWORD = "wang.admin", "a-long-password-1"
BIN = Path(sys.executable).parent
BUNDLE = """\
note = "乡镇便民服务中心的站点信息"
[profile]
site_kind = "township"
hall_name = "转塘街道便民服务中心"
address = "杭州市西湖区转塘街道"
[texts]
hotline = "0571-12345"
[timeouts]
idle_warning_s = 150
"""


def _admin(*args: str) -> str:
    env = dict(os.environ, KIOSK_ADMIN_PASSWORD=PASSWORD)
    done = subprocess.run([str(BIN / "kiosk-admin"), *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _kiosk(tmp: Path, platform, kiosk_id: str, group: str, root: Path) -> Path:
    data = tmp / kiosk_id
    key = identity.load_or_create(data / "identity" / "kiosk.key")
    config = tmp / f"{kiosk_id}.toml"
    config.write_text(
        platform.kiosk_settings(kiosk_id, key.public_key(), data) +
        f'[fleet]\ngroups = ["{group}", "county-330106"]\ntrusted_root = "{root}"\n',
        encoding="utf-8")
    return config


def _run(config: Path, out: Path) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--headless", "--json",
                           "--visits", "2", "--config", str(config), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout.strip().splitlines()


def test_a_bundle_for_the_township_group_reaches_only_township_kiosks(tmp_path: Path) -> None:
    with running_platform(tmp_path / "central") as platform:
        platform.add_user(ADMIN, PASSWORD, "administrator", "王管理")
        repo, root_keys = tmp_path / "repo", tmp_path / "usb-safe" / "root-keys"
        _admin("init", str(repo), "--root-keys", str(root_keys))
        installed_root = tmp_path / "installed-root.json"     # what the installer put on disk
        shutil.copy(repo / "metadata" / "1.root.json", installed_root)
        (tmp_path / "township.toml").write_text(BUNDLE, encoding="utf-8")
        assert "OK" in _admin("validate", str(tmp_path / "township.toml"))
        said = _admin("publish", str(tmp_path / "township.toml"), "--to", "group:township",
                      "--repo", str(repo), "--platform", platform.base_url, "--user", ADMIN)
        assert "已发布配置版本 1 → group:township" in said

        town = _kiosk(tmp_path, platform, "kiosk-town-01", "township", installed_root)
        hall = _kiosk(tmp_path, platform, "kiosk-hall-01", "hall", installed_root)

        lines = _run(town, tmp_path / "out-town")
        restart = json.loads(next(line for line in lines if "config_applied" in line))
        assert restart == {"config_applied": 1, "after_visits": 1, "restarting": 1}
        first = (tmp_path / "out-town" / "receipt.txt").read_text(encoding="utf-8")
        second = (tmp_path / "out-town" / "after-config-1" / "receipt.txt").read_text(
            encoding="utf-8")
        assert "西湖区政务服务中心" in first and "转塘街道便民服务中心" not in first
        assert "转塘街道便民服务中心" in second and "0571-12345" in second
        assert json.loads(lines[-1])["outcome"] == "approved"
        beat = platform.latest_heartbeat("kiosk-town-01")
        assert beat["config_version"] == 1 and beat["config"]["trial"] is False
        assert beat["groups"] == ["township", "county-330106"] and beat["last_visit_at"]
        assert beat["heartbeat_every_s"] == 300      # its own interval, for the console's 失联

        lines = _run(hall, tmp_path / "out-hall")
        assert not any("config_applied" in line for line in lines)
        assert not (tmp_path / "out-hall" / "after-config-1").exists()
        assert "西湖区政务服务中心" in (tmp_path / "out-hall" / "receipt.txt").read_text(
            encoding="utf-8")
        assert platform.latest_heartbeat("kiosk-hall-01")["config_version"] is None

        status = _admin("status", "--platform", platform.base_url, "--user", ADMIN)
        assert "kiosk-town-01" in status and "配置 1" in status

        with browser() as driver:
            log_in(driver, platform.base_url, ADMIN, PASSWORD)
            row = driver.find_element(By.ID, "kiosk-kiosk-town-01")
            assert row.find_element(By.CLASS_NAME, "config-version").text.startswith("1")
            assert "township" in row.text
            other = driver.find_element(By.ID, "kiosk-kiosk-hall-01")
            assert other.find_element(By.CLASS_NAME, "config-version").text == "安装配置"
            bundle = driver.find_element(By.ID, "bundle-group-township")
            assert bundle.find_element(By.CLASS_NAME, "applied").text == "kiosk-town-01"
            assert "kiosk-hall-01" not in bundle.text
            driver.save_screenshot(str(tmp_path / "console.png"))
