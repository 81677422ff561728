"""Catalogues a bundle brings: verified, checked, kept with the bundle, run on, rolled back.

A real TUF repository (``admin.repo``) read from a folder by the kiosk's real updater, as in
``test_signed_config``; the catalogue files are real JSON in the shape of the shipped ones.
Each refusal leaves the kiosk as it was (state, files, settings, the catalogues in use).
"""
from __future__ import annotations

import copy
import json
import stat
import time
from pathlib import Path

import pytest

import assets
from admin.repo import Repository, catalogue_path
from kiosk.config import agent
from kiosk.config.bundle import bundle_from_toml
from kiosk.diagnostics import config as diag_config
from kiosk.domain import catalogues as cat
from tests.kiosk.config.test_signed_config import RecordingAudit

NEW_ENTRY = {"code": "I901", "name": "元宇宙场景设计服务", "note": "虚拟空间的场景与交互设计",
             "kind": "general", "category": "I", "category_name": "信息传输、软件和信息技术服务业",
             "department": "", "individual_allowed": True, "pinyin_initials": "yyzcjsjfw"}


@pytest.fixture(autouse=True)
def shipped_again():
    yield
    cat.use()




def scope_doc(*entries: dict) -> bytes:
    doc = copy.deepcopy(assets.load_json("catalogues", "business_scope.json"))
    doc["entries"].extend(entries)
    return json.dumps(doc, ensure_ascii=False).encode()


def regions_doc(**codes: dict) -> bytes:
    doc = copy.deepcopy(assets.load_json("catalogues", "regions.json"))
    doc["regions"].update(codes)
    return json.dumps(doc, ensure_ascii=False).encode()


def publish(repo: Repository, files: dict[str, bytes], scope: str = "group:township",
            **settings: object) -> int:
    """Sign a bundle naming ``files`` (catalogue -> bytes) as kiosk-admin publish does, but
    without its checks: the kiosk must refuse what kiosk-admin would not have signed."""
    targets = {catalogue_path(kind, data): data for kind, data in files.items()}
    values = json.loads(json.dumps(settings or {"profile": {"hall_name": "转塘街道便民服务中心"}}))
    values["catalogues"] = {kind: catalogue_path(kind, data) for kind, data in files.items()}
    version = repo.next_bundle_version()
    raw = bundle_from_toml(values, version, scope, regions=lambda code: cat.Region(
        code, "x", "", "x", True, "county"))          # the kiosk checks the region code itself
    repo.add_bundle(scope, version, raw, files=targets)
    return version


def check(repo: Repository, updater, tmp: Path, name: str):
    return updater.check(cat_source(repo.export(tmp / name)))


def cat_source(folder: Path):
    from kiosk.config.updater import folder_source
    return folder_source(folder)


def start(installed, audit=None):
    """What Kiosk.start does with the configuration, without the rest of the kiosk."""
    settings, applied = agent.begin(installed, audit)
    return settings, agent.use_catalogues(applied, settings, audit)


def test_a_bundle_with_a_scope_catalogue_is_kept_with_it_and_run_on(world, tmp_path):
    repo, installed, applied, updater, audit = world
    v = publish(repo, {"scope": scope_doc(NEW_ENTRY)})
    assert check(repo, updater, tmp_path, "usb").outcome == "staged"
    kept = installed.config_dir / "bundles" / str(v) / "scope.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and json.loads(kept.read_bytes())
    assert cat.search_scope("元宇宙") == []                        # staged is not in use
    applied.apply_staged()
    settings, fell = start(installed)
    assert fell == [] and settings.catalogues.scope.startswith("catalogues/business_scope-")
    assert [e.code for e in cat.search_scope("元宇宙")] == ["I901"]
    assert cat.in_use() == {"scope": kept, "regions": None}
    facts = diag_config.config_facts(installed, now=time.time())
    assert diag_config.check(facts).ok
    # The technician's page says where each catalogue comes from.
    rows = {r["k"]: (r["v"], r["tone"]) for r in facts.rows()}
    assert rows["经营范围目录"] == (f"配置包 版本 {v} 下发的目录（{settings.catalogues.scope}）",
                                 "ok")
    assert rows["行政区划目录"] == ("随软件发布的目录", "info")
    assert facts.as_json()["catalogues"][0]["label"] == "经营范围目录"


