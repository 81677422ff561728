"""A signed configuration copy on a USB drive, imported in the diagnostics mode: verified by the
kiosk's real TUF updater from a private copy; nothing on the drive is run or followed.

The drive is a folder with a mount table and a sysfs tree around it (``usb`` in conftest.py):
no USB stick exists on a build machine. The repository is a real one (``admin.repo``).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from admin.repo import Repository
from kiosk.audit.log import AuditLog
from kiosk.config import agent
from kiosk.config.applied import AppliedConfig
from kiosk.config.bundle import bundle_from_toml
from kiosk.config.settings import Settings, parse
from kiosk.diagnostics import drives, usb_config
from kiosk.diagnostics.cli import local_diagnostics
from kiosk.diagnostics.service import Diagnostics

KIOSK = "kiosk-town-01"


@pytest.fixture
def county(tmp_path: Path, usb: tuple[Path, Path, Path]):
    """A kiosk installed with the repository's root, and the repository exported to the stick."""
    mounts, sys_root, stick = usb
    repo = Repository.init(tmp_path / "repo", tmp_path / "root-keys")
    shutil.copy(repo.metadata_dir / "1.root.json", tmp_path / "root.json")
    installed = parse(f"kiosk_id = '{KIOSK}'\ndata_dir = '{tmp_path / 'kiosk'}'\n"
                      f"[fleet]\ngroups = ['township']\ntrusted_root = '{tmp_path / 'root.json'}'\n")
    raw = bundle_from_toml({"profile": {"hall_name": "转塘街道便民服务中心"}},
                           repo.next_bundle_version(), "group:township")
    repo.add_bundle("group:township", json.loads(raw)["version"], raw)
    repo.export(stick)
    audit = AuditLog(installed.audit_path)
    found = drives.removable_drives(mounts, sys_root)
    assert [d.mount for d in found] == [stick]
    return installed, stick, found, audit


def importer(installed: Settings, audit: AuditLog):
    return lambda folder: agent.import_folder(installed, folder, audit)


def work(installed: Settings) -> Path:
    return installed.data_dir / "run" / "usb"


def staged(installed: Settings) -> int | None:
    return AppliedConfig(installed.config_dir).state()["staged"]


def test_a_signed_copy_is_verified_and_staged_for_between_visits(county) -> None:
    installed, stick, found, audit = county
    result = usb_config.import_from_drive(str(stick), found, importer(installed, audit),
                                          work(installed))
    assert result.ok and result.data == {"status": "staged", "version": 1}, result
    assert "两次办理之间" in result.detail and staged(installed) == 1
    assert list(work(installed).iterdir()) == []                  # the private copy is gone
    again = usb_config.import_from_drive(str(stick), found, importer(installed, audit),
                                         work(installed))
    assert again.ok and again.data["status"] in ("current", "staged")


def test_executables_on_the_drive_are_never_run(county, tmp_path: Path) -> None:
    installed, stick, found, audit = county
    marker = tmp_path / "RAN"
    script = f"#!/bin/sh\ntouch {marker}\n"
    for place in (stick / "autorun.sh", stick / "kiosk-config" / "targets" / "run.sh",
                  stick / "kiosk-config" / "metadata" / "install.sh"):
        place.write_text(script)
        place.chmod(0o755)
    (stick / "autorun.inf").write_text("[autorun]\nopen=autorun.sh\n")
    result = usb_config.import_from_drive(str(stick), found, importer(installed, audit),
                                          work(installed))
    assert result.ok and result.data["status"] == "staged"        # extra files: ignored
    assert not marker.exists()


@pytest.mark.parametrize("trap", ["metadata-link", "folder-link", "targets-link", "fifo",
                                  "bad-name", "too-deep"])
def test_links_and_odd_files_on_the_drive_are_not_followed(county, tmp_path: Path,
                                                           trap: str) -> None:
    installed, stick, found, audit = county
    copy = stick / "kiosk-config"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(copy, elsewhere)                               # a good copy, off the drive
    if trap == "metadata-link":
        (copy / "metadata" / "timestamp.json").unlink()
        (copy / "metadata" / "timestamp.json").symlink_to(elsewhere / "metadata" / "timestamp.json")
    elif trap == "folder-link":
        shutil.rmtree(copy)
        copy.symlink_to(elsewhere)
    elif trap == "targets-link":
        shutil.rmtree(copy / "targets")
        (copy / "targets").symlink_to(elsewhere / "targets")
    elif trap == "fifo":
        os.mkfifo(copy / "metadata" / "2.root.json")               # would block a plain open()
    elif trap == "bad-name":
        (copy / "metadata" / "a\nb.json").write_text("{}")
    else:
        deep = copy / "targets"
        for n in range(8):
            deep = deep / f"d{n}"
        deep.mkdir(parents=True)
    result = usb_config.import_from_drive(str(stick), found, importer(installed, audit),
                                          work(installed))
    assert not result.ok and result.data == {"status": "refused", "reason": "unsafe-copy"}
    assert "本机配置未改变" in result.detail and staged(installed) is None
    assert list(work(installed).iterdir()) == []


def test_a_tampered_copy_is_refused_by_the_signatures(county) -> None:
    installed, stick, found, audit = county
    target = next((stick / "kiosk-config" / "targets").rglob("*.json"))
    target.write_bytes(target.read_bytes().replace("转塘".encode(), "西湖".encode()))
    result = usb_config.import_from_drive(str(stick), found, importer(installed, audit),
                                          work(installed))
    assert not result.ok and result.data["status"] == "refused" and staged(installed) is None
    events = [json.loads(line)["event"] for line in installed.audit_path.read_text().splitlines()]
    assert "config-bundle-refused" in events


@pytest.mark.parametrize("chosen", ["/", "", None, 5, "../media", "/proc", "x" * 5000])
def test_only_a_listed_drive_is_read(county, chosen: object) -> None:
    installed, _, found, audit = county
    result = usb_config.import_from_drive(chosen, found, importer(installed, audit),
                                          work(installed))
    assert result is drives.NOT_A_DRIVE


def test_the_diagnostics_service_imports_and_audits_it(county, usb) -> None:
    installed, stick, _, _ = county
    mounts, sys_root, _ = usb
    with local_diagnostics(installed, settle_s=5) as local:
        d = Diagnostics(local.parts, audit=AuditLog(installed.audit_path), mounts=mounts,
                        sys_root=sys_root)
        assert d.import_config(str(stick), "touch").ok
        assert not d.import_config("/", "touch").ok
    entries = [json.loads(line) for line in installed.audit_path.read_text().splitlines()]
    imported = [e["fields"] for e in entries if e["event"] == "config-usb-imported"]
    assert imported == [{"surface": "touch", "outcome": "staged", "version": 1, "reason": None},
                        {"surface": "touch", "outcome": "not_a_drive", "version": None,
                         "reason": None}]
