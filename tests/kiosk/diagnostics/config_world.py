"""A kiosk's data folder as a life of signed configuration leaves it, for the tests of the
configuration page and of ``kiosk diag --json``.

Made by the real parts, with their clocks moved back instead of waiting: ``admin.repo`` signs,
the kiosk's own updater verifies a USB copy (``tuf.ngclient``), ``AppliedConfig`` applies,
commits and rolls back, ``AuditLog`` records. Scenarios:

- ``fresh``: nothing signed is installed or applied (the embedded defaults);
- ``history``: versions 1 and 2 applied and kept, 3 rolled back after three failed starts, a
  copy signed by an unknown key refused, and the timestamp metadata the kiosk trusts expired
  a day ago (signed 15 days ago, as the administrators last refreshed it); its platform is
  unreachable;
- ``warning``: version 1 applied yesterday, the timestamp metadata expiring in two days;
  its platform is the embedded one, which publishes no repository;
- ``garbage``: every file the page reads damaged: ``state.json`` of wrong types with control
  characters, a bundle that is not JSON, audit lines of garbage (one of 10 MB) among real
  ones, metadata that is not TUF, a channel record of the wrong types.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import time
from pathlib import Path

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata
from tuf.api.serialization.json import JSONSerializer

from admin.repo import Repository
from kiosk.audit.log import AuditLog
from kiosk.config.applied import AppliedConfig
from kiosk.config.bundle import bundle_from_toml
from kiosk.config.updater import BundleUpdater, folder_source, metadata_dir
from kiosk.config.settings import Settings, parse

KIOSK = "kiosk-town-01"
DAY = 86400.0
NOTES = {1: "首版：转塘街道便民服务中心", 2: "热线改为 0571-96345", 3: "试行新的超时设置"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def iso(self) -> str:
        return dt.datetime.fromtimestamp(self.t, dt.timezone.utc).replace(
            microsecond=0).isoformat()


def settings_text(tmp: Path, scenario: str) -> str:
    """The kiosk's settings file for a scenario (written by ``prepare``)."""
    lines = [f"kiosk_id = '{KIOSK}'", f"data_dir = '{tmp / 'data'}'"]
    if scenario == "history":
        port = closed_port()
        lines += ["[platform]", f"url = 'http://127.0.0.1:{port}'",
                  f"public_key = '{'A' * 43}='", f"decision_key = '{'A' * 43}='"]
    if scenario != "fresh":
        lines += ["[fleet]", "groups = ['township']", f"trusted_root = '{tmp / 'root.json'}'",
                  "check_every_s = 3600"]
    return "\n".join(lines) + "\n"


def _publish(repo: Repository, version_note: str) -> None:
    version = repo.next_bundle_version()
    raw = bundle_from_toml({"profile": {"hall_name": "转塘街道便民服务中心"},
                            "note": version_note}, version, "group:township")
    repo.add_bundle("group:township", version, raw)


def prepare(tmp: Path, scenario: str) -> Path:
    """Write the scenario's data folder and settings file; returns the settings file."""
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "kiosk.toml"
    config.write_text(settings_text(tmp, scenario), encoding="utf-8")
    if scenario == "fresh":
        return config
    if scenario == "garbage":
        damage(parse(config.read_text(encoding="utf-8")))
        return config
    installed: Settings = parse(config.read_text(encoding="utf-8"))
    now = time.time()
    clock = Clock(now - 40 * DAY)
    repo = Repository.init(tmp / "repo", tmp / "root-keys")
    shutil.copy(repo.metadata_dir / "1.root.json", tmp / "root.json")
    audit = AuditLog(installed.audit_path, clock=clock)
    applied = AppliedConfig(installed.config_dir, audit=audit, clock=clock.iso)
    updater = BundleUpdater(installed, applied, audit)

    def take(n: int, when_days: float, publisher: Repository = repo) -> None:
        clock.t = now - when_days * DAY
        _publish(publisher, NOTES[n])
        result = updater.check(folder_source(repo.export(tmp / f"usb-{n}")))
        assert result.outcome == "staged", result
        applied.apply_staged()

    if scenario == "warning":                           # signed 12 days ago, applied yesterday:
        take(1, 1, Repository(repo.path, now=dt.datetime.fromtimestamp(now - 12 * DAY,
                                                                       dt.timezone.utc)))
        return config                                   # still on trial
    take(1, 40)
    applied.commit_start()
    take(2, 20)
    applied.commit_start()
    take(3, 6)
    for _ in range(4):                                  # three failed starts, then rolled back
        applied.begin_start()
    clock.t = now - 3 * DAY                             # a copy signed by a stranger
    served = repo.export(tmp / "usb-stranger")
    path = served / "metadata" / "timestamp.json"
    md = Metadata.from_file(str(path))
    md.signatures.clear()
    md.sign(CryptoSigner.generate_ed25519())
    md.to_file(str(path), JSONSerializer(compact=False))
    assert updater.check(folder_source(served)).reason == "unknown-key"
    # The administrators last refreshed the timestamp 15 days ago: it expired yesterday. The
    # kiosk verified and kept it then; its kept copy is that signed file.
    old = Repository(repo.path, now=dt.datetime.fromtimestamp(now - 15 * DAY, dt.timezone.utc))
    old.refresh_timestamp()
    shutil.copy(repo.metadata_dir / "timestamp.json", metadata_dir(installed) / "timestamp.json")
    return config


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


BELL = "\x07\x1b[31m\u202e\x00"          # bell, an ANSI colour, a right-to-left override, NUL


def damage(installed: Settings) -> None:
    """The files the configuration facts read, each damaged as a disk or a person could."""
    cfg = installed.config_dir
    (cfg / "bundles").mkdir(parents=True, exist_ok=True)
    (cfg / "tuf").mkdir(parents=True, exist_ok=True)
    (cfg / "state.json").write_text(json.dumps({
        # previous stays null: a kiosk started on a previous of another type crashes in
        # AppliedConfig's rollback (reported); the facts' own test adds that case.
        "current": 7, "previous": None, "staged": True, "trial": "yes",
        "applied_at": "not a time" + BELL, "staged_from": ["usb"],
        "refused": {"reason": "bogus" + BELL, "message": ("长" * 5000) + BELL, "at": 12},
        "rolled_back": {"failed": "x", "restored": 2**40, "why": BELL * 100, "at": None}}))
    (cfg / "bundles" / "7.json").write_bytes(b"\xff\xfe not json" * 100)
    (cfg / "tuf" / "timestamp.json").write_text('{"signed": {"_type": "timestamp"}}')
    (cfg / "tuf" / "targets.json").write_bytes(b"[" * 100_000)
    audit = AuditLog(installed.audit_path)
    audit.record("config-trial-started", version=7, previous=None)
    with open(installed.audit_path, "ab") as fh:
        fh.write(b'{"event":"config-applied"' + b"x" * 10_000_000 + b"\n")
        fh.write(b'{"seq": 2, "event":"config-rolled-back", "fields": []}\n')
        fh.write(b"\x00\x01\x02" * 100 + b"\n")
    audit.record("config-rolled-back", version=7, to=None, reason=BELL + "x" * 500)
    channel = installed.data_dir / "diagnostics" / "config-channel.json"
    channel.parent.mkdir(parents=True, exist_ok=True)
    channel.write_text(json.dumps({"last_read_at": "yesterday", "offline_since": float("nan"),
                                   "error": {"x": 1}}, allow_nan=True))
