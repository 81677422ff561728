"""How ``deploy/install-kiosk`` and ``deploy/install-central`` install (``deploy/install.py``
says what): files, folders, system commands and releases, under a root. Standard library only:
it runs before any virtual environment exists.

Every step compares what it would write with what is there and says ``written``,
``unchanged`` or ``planned``; a second run with the same answers changes nothing. A step that
fails stops the install with what failed and what to do (``InstallError``), and leaves what
was there before: files are written to a temporary name and renamed.

``--root DIR`` installs into a folder instead of ``/`` (for tests and for looking before
installing). The files go under DIR, and the paths written inside them point under DIR too (a
relocated root, not a staging area), so what is installed there runs as it is: a test starts
the installed kiosk from DIR with its installed settings. Under a root other than ``/`` the
system steps (apt-get, useradd, chown, udevadm, lpadmin, systemctl, timedatectl, update-grub)
are not run: each is printed as ``planned`` with its exact command. With ``--root /`` (the
default) they run, as root, and only when needed (a missing package, a missing user, a rule
that changed).

What it does not do: decide what a kiosk or a platform needs (``deploy/install.py``).
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
FILES = HERE / "files"
sys.path.insert(0, str(CHECKOUT))
from kiosk.config.releases import Releases  # noqa: E402 - standard library only



class InstallError(Exception):
    """A step failed: ``what`` failed, ``todo`` is what the technician does about it."""

    def __init__(self, what: str, todo: str) -> None:
        super().__init__(what)
        self.what, self.todo = what, todo


class Installer:
    """Writes files under ``root`` and runs (or, under a root other than /, plans) system
    commands, counting what changed."""

    def __init__(self, root: Path, out=print) -> None:  # noqa: ANN001
        self.root = Path(root).resolve()
        self.real = self.root == Path("/")
        self.out = out
        self.changed: list[str] = []

    # ----- paths: a path as installed, and as it is written inside the installed files ----------
    def path(self, final: str) -> Path:
        return self.root / final.lstrip("/")

    def named(self, final: str) -> str:
        return str(self.path(final))

    # ----- files ----------------------------------------------------------------------------------
    def _say(self, status: str, what: str) -> None:
        self.out(f"  [{status}] {what}")

    def mkdir(self, final: str, mode: int, owner: str | None = None) -> None:
        p = self.path(final)
        if p.is_dir() and (p.stat().st_mode & 0o7777) == mode:
            self._say("unchanged", f"{final}/")
        else:
            p.mkdir(parents=True, exist_ok=True)
            os.chmod(p, mode)
            self.changed.append(final)
            self._say("written", f"{final}/ ({mode:04o})")
        self.chown(final, owner)

    def write(self, final: str, content: str | bytes, mode: int, owner: str | None = None) -> bool:
        data = content.encode("utf-8") if isinstance(content, str) else content
        p = self.path(final)
        same = (p.is_file() and not p.is_symlink() and p.read_bytes() == data
                and (p.stat().st_mode & 0o7777) == mode)
        if same:
            self._say("unchanged", final)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_name(f".{p.name}.new")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, p)
            self.changed.append(final)
            self._say("written", f"{final} ({mode:04o})")
        self.chown(final, owner)
        return not same

    def chown(self, final: str, owner: str | None) -> None:
        if owner is None:
            return
        if not self.real:
            return                        # under a root of a test: the files stay the caller's
        info = pwd.getpwnam(owner)
        st = self.path(final).lstat()
        if (st.st_uid, st.st_gid) != (info.pw_uid, info.pw_gid):
            os.lchown(self.path(final), info.pw_uid, info.pw_gid)
            self.changed.append(f"owner of {final}")
            self._say("written", f"owner of {final}: {owner}")

    # ----- system commands ------------------------------------------------------------------------
    def system(self, argv: list[str], why: str, *, check: bool = True) -> str:
        """Run a system command as root on /, or say it is planned under another root."""
        shown = " ".join(shlex.quote(a) for a in argv)
        if not self.real:
            self._say("planned", f"{shown}    # {why}")
            return ""
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
        except FileNotFoundError:
            raise InstallError(f"{argv[0]} is not installed ({why})",
                               "install Debian 12's standard system tools, then run again") from None
        if check and done.returncode != 0:
            raise InstallError(f"{shown} failed ({why}): {(done.stderr or done.stdout).strip()[-400:]}",
                               "fix the cause above (network? disk?), then run the installer again")
        self.changed.append(shown)
        self._say("ran", f"{shown}    # {why}")
        return done.stdout

    def probe(self, argv: list[str]) -> tuple[int, str]:
        """A read-only system query (only on /; returns (1, "") under another root)."""
        if not self.real:
            return 1, ""
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except FileNotFoundError:
            return 127, ""
        return done.returncode, done.stdout

    # ----- common steps ---------------------------------------------------------------------------
    def packages(self, names: tuple[str, ...]) -> None:
        missing = [n for n in names if self.probe(["dpkg-query", "-W", "-f=${Status}", n])[1]
                   != "install ok installed"]
        if not missing:
            self._say("unchanged", "system packages")
            return
        self.system(["apt-get", "update", "-q"], "package lists")
        self.system(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
                    "system packages")

    def user(self, name: str, home: str) -> None:
        if self.probe(["getent", "passwd", name])[0] == 0:
            self._say("unchanged", f"system user {name}")
            return
        self.system(["useradd", "--system", "--user-group", "--home-dir", home,
                     "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                    f"the {name} system user")

    def foundation(self, name: str, packages: tuple[str, ...]) -> None:
        """Packages, the system user ``name``, ``/etc/<name>`` and its private
        ``/var/lib/<name>`` (with ``release/`` for the releases' state)."""
        self.out("== system packages, user, folders")
        self.packages(packages)
        self.user(name, f"/var/lib/{name}")
        self.mkdir(f"/etc/{name}", 0o755)
        self.mkdir(f"/var/lib/{name}", 0o700, name)
        self.mkdir(f"/var/lib/{name}/release", 0o700, name)

    def uid_gid(self, name: str) -> tuple[int, int]:
        if not self.real:
            return os.getuid(), os.getgid()  # the owner of a test's root stands in for the user
        info = pwd.getpwnam(name)
        return info.pw_uid, info.pw_gid

    def template(self, name: str, values: dict[str, str]) -> str:
        text = (FILES / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(f"@{key}@", value)
        left = re.search(r"@[A-Z_]+@", text)
        if left:
            raise InstallError(f"{name}: {left.group()} was not filled in", "report this bug")
        return text

    def release(self, product: str, python_env: Path | None, extras: tuple[str, ...],
                rid: str) -> str:
        """Build (or keep) this checkout's release ``rid`` under /opt/<product>/releases/ with
        its own virtual environment. Returns the release id."""
        opt = f"/opt/{product}"
        self.mkdir(opt, 0o755)
        self.mkdir(f"{opt}/releases", 0o755)
        folder = self.path(f"{opt}/releases/{rid}")
        marker = folder / "RELEASE"
        if marker.is_file() and marker.read_text(encoding="utf-8").startswith(rid + "\n"):
            self._say("unchanged", f"{opt}/releases/{rid}/")
        else:
            if folder.exists():
                shutil.rmtree(folder)        # a build that stopped half way: start it again
            folder.mkdir(parents=True)
            venv = folder / "venv"
            if python_env is not None:
                if not (python_env / "bin" / "python").exists():
                    raise InstallError(f"{python_env}: not a virtual environment",
                                       "give --python-env a folder with bin/python, or leave it out")
                venv.symlink_to(python_env.resolve())
                self._say("written", f"{opt}/releases/{rid}/venv -> {python_env} (linked)")
            else:
                self._build_venv(venv, extras)
                self._say("written", f"{opt}/releases/{rid}/venv (pip install of this checkout)")
            shutil.copyfile(HERE / "README.md", folder / "README")
            marker.write_text(f"{rid}\nsource {CHECKOUT}\n", encoding="utf-8")
            self.changed.append(f"{opt}/releases/{rid}")
        return rid

    def _build_venv(self, venv: Path, extras: tuple[str, ...]) -> None:
        for argv, why in (([sys.executable, "-m", "venv", str(venv)], "a virtual environment"),
                          ([str(venv / "bin" / "pip"), "install", "-q", "--no-cache-dir",
                            str(CHECKOUT), *extras], "this checkout and its dependencies")):
            done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
            if done.returncode != 0:
                raise InstallError(f"{' '.join(argv[:3])} failed ({why}): "
                                   f"{(done.stderr or done.stdout).strip()[-600:]}",
                                   "check the network to the package index and the free disk "
                                   "space (df -h /opt), then run again")

    def make_current(self, product: str, rid: str, state: str) -> None:
        releases = Releases(self.path(f"/opt/{product}"), self.path(state))
        if releases.install(rid):
            self.changed.append(f"/opt/{product}/current")
            self._say("written", f"/opt/{product}/current -> releases/{rid}")
        else:
            self._say("unchanged", f"/opt/{product}/current -> releases/{rid}")

    def timesync(self, ntp: str) -> None:
        self.write("/etc/systemd/timesyncd.conf.d/kiosk.conf",
                   self.template("timesyncd/kiosk.conf", {"NTP": ntp}), 0o644)
        if self.probe(["timedatectl", "show", "-p", "NTP", "--value"])[1].strip() != "yes":
            self.system(["timedatectl", "set-ntp", "true"], "the clock: signatures allow 300 s")
        else:
            self._say("unchanged", "time sync (NTP on)")

    def unit(self, name: str, text: str) -> bool:
        return self.write(f"/etc/systemd/system/{name}", text, 0o644)

    def enable(self, name: str, units_changed: bool, *, now: bool = False) -> None:
        if units_changed:
            self.system(["systemctl", "daemon-reload"], "new unit files")
        if self.probe(["systemctl", "is-enabled", name])[1].strip() != "enabled":
            self.system(["systemctl", "enable", *(["--now"] if now else []), name],
                        f"start {name} at boot")
        elif units_changed and now:
            self.system(["systemctl", "restart", name], f"{name} on its new unit")
        else:
            self._say("unchanged", f"{name} enabled")


def release_id() -> str:
    """``<version>+g<commit>`` of this checkout (the version alone outside git)."""
    version = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]
    try:
        done = subprocess.run(["git", "-C", str(CHECKOUT), "rev-parse", "--short=10", "HEAD"],
                              capture_output=True, text=True, timeout=30)
        commit = done.stdout.strip() if done.returncode == 0 else ""
    except OSError:
        commit = ""
    return f"{version}+g{commit}" if commit else version


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]     # a TOML basic string's escapes
