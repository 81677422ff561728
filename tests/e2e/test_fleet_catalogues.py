"""A catalogue published by an administrator reaches a running kiosk (the issue's end to end).

``kiosk-admin`` (its console script, in a process) publishes a bundle for the ``township`` group
with a new business-scope catalogue to a platform on loopback. A real kiosk (``Kiosk.start``,
its agent reading the platform's repository with signed requests) stages it, applies it between
visits and, started again, finds the new entry through the scope search of the name/scope page.
Then a bundle with a malformed catalogue, signed with the repository's keys behind
``kiosk-admin``'s back (which refuses to sign it), is refused whole by the kiosk: nothing
changes and the reason is audited.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import assets
from admin.platform import PlatformAdmin
from admin.repo import Repository, catalogue_path
from central.testing import running_platform
from kiosk.app import Kiosk
from kiosk.config.bundle import bundle_from_toml
from kiosk.config.settings import parse
from kiosk.domain import catalogues, scope
from kiosk.domain.subject_types import INDIVIDUAL_BUSINESS
from kiosk.platform import identity
from tests.kiosk.config.test_signed_config import RecordingAudit

ADMIN, PASSWORD = "wang.admin", "a-long-password-1"
BIN = Path(sys.executable).parent
KIOSK = "kiosk-town-02"
NEW = {"code": "I901", "name": "元宇宙场景设计服务", "note": "虚拟空间的场景与交互设计",
       "kind": "general", "category": "I", "category_name": "信息传输、软件和信息技术服务业",
       "department": "", "individual_allowed": True, "pinyin_initials": "yyzcjsjfw"}


def _admin(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KIOSK_ADMIN_PASSWORD=PASSWORD)
    return subprocess.run([str(BIN / "kiosk-admin"), *args], env=env, capture_output=True,
                          text=True, timeout=120)


def _scope_catalogue(path: Path, *entries: dict) -> Path:
    doc = copy.deepcopy(assets.load_json("catalogues", "business_scope.json"))
    doc["entries"].extend(entries)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _kiosk_started(installed, audit) -> Kiosk:
    kiosk = Kiosk.start(installed, audit=audit)
    assert kiosk.config.wait_checked(60)   # the agent's first check, as at every start ...
    kiosk.config.stop()                     # ... then the test checks when it wants to
    return kiosk


def test_a_published_scope_catalogue_is_searched_on_the_kiosk_and_a_bad_one_changes_nothing(
        tmp_path: Path) -> None:
    with running_platform(tmp_path / "central") as platform:
        platform.add_user(ADMIN, PASSWORD, "administrator", "王管理")
        repo = tmp_path / "repo"
        assert _admin("init", str(repo), "--root-keys", str(tmp_path / "root-keys")).returncode == 0
        shutil.copy(repo / "metadata" / "1.root.json", tmp_path / "installed-root.json")
        bundle = tmp_path / "township.toml"
        bundle.write_text('note = "新经营范围目录"\n[profile]\nhall_name = "转塘街道便民服务中心"\n',
                          encoding="utf-8")
        good = _scope_catalogue(tmp_path / "scope.json", NEW)
        said = _admin("publish", str(bundle), "--to", "group:township", "--repo", str(repo),
                      "--scope-catalogue", str(good),
                      "--platform", platform.base_url, "--user", ADMIN)
        assert said.returncode == 0, said.stderr
        assert "已发布配置版本 1 → group:township" in said.stdout and "附带目录" in said.stdout

        data = tmp_path / "kiosk"
        key = identity.load_or_create(data / "identity" / "kiosk.key")
        installed = parse(platform.kiosk_settings(KIOSK, key.public_key(), data) +
                          "[fleet]\ngroups = ['township']\n"
                          f"trusted_root = '{tmp_path / 'installed-root.json'}'\n")
        audit = RecordingAudit()
        kiosk = _kiosk_started(installed, audit)
        try:
            assert catalogues.search_scope("元宇宙") == []          # the shipped catalogue
            assert kiosk.config.last.outcome == "staged", kiosk.config.last
            assert kiosk.between_visits() == 1
        finally:
            kiosk.stop()
        kiosk = _kiosk_started(installed, audit)             # `kiosk run` restarts itself so
        try:
            found = catalogues.search_scope("元宇宙 设计")
            assert [e.code for e in found] == ["I901"] and found[0].name == NEW["name"]
            assert scope.scope_problems(["I901"], INDIVIDUAL_BUSINESS) == []
            assert kiosk.settings.hall == "转塘街道便民服务中心"
            assert "config" not in [c.name for c in kiosk.diagnostics.report().faults]

            # kiosk-admin will not sign a catalogue with a code twice ...
            bad = _scope_catalogue(tmp_path / "bad.json", NEW, {**NEW, "name": "重复的代码"})
            refused = _admin("publish", str(bundle), "--to", "group:township", "--repo",
                             str(repo), "--scope-catalogue", str(bad),
                             "--platform", platform.base_url, "--user", ADMIN)
            assert refused.returncode == 2 and "the code I901 is used twice" in refused.stderr
            # ... so sign it behind its back: the kiosk must refuse it on its own.
            signed = Repository(repo)
            raw_bad = bad.read_bytes()
            target = catalogue_path(catalogues.SCOPE, raw_bad)
            version = signed.next_bundle_version()
            signed.add_bundle("group:township", version, bundle_from_toml(
                {"profile": {"hall_name": "坏目录"}, "catalogues": {"scope": target}}, version,
                "group:township"), files={target: raw_bad})
            PlatformAdmin(platform.base_url, ADMIN, PASSWORD).push(signed)
            before = kiosk.config.status()
            result = kiosk.config.check_now()
            assert (result.outcome, result.reason) == ("refused", "invalid")
            assert "I901 is used twice" in result.message
            assert kiosk.between_visits() is None
            assert {k: v for k, v in kiosk.config.status().items() if k != "refused"} == \
                {k: v for k, v in before.items() if k != "refused"}
            assert [e.code for e in catalogues.search_scope("元宇宙")] == ["I901"]
            assert ("config-bundle-refused", "invalid") in [
                (e, f.get("reason")) for e, f in audit.events]
        finally:
            kiosk.stop()
        assert catalogues.search_scope("元宇宙") == []           # stopped: the shipped ones
        assert platform.latest_heartbeat(KIOSK)["config"]["refused"]["reason"] == "invalid"