def test_a_regions_catalogue_carries_the_county_its_bundle_moves_the_hall_to(world, tmp_path):
    repo, installed, applied, updater, _ = world
    county = {"name": "钱塘区", "city": "杭州市", "province": "浙江省", "current": True,
              "level": "county"}
    publish(repo, {"regions": regions_doc(**{"330114": county})},
            profile={"region_code": "330114", "hall_name": "钱塘区政务服务中心"})
    result = check(repo, updater, tmp_path, "usb")
    assert result.outcome == "staged", result.message
    applied.apply_staged()
    settings, _ = start(installed)
    assert settings.profile.region_code == "330114"
    assert cat.region("330114").full_name == "浙江省杭州市钱塘区"
    # Without its regions catalogue the same code is refused: it is checked against the
    # regions the bundle brings, not whatever the kiosk happens to run on.
    publish(repo, {}, profile={"region_code": "330114"})
    refused = check(repo, updater, tmp_path, "usb2")
    assert (refused.outcome, refused.reason) == ("refused", "invalid")
    assert "region_code" in refused.message


def _tampered(repo: Repository, served: Path) -> None:
    for f in (served / "targets" / "catalogues").glob("*.business_scope-*.json"):
        f.write_bytes(f.read_bytes().replace("元宇宙".encode(), "某某某".encode()))


def _missing(repo: Repository, served: Path) -> None:
    for f in (served / "targets" / "catalogues").glob("*.json"):
        f.unlink()


