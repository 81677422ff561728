"""A county's install day, in a temporary root: deploy/install-central, then deploy/install-kiosk.

The installers run as a technician runs them, into ``--root`` (system steps planned, not run).
Every file they write is checked with its mode; a second run changes nothing; the unit files
pass ``systemd-analyze verify``. Then the installed platform is started from that root as its
unit says, the kiosk registered on it, and the installed kiosk started as its unit says (the
``ExecStartPre`` start counter, then the kiosk with the unit's environment and the installed
settings), offscreen through one scripted visit. The release's virtual environment is a link
to this test's own (``--python-env``): a real ``pip install`` would take minutes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from admin.cli import main as admin_main

CHECKOUT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
KIOSK_ID = "kiosk-330106-0001"

KIOSK_FILES = {
    "etc/kiosk": 0o755, "etc/kiosk/kiosk.toml": 0o640, "etc/kiosk/root.json": 0o644,
    "var/lib/kiosk": 0o700, "var/lib/kiosk/release": 0o700,
    "var/lib/kiosk/release/state.json": 0o600, "var/lib/kiosk/identity": 0o700,
    "var/lib/kiosk/identity/kiosk.key": 0o600, "opt/kiosk": 0o755, "opt/kiosk/releases": 0o755,
    "opt/kiosk/bin": 0o755, "opt/kiosk/bin/kiosk-release": 0o755,
    "etc/udev/rules.d/70-kiosk-devices.rules": 0o644,
    "etc/udev/rules.d/71-kiosk-usb-drives.rules": 0o644,
    "etc/systemd/logind.conf.d/kiosk.conf": 0o644, "etc/default/grub.d/kiosk.cfg": 0o644,
    "etc/systemd/timesyncd.conf.d/kiosk.conf": 0o644, "etc/pam.d/kiosk": 0o644,
    "etc/systemd/system/kiosk.service": 0o644,
}
CENTRAL_FILES = {
    "etc/kiosk-central": 0o755, "etc/kiosk-central/central.env": 0o644,
    "etc/kiosk-central/for-kiosks.toml": 0o644, "var/lib/kiosk-central": 0o700,
    "var/lib/kiosk-central/release": 0o700, "var/lib/kiosk-central/release/state.json": 0o600,
    "opt/kiosk-central": 0o755, "opt/kiosk-central/releases": 0o755,
    "etc/systemd/system/kiosk-central.service": 0o644,
    "etc/systemd/timesyncd.conf.d/kiosk.conf": 0o644,
}


def install(product: str, root: Path, *args: str, env: Path = VENV
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECKOUT / "deploy" / f"install-{product}"), "--root", str(root),
                           "--python-env", str(env), *args],
                          capture_output=True, text=True, timeout=600)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root``: its kind, mode and content hash (or link target)."""
    seen: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            rel, st = str(p.relative_to(root)), p.lstat()
            if stat.S_ISLNK(st.st_mode):
                seen[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                seen[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                seen[rel] = ("file", stat.S_IMODE(st.st_mode),
                             hashlib.sha256(p.read_bytes()).hexdigest())
    return seen


def unit_lines(unit: Path, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit.read_text().splitlines()
            if line.startswith(key + "=")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class County:
    """One root with the platform and a kiosk installed, the platform running."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "root"
        self.port = free_port()
        self.central = install("central", self.root, "--host", "127.0.0.1", "--port",
                               str(self.port), "--public-url", f"http://127.0.0.1:{self.port}")
        assert self.central.returncode == 0, self.central.stdout + self.central.stderr
        assert admin_main(["init", str(tmp / "repo"), "--root-keys", str(tmp / "root-keys")]) == 0
        self.trusted_root = tmp / "repo" / "metadata" / "1.root.json"
        self.answers = ("--kiosk-id", KIOSK_ID, "--platform-keys",
                        str(self.root / "etc/kiosk-central/for-kiosks.toml"),
                        "--trusted-root", str(self.trusted_root),
                        "--groups", "township,county-330106", "--devices", "simulated")
        self.kiosk = install("kiosk", self.root, *self.answers)
        assert self.kiosk.returncode == 0, self.kiosk.stdout + self.kiosk.stderr
        self.server: subprocess.Popen[str] | None = None

    def start_platform(self) -> None:
        """kiosk-central as its unit starts it (ExecStart, with its EnvironmentFile)."""
        unit = self.root / "etc/systemd/system/kiosk-central.service"
        env = dict(os.environ)
        for line in (self.root / "etc/kiosk-central/central.env").read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                env[key] = value
        argv = [os.path.expandvars(a) if a.startswith("${") else a for a in
                unit_lines(unit, "ExecStart")[0].split()]
        argv = [env.get(a[2:-1], a) if a.startswith("${") else a for a in argv]
        self.server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True)
        assert "listening on" in self.server.stdout.readline()     # waits for the line

    def register(self) -> None:
        public = re.search(r"kiosk public key: (\S+)", self.kiosk.stdout).group(1)
        done = subprocess.run([str(self.root / "opt/kiosk-central/current/venv/bin/kiosk-central"),
                               "--data", str(self.root / "var/lib/kiosk-central"),
                               "--register-kiosk", KIOSK_ID, public],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    def start_kiosk(self, out: Path) -> subprocess.CompletedProcess[str]:
        """kiosk.service's start: ExecStartPre as written, then the kiosk with the unit's
        environment, headless instead of under cage."""
        unit = self.root / "etc/systemd/system/kiosk.service"
        pre = unit_lines(unit, "ExecStartPre")[0].removeprefix("+").split()
        counted = subprocess.run(pre, capture_output=True, text=True, timeout=60)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        for value in unit_lines(unit, "Environment"):
            key, _, val = value.partition("=")
            if key.startswith(("KIOSK_", "PYTHON")):
                env[key] = val
        start = unit_lines(unit, "ExecStart")[0].split(" -- ", 1)[1].split()
        assert start == [str(self.root / "opt/kiosk/current/venv/bin/kiosk"), "run"]
        python = Path(start[0]).with_name("python")    # the release's own interpreter
        done = subprocess.run([str(python), "-m", "kiosk.cli", "run", "--headless", "--json",
                               "--out", str(out)], env=env, capture_output=True, text=True,
                              timeout=300)
        done.stderr = counted.stderr + done.stderr
        return done

    def latest_heartbeat(self) -> dict:
        db = sqlite3.connect(self.root / "var/lib/kiosk-central/central.sqlite3")
        try:
            row = db.execute("SELECT body FROM heartbeats WHERE kiosk_id = ? ORDER BY id DESC "
                             "LIMIT 1", [KIOSK_ID]).fetchone()
        finally:
            db.close()
        return json.loads(row[0])

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(30)


@pytest.fixture
def county(tmp_path: Path):
    c = County(tmp_path)
    yield c
    c.stop()


def test_every_file_and_mode_then_a_second_run_changes_nothing(county: County) -> None:
    root, rid = county.root, json.loads(
        (county.root / "var/lib/kiosk/release/state.json").read_text())["current"]
    release = f"opt/kiosk/releases/{rid}"
    expected = {**KIOSK_FILES, **CENTRAL_FILES}
    found = snapshot(root)
    links = {k: v[1] for k, v in found.items() if v[0] == "link"}
    assert links == {"opt/kiosk/current": f"releases/{rid}", f"{release}/venv": str(VENV),
                     "opt/kiosk-central/current": f"releases/{rid}",
                     f"opt/kiosk-central/releases/{rid}/venv": str(VENV)}
    central_keys = {k for k in found if k.startswith("var/lib/kiosk-central/keys")}
    releases = {k for k in found if k.startswith(("opt/kiosk/releases/", "opt/kiosk-central/releases/"))}
    assert releases == {f"{release}", f"{release}/RELEASE", f"{release}/README", f"{release}/venv",
                        f"opt/kiosk-central/releases/{rid}",
                        f"opt/kiosk-central/releases/{rid}/RELEASE",
                        f"opt/kiosk-central/releases/{rid}/README",
                        f"opt/kiosk-central/releases/{rid}/venv"}
    parents = {str(q) for k in expected for q in Path(k).parents if str(q) != "."}
    rest = set(found) - set(expected) - set(links) - central_keys - releases - parents
    assert rest == set(), rest                                   # nothing else is written
    for rel, mode in expected.items():
        assert found[rel][1] == mode, (rel, oct(found[rel][1]))
    assert all(found[k][1] == 0o600 for k in central_keys if found[k][0] == "file" and
               k.endswith(".key"))

    settings = (root / "etc/kiosk/kiosk.toml").read_text()
    assert f'kiosk_id = "{KIOSK_ID}"' in settings and str(root / "var/lib/kiosk") in settings
    assert f'trusted_root = "{root}/etc/kiosk/root.json"' in settings
    assert (root / "etc/kiosk/root.json").read_bytes() == county.trusted_root.read_bytes()
    rules = (root / "etc/udev/rules.d/70-kiosk-devices.rules").read_text()
    assert 'ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", SYMLINK+="idcard", GROUP="kiosk"' in rules
    usb = (root / "etc/udev/rules.d/71-kiosk-usb-drives.rules").read_text()
    assert usb.count("--options=noexec,nosuid,nodev") == 2
    unit = (root / "etc/systemd/system/kiosk.service").read_text()
    for line in ("Type=notify", "NotifyAccess=all", "Restart=always", "User=kiosk",
                 "ProtectSystem=strict", f"ReadWritePaths={root}/var/lib/kiosk",
                 "NoNewPrivileges=yes", "PrivateTmp=yes", "WatchdogSec=30", "PAMName=kiosk",
                 "Environment=PYTHONFAULTHANDLER=1"):
        assert f"\n{line}\n" in unit, line
    said = county.kiosk.stdout
    for planned in ("apt-get install", "cage", "useradd --system", "udevadm control --reload",
                    "timedatectl set-ntp true", "systemctl enable kiosk.service", "update-grub"):
        assert planned in said, planned
    assert "[ran]" not in said and "[planned]" in said

    again = install("kiosk", root, *county.answers)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout and "[written]" not in again.stdout
    central_again = install("central", root, "--host", "127.0.0.1", "--port", str(county.port),
                            "--public-url", f"http://127.0.0.1:{county.port}")
    assert "nothing changed" in central_again.stdout, central_again.stdout
    assert snapshot(root) == found                               # byte for byte, mode for mode


def test_the_units_pass_systemd_analyze_verify(county: County) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "scripts/bootstrap.sh installs systemd (systemd-analyze) and cage"
    for unit in ("kiosk.service", "kiosk-central.service"):
        done = subprocess.run([analyze, "verify", str(county.root / "etc/systemd/system" / unit)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stderr == "", (unit, done.stderr)


def test_wrong_answers_are_refused_and_change_nothing(county: County, tmp_path: Path) -> None:
    before = snapshot(county.root)
    bad = [("--kiosk-id", "Kiosk 1!", "kiosk_id"), ("--groups", "no such group", "groups"),
           ("--trusted-root", str(tmp_path / "missing.json"), "TUF root")]
    for flag, value, named in bad:
        answers = list(county.answers)
        answers[answers.index(flag) + 1] = value
        done = install("kiosk", county.root, *answers)
        assert done.returncode == 1 and named in done.stderr, done.stderr
        assert "what to do:" in done.stderr and "Traceback" not in done.stderr
    done = install("kiosk", county.root, *county.answers, "--reader-usb", "12345")
    assert done.returncode == 1 and "vvvv:pppp" in done.stderr
    done = install("kiosk", county.root, *county.answers, "--release-id", "../../etc")
    assert done.returncode == 2
    assert snapshot(county.root) == before


def test_the_installed_kiosk_serves_a_visit_with_the_installed_settings(county: County,
                                                                          tmp_path: Path) -> None:
    county.start_platform()
    county.register()
    done = county.start_kiosk(tmp_path / "out")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["outcome"] == "approved"                      # the platform's own decision
    assert (tmp_path / "out" / "receipt.txt").exists()
    data = county.root / "var/lib/kiosk"
    assert (data / "queue" / "outbox.db").exists() and not any((data / "sessions").iterdir())
    beat = county.latest_heartbeat()
    rid = json.loads((data / "release/state.json").read_text())["current"]
    assert beat["software"]["release"] == rid and beat["software"]["trial"] is False


def test_a_release_that_cannot_start_rolls_back_after_three_failed_starts(
        county: County, tmp_path: Path) -> None:
    county.start_platform()
    county.register()
    data = county.root / "var/lib/kiosk"
    state = lambda: json.loads((data / "release/state.json").read_text())   # noqa: E731
    good = state()["current"]
    broken = tmp_path / "broken-env" / "bin"
    broken.mkdir(parents=True)
    (broken / "python").write_text(
        "#!/bin/sh\n# A release whose kiosk fails at start-up; its other commands work.\n"
        'for a in "$@"; do [ "$a" = run ] && { echo "start-up failed" >&2; exit 1; }; done\n'
        f'exec {VENV}/bin/python "$@"\n')
    (broken / "python").chmod(0o755)
    (broken / "kiosk").symlink_to("python")
    done = install("kiosk", county.root, *county.answers, "--release-id", "0.2.0-broken",
                   env=broken.parent)
    assert done.returncode == 0, done.stderr
    assert state()["current"] == "0.2.0-broken" and state()["previous"] == good
    assert state()["trial"] is True

    for n in (1, 2, 3):                   # systemd's Restart=always, three times
        start = county.start_kiosk(tmp_path / f"out{n}")
        assert start.returncode != 0 and "start-up failed" in start.stderr
        assert state()["failed_starts"] == n and state()["current"] == "0.2.0-broken"

    start = county.start_kiosk(tmp_path / "out4")             # the fourth start rolls back
    assert "rolled back to " + good in start.stderr
    assert start.returncode == 0, start.stderr[-3000:]
    assert json.loads(start.stdout.strip().splitlines()[-1])["outcome"] == "approved"
    s = state()
    assert (s["current"], s["previous"], s["trial"]) == (good, None, False)
    assert s["bad_versions"] == ["0.2.0-broken"] and s["unreported"] == []
    assert os.readlink(county.root / "opt/kiosk/current") == f"releases/{good}"
    entries = [json.loads(line) for line in (data / "audit/audit.log").read_text().splitlines()]
    rolled = [e for e in entries if e["event"] == "software-rolled-back"]
    assert len(rolled) == 1 and rolled[0]["fields"]["version"] == "0.2.0-broken"
    assert rolled[0]["fields"]["to"] == good
    beat = county.latest_heartbeat()["software"]
    assert beat["release"] == good and beat["rolled_back"]["failed"] == "0.2.0-broken"
    verify = subprocess.run([str(VENV / "bin" / "kiosk"), "audit", "verify"],
                            env=dict(os.environ, KIOSK_CONFIG=str(county.root / "etc/kiosk/kiosk.toml")),
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
