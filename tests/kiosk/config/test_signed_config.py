"""Signed configuration on the kiosk: every refusal leaves it as it was; trial, rollback, rotation.

A real TUF repository (``admin.repo``, tuf's Metadata API) is read from a folder, as from a USB
drive, by the kiosk's real updater (``tuf.ngclient``). Each refusal case changes the served
copy the way an attacker or an accident would, and checks that the kiosk staged nothing, kept
its settings and audited the reason.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, Root, Targets, Timestamp
from tuf.api.serialization.json import JSONSerializer

from admin.repo import Repository
from kiosk.config import agent
from kiosk.config.bundle import bundle_from_toml
from kiosk.config.settings import Settings, parse
from kiosk.config.updater import BundleUpdater, folder_source

KIOSK = "kiosk-town-01"


class RecordingAudit:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def record(self, event: str, **fields: object) -> None:
        self.events.append((event, fields))

    def ids(self) -> list[str]:
        return [e for e, _ in self.events]


def _installed(tmp: Path, root: Path, groups: str = "['township', 'county-330106']") -> Settings:
    return parse(f"kiosk_id = '{KIOSK}'\ndata_dir = '{tmp / 'kiosk'}'\n"
                 f"[fleet]\ngroups = {groups}\ntrusted_root = '{root}'\n")


def _bundle(repo: Repository, scope: str = "group:township", **settings: object) -> bytes:
    values = settings or {"profile": {"hall_name": "转塘街道便民服务中心"},
                          "timeouts": {"idle_warning_s": 90}}
    return bundle_from_toml(json.loads(json.dumps(values)), repo.next_bundle_version(), scope)




def _publish(repo: Repository, raw: bytes | None = None, scope: str = "group:township") -> int:
    raw = raw or _bundle(repo, scope)
    version = json.loads(raw)["version"]
    repo.add_bundle(scope, version, raw)
    return version


def _serve(repo: Repository, tmp: Path, name: str = "usb") -> Path:
    return repo.export(tmp / name)


def test_a_good_bundle_is_staged_applied_and_laid_over_the_installed_settings(world, tmp_path):
    repo, installed, applied, updater, audit = world
    v = _publish(repo)
    result = updater.check(folder_source(_serve(repo, tmp_path)))
    assert (result.outcome, result.version) == ("staged", v)
    assert applied.state()["staged_from"] == "usb"            # kept: diagnostics say from where
    assert applied.effective(installed) == installed          # staged, not applied yet
    assert applied.apply_staged() == v
    settings, _ = agent.begin(installed)
    assert settings.hall == "转塘街道便民服务中心" and settings.timeouts.idle_warning_s == 90
    assert settings.kiosk_id == KIOSK and settings.data_dir == installed.data_dir
    assert "config-bundle-staged" in audit.ids() and "config-trial-started" in audit.ids()
    assert updater.check(folder_source(tmp_path / "usb")).outcome == "current"


def test_the_most_specific_bundle_wins_and_other_groups_are_not_taken(world, tmp_path):
    repo, installed, applied, updater, _ = world
    _publish(repo, scope="all")
    _publish(repo, _bundle(repo, "group:bank", profile={"hall_name": "银行网点"}), "group:bank")
    v = _publish(repo, _bundle(repo, "group:county-330106", texts={"hotline": "0571-12345"}),
                 "group:county-330106")
    assert updater.check(folder_source(_serve(repo, tmp_path))).version == v
    applied.apply_staged()
    assert applied.effective(installed).hotline == "0571-12345"
    mine = _publish(repo, _bundle(repo, f"kiosk:{KIOSK}", texts={"hotline": "96345"}),
                    f"kiosk:{KIOSK}")
    assert updater.check(folder_source(_serve(repo, tmp_path, "usb2"))).version == mine


# -- every refusal: nothing changes on the kiosk ------------------------------------------

def _resign(path: Path, signer: CryptoSigner | None, change=None) -> None:
    md = Metadata.from_file(str(path))
    if change:
        change(md.signed)
    md.signatures.clear()
    if signer:
        md.sign(signer)
    md.to_file(str(path), JSONSerializer(compact=False))


def _unsigned(repo, served: Path, tmp: Path) -> None:
    _resign(served / "metadata" / "timestamp.json", None)


def _unknown_key(repo, served: Path, tmp: Path) -> None:
    _resign(served / "metadata" / "timestamp.json", CryptoSigner.generate_ed25519())


def _tampered_metadata(repo, served: Path, tmp: Path) -> None:
    path = served / "metadata" / "timestamp.json"
    doc = json.loads(path.read_text())
    doc["signed"]["expires"] = "2099-01-01T00:00:00Z"          # signature kept, bytes changed
    path.write_text(json.dumps(doc))


def _tampered_bundle(repo, served: Path, tmp: Path) -> None:
    for target in (served / "targets" / "bundles" / "group").glob("*.township.json"):
        target.write_bytes(target.read_bytes().replace("第二版".encode(), "某地某".encode()))


def _too_few_keys(repo: Repository, served: Path, tmp: Path) -> None:
    # The root now asks for two timestamp signatures; the timestamp carries one.
    root = repo.load(Root.type)
    root.signed.add_key(CryptoSigner.generate_ed25519().public_key, Timestamp.type)
    root.signed.roles[Timestamp.type].threshold = 2
    root.signed.version += 1
    root.signatures.clear()
    root.sign(CryptoSigner(__import__("cryptography.hazmat.primitives.serialization",
                                      fromlist=["x"]).load_pem_private_key(
        (tmp / "root-keys" / "root-1.pem").read_bytes(), None)))
    root.to_file(str(served / "metadata" / f"{root.signed.version}.root.json"))


def _expired(repo, served: Path, tmp: Path) -> None:
    signer = repo._signer(Timestamp.type)
    _resign(served / "metadata" / "timestamp.json", signer,
            lambda s: setattr(s, "expires", dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))


def _not_json(repo: Repository, served: Path, tmp: Path) -> None:
    repo.add_bundle("group:township", repo.next_bundle_version(), b"\xff not json {")
    shutil.rmtree(served.parent)
    repo.export(served.parent)


def _against_the_schema(repo: Repository, served: Path, tmp: Path) -> None:
    bad = {"format": 1, "version": repo.next_bundle_version(), "scope": "group:township",
           "settings": {"timeouts": {"warning_s": 5}}}      # WCAG 2.2.1: at least 20 s
    repo.add_bundle("group:township", bad["version"], json.dumps(bad).encode())
    shutil.rmtree(served.parent)
    repo.export(served.parent)


def _older(repo: Repository, served: Path, tmp: Path) -> None:
    # Validly signed, but the bundle's version is below the one the kiosk applied.
    targets = repo.load(Targets.type)
    raw = _bundle(repo)
    doc = json.loads(raw)
    doc["version"] = 1
    data = json.dumps(doc).encode()
    repo.add_bundle("group:township", repo.next_bundle_version(), data)
    targets = repo.load(Targets.type)
    targets.signed.targets["bundles/group/township.json"].unrecognized_fields["custom"][
        "bundle_version"] = 1
    repo._sign_and_write_chain(targets)
    shutil.rmtree(served.parent)
    repo.export(served.parent)


def _rolled_back_metadata(repo: Repository, served: Path, tmp: Path) -> None:
    shutil.rmtree(served)
    shutil.copytree(tmp / "old-copy" / "kiosk-config", served)   # yesterday's signed copy


CASES = {
    "unsigned": _unsigned, "unknown-key": _unknown_key, "tampered": _tampered_metadata,
    "tampered-bundle": _tampered_bundle, "too-few-keys": _too_few_keys, "expired": _expired,
    "not-json": _not_json, "invalid": _against_the_schema, "older": _older,
    "rollback": _rolled_back_metadata,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_bundle_changes_nothing_and_is_audited(world, tmp_path, case):
    repo, installed, applied, updater, audit = world
    repo.export(tmp_path / "old")                         # an older signed copy, for rollback
    shutil.move(tmp_path / "old", tmp_path / "old-copy")
    _publish(repo, scope="all")                           # version 1, for all kiosks
    v1 = _publish(repo)                                   # version 2, for the township group
    assert updater.check(folder_source(_serve(repo, tmp_path, "first"))).version == v1
    applied.apply_staged()
    applied.begin_start()
    applied.commit_start()
    _publish(repo, _bundle(repo, profile={"hall_name": "第二版"}))
    before_settings = applied.effective(installed)
    before_state = {k: v for k, v in applied.state().items() if k != "refused"}
    before_files = sorted(p.name for p in (installed.config_dir / "bundles").iterdir())

    served = _serve(repo, tmp_path)
    CASES[case](repo, served, tmp_path)
    result = updater.check(folder_source(served))

    expected = {"tampered-bundle": "tampered"}.get(case, case)
    assert (result.outcome, result.reason) == ("refused", expected), result.message
    assert {k: v for k, v in applied.state().items() if k != "refused"} == before_state
    assert applied.state()["refused"]["reason"] == expected
    assert applied.effective(installed) == before_settings
    assert sorted(p.name for p in (installed.config_dir / "bundles").iterdir()) == before_files
    refused = [f for e, f in audit.events if e == "config-bundle-refused"]
    assert refused and refused[-1]["reason"] == expected and refused[-1]["source"] == "usb"


def test_an_unreachable_repository_is_no_refusal(world, tmp_path):
    _, installed, applied, updater, audit = world
    result = updater.check(folder_source(tmp_path / "no-such-drive"))
    assert result.reason == "unreachable" and "config-bundle-refused" not in audit.ids()
    assert applied.state()["refused"] is None


# -- trial starts and the rollback ---------------------------------------------------------

def test_three_failed_starts_roll_back_by_themselves_and_say_so(world, tmp_path):
    repo, installed, applied, updater, audit = world
    good = _publish(repo)
    updater.check(folder_source(_serve(repo, tmp_path, "a")))
    applied.apply_staged()
    assert agent.begin(installed)[0].hall == "转塘街道便民服务中心"
    applied.commit_start()
    bad = _publish(repo, _bundle(repo, devices={"idcard": "sim:no-such-card"},
                                 profile={"hall_name": "坏配置"}))
    updater.check(folder_source(_serve(repo, tmp_path, "b")))
    assert applied.apply_staged() == bad
    for attempt in range(3):                  # the kiosk crashes on each of these starts
        settings, _ = agent.begin(installed, audit)
        assert settings.hall == "坏配置", attempt
    settings, _ = agent.begin(installed, audit)   # the fourth start: back on the good bundle
    assert settings.hall == "转塘街道便民服务中心"
    state = applied.status()
    assert state["version"] == good and not state["trial"]
    assert state["rolled_back"]["failed"] == bad and state["rolled_back"]["restored"] == good
    assert ("config-rolled-back", {"version": bad, "to": good, "reason": "3 failed starts"}) \
        in audit.events
    # The bad version is not taken again from the same repository.
    assert updater.check(folder_source(tmp_path / "b")).outcome == "current"


def test_a_kiosk_that_fails_to_start_rolls_back_on_its_fourth_start(world, tmp_path):
    """The real composition root: Kiosk.start raises on the bad bundle, three times."""
    from central.testing import running_platform
    from kiosk.app import Kiosk
    from kiosk.platform import identity

    repo, _, applied, _, audit = world
    with running_platform(tmp_path / "central") as platform:
        key = identity.load_or_create(tmp_path / "kiosk" / "identity" / "kiosk.key")
        installed = parse(
            platform.kiosk_settings(KIOSK, key.public_key(), tmp_path / "kiosk") +
            f"[fleet]\ngroups = ['township']\ntrusted_root = '{tmp_path / 'installed-root.json'}'\n")
        updater = BundleUpdater(installed, applied, audit)
        _publish(repo, _bundle(repo, devices={"idcard": "sim:no-such-card"}))
        updater.check(folder_source(_serve(repo, tmp_path)))
        applied.apply_staged()
        for _ in range(3):
            with pytest.raises(ValueError):
                Kiosk.start(installed)
        kiosk = Kiosk.start(installed)
        try:
            assert kiosk.settings.devices.idcard == "sim:"
            assert kiosk.config.status()["rolled_back"]["failed"] == json.loads(
                applied.bundle_bytes(kiosk.config.status()["rolled_back"]["failed"]))["version"]
            beat = kiosk.sync.heartbeat_payload()
            assert beat["config"]["rolled_back"]["why"] == "3 failed starts"
            assert beat["config_version"] is None and beat["groups"] == ["township"]
        finally:
            kiosk.stop()


# -- key rotation --------------------------------------------------------------------------

def test_the_kiosk_follows_a_root_and_a_targets_key_rotation(world, tmp_path):
    repo, installed, applied, updater, _ = world
    _publish(repo)
    assert updater.check(folder_source(_serve(repo, tmp_path, "a"))).outcome == "staged"
    applied.apply_staged()
    assert repo.rotate("root", tmp_path / "root-keys", tmp_path / "new-root-keys") == 2
    assert repo.rotate("targets", tmp_path / "new-root-keys") == 3
    v = _publish(repo, _bundle(repo, profile={"hall_name": "新密钥签发"}))
    result = updater.check(folder_source(_serve(repo, tmp_path, "b")))
    assert (result.outcome, result.version) == ("staged", v), result.message
    trusted = Metadata.from_file(str(installed.config_dir / "tuf" / "root.json"))
    assert trusted.signed.version == 3                     # the kiosk now trusts the new root
    # The old root key alone can no longer sign for the fleet.
    old_root_signed = repo.load(Root.type)
    old_root_signed.signed.version += 1
    old_root_signed.signatures.clear()
    old_root_signed.sign(repo._root_signers(tmp_path / "root-keys")[0])
    served = _serve(repo, tmp_path, "c")
    old_root_signed.to_file(str(served / "metadata" / "4.root.json"))
    result = updater.check(folder_source(served))
    assert (result.outcome, result.reason) == ("refused", "unknown-key")


@pytest.mark.parametrize("state", [
    {"current": 3, "previous": "six", "trial": True, "failed_starts": 3},
    {"current": "3", "trial": "yes", "failed_starts": True, "bad_versions": "2"},
    {"current": 3, "trial": True, "failed_starts": 9, "bad_versions": [1, "x", None, True]},
    {"staged": [4], "refused": "no", "rolled_back": 7, "applied_at": 12},
    [1, 2], "text", None])
def test_a_damaged_state_file_never_stops_a_start(world, tmp_path: Path, state: object) -> None:
    """A hand-edited or damaged state.json: each field of the wrong type reads as its default,
    so the start goes on (rolling back where the trial says so) on what can be trusted."""
    _, installed, applied, _, _ = world
    (installed.config_dir / "state.json").write_text(json.dumps(state))
    settings, store = agent.begin(installed)        # counts the start, may roll back
    assert settings.kiosk_id == KIOSK
    s = store.state()
    assert all(v is None or isinstance(v, int) and not isinstance(v, bool)
               for v in (s["current"], s["previous"], s["staged"]))
    assert isinstance(s["trial"], bool) and isinstance(s["failed_starts"], int)
    assert all(isinstance(v, int) for v in s["bad_versions"])
    store.status(), store.newest_version(), store.commit_start()