BAD = {
    # case: (the files signed, what changes the served copy, reason, words of the message)
    "duplicate codes": ({"scope": scope_doc({**NEW_ENTRY, "code": "A001"})}, None, "invalid",
                        "the code A001 is used twice"),
    "nan": ({"scope": scope_doc({**NEW_ENTRY, "name": float("nan")})}, None, "invalid",
            "NaN is not a value"),
    "wrong types": ({"regions": b'{"regions": {"110000": []}}'}, None, "invalid",
                    "must be an object"),
    "control characters": ({"scope": scope_doc({**NEW_ENTRY, "name": "元宇宙\u0085"})}, None,
                           "invalid", "control character U+0085"),
    "deep nesting": ({"scope": b"[" * 50_000 + b"]" * 50_000}, None, "invalid", "recursion"),
    "too large": ({"scope": b" " * (cat.MAX_FILE_BYTES + 1)}, None, "invalid",
                  "more than a catalogue may hold"),
    "tampered": ({"scope": scope_doc(NEW_ENTRY)}, _tampered, "tampered", ""),
    "missing file": ({"scope": scope_doc(NEW_ENTRY)}, _missing, "unreachable", ""),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bundle_whose_catalogue_fails_a_check_is_refused_whole(world, tmp_path, case):
    repo, installed, applied, updater, audit = world
    good = publish(repo, {"scope": scope_doc(NEW_ENTRY)})
    check(repo, updater, tmp_path, "first")
    applied.apply_staged()
    applied.begin_start()
    applied.commit_start()
    start(installed)
    before = (applied.state()["current"], applied.state()["staged"], cat.in_use(),
              sorted(str(p.relative_to(installed.config_dir))
                     for p in (installed.config_dir / "bundles").rglob("*")))
    files, change, reason, says = BAD[case]
    publish(repo, files, profile={"hall_name": "坏目录"})
    served = repo.export(tmp_path / "usb")
    if change:
        change(repo, served)
    result = updater.check(cat_source(served))
    assert (result.outcome, result.reason) == ("refused", reason), result.message
    assert says in result.message
    after = (applied.state()["current"], applied.state()["staged"], cat.in_use(),
             sorted(str(p.relative_to(installed.config_dir))
                    for p in (installed.config_dir / "bundles").rglob("*")))
    assert after == before and applied.current == good
    assert applied.effective(installed).hall != "坏目录"
    assert [e.code for e in cat.search_scope("元宇宙")] == ["I901"]     # still running on it
    if reason != "unreachable":                       # offline is no refusal (nothing audited)
        assert audit.events[-1][0] == "config-bundle-refused"
        assert audit.events[-1][1]["reason"] == reason and says in audit.events[-1][1]["detail"]
        assert applied.state()["refused"]["reason"] == reason


def test_a_bundle_naming_a_catalogue_the_repository_lacks_is_refused(world, tmp_path):
    repo, installed, applied, updater, audit = world
    values = {"catalogues": {"scope": "catalogues/business_scope-0000000000000000.json"}}
    repo.add_bundle("group:township", 1, bundle_from_toml(values, 1, "group:township"))
    result = check(repo, updater, tmp_path, "usb")
    assert (result.outcome, result.reason) == ("refused", "invalid")
    assert "which the repository does not hold" in result.message and applied.current is None


def test_the_rollback_after_three_failed_starts_brings_the_previous_catalogues_back(
        world, tmp_path):
    repo, installed, applied, updater, audit = world
    older = {**NEW_ENTRY, "code": "I902", "name": "旧版目录里的服务", "pinyin_initials": "jbml"}
    good = publish(repo, {"scope": scope_doc(older)})
    check(repo, updater, tmp_path, "a")
    applied.apply_staged()
    start(installed)
    applied.commit_start()
    bad = publish(repo, {"scope": scope_doc(NEW_ENTRY)}, devices={"idcard": "sim:no-such-card"})
    check(repo, updater, tmp_path, "b")
    assert applied.apply_staged() == bad
    for _ in range(3):                              # the kiosk crashes on each of these starts
        start(installed, audit)
        assert cat.scope_entry("I901") is not None and cat.scope_entry("I902") is None
    settings, _ = start(installed, audit)           # the fourth: the previous bundle, whole
    assert applied.current == good and settings.devices.idcard == "sim:"
    assert cat.scope_entry("I902") is not None and cat.scope_entry("I901") is None
    assert cat.in_use()["scope"] == installed.config_dir / "bundles" / str(good) / "scope.json"


def test_only_the_catalogues_a_kiosk_may_return_to_are_kept(world, tmp_path):
    repo, installed, applied, updater, _ = world
    versions = []
    for n in range(3):
        versions.append(publish(repo, {"scope": scope_doc({**NEW_ENTRY, "code": f"I90{n}"})}))
        check(repo, updater, tmp_path, f"usb{n}")
        applied.apply_staged()
        applied.commit_start()
    folders = sorted(p.name for p in (installed.config_dir / "bundles").iterdir() if p.is_dir())
    assert folders == [str(v) for v in versions[1:]]             # current and previous


def test_a_catalogue_damaged_on_disk_falls_back_to_the_shipped_one_and_says_so(world, tmp_path):
    repo, installed, applied, updater, _ = world
    v = publish(repo, {"scope": scope_doc(NEW_ENTRY)})
    check(repo, updater, tmp_path, "usb")
    applied.apply_staged()
    (installed.config_dir / "bundles" / str(v) / "scope.json").write_bytes(b'{"entries": [')
    audit = RecordingAudit()
    settings, fell = start(installed, audit)
    assert settings.hall == "转塘街道便民服务中心"                  # the rest of the bundle stands
    assert [f.catalogue for f in fell] == ["scope"] and cat.scope_entry("I901") is None
    assert cat.search_scope("百货")                                 # the shipped catalogue
    event, fields = audit.events[-1]
    assert event == "config-catalogue-fallback" and fields["catalogue"] == "scope"
    assert fields["version"] == v and "not a usable JSON catalogue" in fields["reason"]
    facts = diag_config.config_facts(installed, now=time.time())
    report = diag_config.check(facts)
    assert not report.ok and "经营范围目录文件已损坏" in report.detail and report.fix
    said, tone = {r["k"]: (r["v"], r["tone"]) for r in facts.rows()}["经营范围目录"]
    assert tone == "bad" and said.startswith(f"配置包 版本 {v} 下发的文件无法使用（")
    assert said.endswith("现用随软件发布的目录") and "not a usable JSON catalogue" in said
