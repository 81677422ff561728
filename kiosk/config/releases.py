"""Software releases side by side, the one to start with, and the rollback after failed starts.

On disk: ``<root>/releases/<id>/`` holds one release (its virtual environment and a
``RELEASE`` file), ``<root>/current`` and ``<root>/previous`` are links to two of them, and
``<state>/state.json`` (in the kiosk's writable data directory) says which is current, which
previous, and how a trial of a new one stands. The rules are those of the configuration
bundles (``kiosk.config.applied``, after Mender and RAUC: commit only after a good start):

- ``install`` (the installer) makes a new release current and the current one previous, on
  trial; installing the current one again changes nothing;
- ``begin_start`` (``ExecStartPre`` of kiosk.service, as root, before the release's own code
  runs, so a release that cannot even import is still counted) counts each start on trial;
  when three starts on trial did not reach ``commit_start``, the fourth switches the links
  back to the previous release, keeps the failed id so it is never started again, and notes
  the rollback for the kiosk to report;
- ``commit_start`` (the kiosk, once its window is up) ends the trial, and records in the audit
  log what ``begin_start`` could not: the trial passed (``software-applied``), or a rollback
  happened before this start (``software-rolled-back``).

This file uses the standard library only and runs as a script: the installer copies it to
``<root>/bin/kiosk-release``, which must work whatever the release on trial holds. What it
does not do: build a release (``deploy/installer.py``) or start the kiosk (systemd does).
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

MAX_FAILED_STARTS = 3
#: Audit event ids recorded on the kiosk's behalf (the audit catalogue lists them).
SOFTWARE_APPLIED = "software-applied"
SOFTWARE_ROLLED_BACK = "software-rolled-back"
#: Set in kiosk.service: where ``state.json`` is, so a running kiosk can commit its start.
STATE_ENV = "KIOSK_RELEASE_STATE"
MAX_STATE_BYTES = 64 * 1024


class Recorder(Protocol):
    def record(self, event: str, **fields: Any) -> None: ...


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


_EMPTY: dict[str, Any] = {"root": None, "current": None, "previous": None, "trial": False,
                          "failed_starts": 0, "installed_at": None, "rolled_back": None,
                          "bad_versions": [], "unreported": []}


_TYPES: dict[str, type] = {
    "root": str, "current": str, "previous": str, "trial": bool, "failed_starts": int,
    "installed_at": str, "rolled_back": dict, "bad_versions": list, "unreported": list}
_ITEMS: dict[str, Callable[[Any], bool]] = {
    "bad_versions": lambda v: isinstance(v, str),
    "unreported": lambda e: isinstance(e, dict) and {"failed", "restored", "why"} <= set(e)}


def replace_durably(path: Path, data: bytes, mode: int = 0o600,
                    owner_of: Path | None = None) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, whole:
    a temporary file (its mode set from the start) synced, renamed over, the folder synced.
    As root with ``owner_of``, the file gets that path's owner (written by the installer or
    ``ExecStartPre``, it must stay the kiosk user's). The applied bundles use it too."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if owner_of is not None and os.geteuid() == 0:
        owner = os.stat(owner_of)
        os.chown(tmp, owner.st_uid, owner.st_gid)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def typed_state(data: Any, empty: dict[str, Any], types: dict[str, type],
                items: dict[str, Callable[[Any], bool]] | None = None) -> dict[str, Any]:
    """``data``, a state file's JSON, read as a state with ``empty``'s keys: a value of the
    wrong type (a hand-edited or damaged file) reads as its default, a bool is not a number,
    and a list keeps the items that ``items[key]`` accepts. Anything but an object: ``empty``.
    Shared by the releases' and the configuration bundles' state."""
    items = items or {}
    if not isinstance(data, dict):
        return copy.deepcopy(empty)
    state: dict[str, Any] = {}
    for key, default in empty.items():
        value, kind = data.get(key, default), types[key]
        if value is None and default is None:
            state[key] = None
        elif not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            state[key] = copy.deepcopy(default)
        elif isinstance(value, list):
            state[key] = [v for v in value if items.get(key, lambda _: True)(v)]
        else:
            state[key] = value
    return state


class Releases:
    """The releases under ``root`` and their state in ``state_dir``."""

    def __init__(self, root: Path, state_dir: Path, *, clock=_utc_now) -> None:  # noqa: ANN001
        self.root = Path(root)
        self.state_dir = Path(state_dir)
        self._clock = clock

    # ------------------------------------------------------------------ state

    def state(self) -> dict[str, Any]:
        path = self.state_dir / "state.json"
        try:
            with open(path, "rb") as fh:
                data = json.loads(fh.read(MAX_STATE_BYTES + 1)[:MAX_STATE_BYTES])
        except (OSError, ValueError):
            data = None                # none yet or unreadable: the links stand as they are
        return typed_state(data, _EMPTY, _TYPES, _ITEMS)

    def _save(self, state: dict[str, Any]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        replace_durably(self.state_dir / "state.json",
                        json.dumps(state, sort_keys=True).encode(), owner_of=self.state_dir)

    def release_dir(self, release: str) -> Path:
        return self.root / "releases" / release

    def _link(self, name: str, release: str | None) -> None:
        link = self.root / name
        if release is None:
            if link.is_symlink():
                link.unlink()
            return
        target = Path("releases") / release
        if link.is_symlink() and Path(os.readlink(link)) == target:
            return
        tmp = self.root / f".{name}.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(target)
        os.replace(tmp, link)          # atomic: the old link or the new, never none

    # ------------------------------------------------------------------ changes

    def install(self, release: str) -> bool:
        """Make ``release`` (already in ``releases/``) current, on trial. Returns False when
        it was current already (nothing changed)."""
        if not self.release_dir(release).is_dir():
            raise FileNotFoundError(f"{self.release_dir(release)}: no such release")
        state = self.state()
        if state["current"] == release:
            self._link("current", release)
            return False
        if state["current"] is not None and not state["trial"]:
            state["previous"] = state["current"]   # a failed trial is never kept as previous
        first = state["current"] is None
        state.update(root=str(self.root), current=release, trial=not first, failed_starts=0,
                     installed_at=self._clock(),
                     bad_versions=[v for v in state["bad_versions"] if v != release])
        self._link("current", release)
        self._link("previous", state["previous"])
        self._save(state)
        self._prune(state)
        return True

    def _prune(self, state: dict[str, Any]) -> None:
        keep = {state["current"], state["previous"]}
        folder = self.root / "releases"
        for entry in folder.iterdir() if folder.is_dir() else ():
            if entry.name not in keep and not entry.name.startswith("."):
                if entry.is_symlink() or entry.is_file():
                    entry.unlink()
                else:
                    shutil.rmtree(entry)

    def begin_start(self) -> str | None:
        """Count a start; roll back after three that failed on trial. Returns the release to
        start (None: none installed)."""
        state = self.state()
        if state["trial"]:
            if state["failed_starts"] >= MAX_FAILED_STARTS and state["previous"]:
                self._roll_back(state, f"{state['failed_starts']} failed starts")
            else:
                state["failed_starts"] += 1
                self._save(state)
        return self.state()["current"]

    def _roll_back(self, state: dict[str, Any], why: str) -> None:
        failed, restored = state["current"], state["previous"]
        event = {"failed": failed, "restored": restored, "why": why, "at": self._clock()}
        state.update(current=restored, previous=None, trial=False, failed_starts=0,
                     rolled_back=event, unreported=[*state["unreported"], event][-5:],
                     bad_versions=sorted({*state["bad_versions"], failed} - {None}))
        self._link("current", restored)
        self._link("previous", None)
        self._save(state)

    def commit_start(self, running: Path, audit: Recorder) -> bool:
        """The kiosk started cleanly from ``running`` (its ``sys.prefix``): end a trial of
        that release and report what happened before. Returns whether a trial ended."""
        state = self.state()
        if state["current"] is None:
            return False
        for event in state["unreported"]:
            audit.record(SOFTWARE_ROLLED_BACK, version=event["failed"], to=event["restored"],
                         reason=event["why"])
        ended = False
        if state["trial"] and self._runs(running, state["current"]):
            audit.record(SOFTWARE_APPLIED, version=state["current"],
                         previous=state["previous"], disposition="success")
            state.update(trial=False, failed_starts=0)
            ended = True
        if ended or state["unreported"]:
            state["unreported"] = []
            self._save(state)
        return ended

    def _runs(self, running: Path, release: str) -> bool:
        # Walk up from the running environment, resolving each step: <root>/current/venv
        # is a release's when <root>/current is (the venv itself may be a link elsewhere).
        try:
            wanted = self.release_dir(release).resolve()
            here = Path(os.path.abspath(running))
            return any(p.resolve() == wanted for p in (here, *here.parents))
        except OSError:
            return False

    def status(self) -> dict[str, Any]:
        """What the heartbeat reports: release, previous, trial, the last rollback."""
        s = self.state()
        return {"release": s["current"], "previous": s["previous"], "trial": s["trial"],
                "installed_at": s["installed_at"], "rolled_back": s["rolled_back"]}


def from_environ(env: dict[str, str] | None = None) -> Releases | None:
    """The releases a service-run kiosk belongs to (None: not installed by deploy/)."""
    folder = (env if env is not None else os.environ).get(STATE_ENV)
    if not folder:
        return None
    state_dir = Path(folder)
    root = Releases(Path("/"), state_dir).state()["root"]
    return Releases(Path(root), state_dir) if root else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-release", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/opt/kiosk"))
    parser.add_argument("--state", type=Path, default=Path("/var/lib/kiosk/release"))
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("begin", help="count a start (kiosk.service ExecStartPre)")
    sub.add_parser("status", help="print the state as JSON")
    install = sub.add_parser("install", help="make a release in releases/ current, on trial")
    install.add_argument("release")
    args = parser.parse_args(argv)
    releases = Releases(args.root, args.state)
    try:
        if args.verb == "begin":
            before = releases.state()
            current = releases.begin_start()
            after = releases.state()
            if after["rolled_back"] != before["rolled_back"]:
                print(f"kiosk-release: {before['current']} failed {MAX_FAILED_STARTS} starts; "
                      f"rolled back to {current}", file=sys.stderr)
            if current is None:
                print("kiosk-release: no release installed; run deploy/install-kiosk",
                      file=sys.stderr)
                return 1
            return 0
        if args.verb == "install":
            changed = releases.install(args.release)
            print(f"{args.release}: {'installed, on trial' if changed else 'already current'}")
            return 0
        print(json.dumps(releases.status(), ensure_ascii=False, indent=1))
        return 0
    except OSError as exc:
        print(f"kiosk-release: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
