"""The SIGKILL campaign: the kiosk and the platform, each its own process, killed at points the
campaign observes, over and over, on one outbox and one platform database.

Each trial picks a victim (the kiosk or the platform), a point and which occurrence of it, gives
the kiosk a few submissions to queue, and kills the victim when that occurrence comes. The points:

- the kiosk's (``kiosk_child.py``): ``enqueue`` (inside the enqueue transaction), ``sending``,
  ``delivered`` (the platform has it all, the kiosk has not recorded that yet);
- the platform's (``platform_child.py``, ``kiosk-central`` itself): ``accept`` (inside the
  transaction that accepts a submission), ``chunk`` (inside a chunk's);
- the relay's between them (``proxy.py``): ``post-forwarded`` / ``chunk-forwarded`` (the
  platform is working on it), ``post-answered`` / ``chunk-answered`` (the platform committed and
  answered; the answer has not reached the kiosk).

A dead kiosk is started again on the same outbox by the next trial; a dead platform at once, on
the same data directory. After every trial both databases pass ``PRAGMA integrity_check``. At
the end the kiosk drains what is left, and the campaign counts from the platform's own
append-only accept log (not from its submissions table, whose primary key would hide a
duplicate): every acknowledged submission accepted (lost 0), none accepted twice under one id
or as one application (duplicated 0), nothing accepted that the kiosk never stored.
"""
from __future__ import annotations

import base64
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.keys import PLATFORM_PUB_FILE
from tests.reliability.proxy import Relay

HERE = Path(__file__).parent
KIOSK_ID = "kiosk-crash-01"
KIOSK_POINTS = ("enqueue", "sending", "delivered")
PLATFORM_POINTS = ("accept", "chunk")
RELAY_POINTS = ("post-forwarded", "post-answered", "chunk-forwarded", "chunk-answered")
POINTS = KIOSK_POINTS + PLATFORM_POINTS + RELAY_POINTS
#: Where a kiosk that delivers in batches can be caught: its batch is the relay's POST.
BATCH_POINTS = KIOSK_POINTS + PLATFORM_POINTS + ("post-forwarded", "post-answered")
VICTIMS = ("kiosk", "platform")
CHUNK = 4096


class Child:
    """A child process that speaks ``points.py``'s protocol; ``on_point(name)`` runs on the
    reader thread and may kill a process before this one is told ``GO``."""

    def __init__(self, argv: list[str], on_point: Callable[[str], None],
                 on_line: Callable[[str], None], env: dict | None = None) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        self._on_point, self._on_line = on_point, on_line
        self._write = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:      # type: ignore[union-attr]
            line = line.strip()
            if line.startswith("POINT "):
                self._on_point(line.split(" ", 1)[1])
                self.send("GO")
            else:
                self._on_line(line)

    def send(self, line: str) -> None:
        with self._write:
            try:
                self.proc.stdin.write(line + "\n")     # type: ignore[union-attr]
                self.proc.stdin.flush()                # type: ignore[union-attr]
            except (BrokenPipeError, ValueError, OSError):
                pass                                   # it is dead: nothing to tell

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self, timeout: float = 30) -> int:
        """Ask it to finish (``STOP``; SIGTERM if it does not) and wait."""
        self.send("STOP")
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            return self.proc.wait(timeout)


@dataclass(frozen=True)
class Plan:
    victim: str
    point: str
    occurrence: int


@dataclass
class Figures:
    """What the campaign did, as the README's Reliability paragraph reports it."""

    kills: int = 0
    kiosk_kills: int = 0
    platform_kills: int = 0
    hit_unfinished: int = 0
    by_point: Counter = field(default_factory=Counter)
    acked: int = 0
    accepted: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    integrity_checks: int = 0
    integrity_failures: list[str] = field(default_factory=list)
    drained: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        return json.dumps({
            "campaign": "sigkill", "kills": self.kills, "kiosk_kills": self.kiosk_kills,
            "platform_kills": self.platform_kills, "hit_unfinished": self.hit_unfinished,
            "by_point": dict(sorted(self.by_point.items())), "acked": self.acked,
            "accepted": self.accepted, "lost": len(self.lost),
            "duplicated": len(self.duplicated), "invented": len(self.invented),
            "integrity_checks": self.integrity_checks,
            "integrity_failures": len(self.integrity_failures),
            "seconds": round(self.seconds, 1)}, sort_keys=False)


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a SQLite file, as another process sees it now."""
    if not path.exists():
        return "ok"
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        return ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))


def _rows(path: Path, sql: str) -> list[tuple]:
    if not path.exists():
        return []
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:       # the tables are not created yet
            return []


class Campaign:
    """Run with ``run(kills)``. ``victims`` and ``points`` narrow the choice; a platform with
    ``broken_idempotency`` forgets the idempotency rule (the duplicate check must then fail);
    ``batch_bytes`` above 0 makes the kiosk deliver in batches (``POST
    /v1/submission-batches``, attachments inline: no chunk PUTs, so no ``chunk-*`` relay
    points), 0 one by one with chunked uploads."""

    def __init__(self, workdir: Path, seed: int, *, broken_idempotency: bool = False,
                 victims: tuple[str, ...] = VICTIMS, points: tuple[str, ...] = POINTS,
                 batch_bytes: int = 0) -> None:
        self.rng = random.Random(seed)
        self.batch_bytes = batch_bytes
        self.victims, self.points = victims, points
        self.seed = seed
        self.dir = workdir
        self.outbox = workdir / "kiosk" / "outbox.db"
        self.central = workdir / "central"
        self.central_db = self.central / "central.sqlite3"
        self.env = dict(os.environ, PYTHONPATH=str(HERE.parents[1]))
        if broken_idempotency:
            self.env["CAMPAIGN_BROKEN_IDEMPOTENCY"] = "1"
        self.key = Ed25519PrivateKey.generate()
        self.relay = Relay(self._forwarded, self._answered)
        self.figures = Figures()
        self.acked: list[str] = []
        self.kiosk: Child | None = None
        self.platform: Child | None = None
        self._kiosks = 0
        self._lock = threading.Lock()
        self._plan: Plan | None = None
        self._seen = 0
        self._fired = threading.Event()
        self._drained = threading.Event()
        self._ready = threading.Event()
        self._listening: list[int] = []

    # ------------------------------------------------------------------ the processes

    def register(self) -> None:
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)
        subprocess.run([sys.executable, "-m", "central", "--data", str(self.central),
                        "--register-kiosk", KIOSK_ID, base64.b64encode(raw).decode()],
                       env=self.env, check=True, capture_output=True, timeout=120)

    def platform_public(self) -> str:
        return (self.central / "keys" / PLATFORM_PUB_FILE).read_text().strip()

    def start_platform(self) -> None:
        listening = threading.Event()

        def line(text: str) -> None:
            if text.startswith("kiosk-central listening on http://"):
                self._listening.append(int(text.split()[3].rsplit(":", 1)[1]))
                listening.set()

        self.platform = Child([sys.executable, str(HERE / "platform_child.py"), "--data",
                               str(self.central), "--port", "0", "--log-level", "warning"],
                              lambda name: self._at(name), line, env=self.env)
        if not listening.wait(120):
            raise AssertionError("the platform did not start")
        self.relay.upstream = ("127.0.0.1", self._listening[-1])

    def start_kiosk(self) -> None:
        self._kiosks += 1
        cfg = {"db": str(self.outbox), "base_url": self.relay.base_url, "kiosk_id": KIOSK_ID,
               "kiosk_key": self.key.private_bytes(
                   serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                   serialization.NoEncryption()).hex(),
               "platform_key": self.platform_public(), "prefix": f"K{self._kiosks:03d}",
               "chunk_size": CHUNK, "batch_bytes": self.batch_bytes,
               "seed": self.rng.randrange(1 << 30)}
        self._ready.clear()
        self.kiosk = Child([sys.executable, str(HERE / "kiosk_child.py"), json.dumps(cfg)],
                           lambda name: self._at(name), self._kiosk_said, env=self.env)
        if not self._ready.wait(120):
            raise AssertionError("the kiosk did not start")

    def _kiosk_said(self, line: str) -> None:
        if line == "READY":
            self._ready.set()
        elif line.startswith("ACK "):
            with self._lock:
                self.acked.append(line.split()[1])
        elif line == "DRAINED":
            self._drained.set()

    # ------------------------------------------------------------------ the points

    def _forwarded(self, method: str, target: str) -> None:
        self._relayed(method, "forwarded")

    def _answered(self, method: str, target: str, status: object) -> None:
        self._relayed(method, "answered")

    def _relayed(self, method: str, stage: str) -> None:
        # A POST delivers a submission, a PUT one chunk of its photo; a GET changes nothing.
        kinds = {"POST": "post", "PUT": "chunk"}
        if method in kinds:
            self._at(f"{kinds[method]}-{stage}")

    def _at(self, point: str) -> None:
        with self._lock:
            plan = self._plan
            if plan is None or point != plan.point:
                return
            self._seen += 1
            if self._seen < plan.occurrence:
                return
            self._plan = None
        self._kill(plan)

    def _kill(self, plan: Plan) -> None:
        unsent = _rows(self.outbox, "SELECT COUNT(*) FROM submissions WHERE state != 'sent'")
        unfinished = (plan.point == "enqueue" or self.relay.in_flight > 0
                      or bool(unsent and unsent[0][0]))
        victim = self.kiosk if plan.victim == "kiosk" else self.platform
        assert victim is not None
        victim.kill()
        f = self.figures
        f.kills += 1
        f.hit_unfinished += unfinished
        f.by_point[f"{plan.victim}@{plan.point}"] += 1
        if plan.victim == "kiosk":
            f.kiosk_kills += 1
        else:
            f.platform_kills += 1
        self._fired.set()

    # ------------------------------------------------------------------ the campaign

    def run(self, kills: int, trial_timeout_s: float = 60.0) -> Figures:
        started = time.monotonic()
        self.register()
        try:
            for _ in range(kills):
                self.trial(timeout_s=trial_timeout_s)
            self._drain(trial_timeout_s)
        finally:
            self.shutdown()
        self._count()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    def plan(self) -> Plan:
        point = self.rng.choice(self.points)
        # "After N chunks": a photo is 2 to 4 chunks, so the 1st to 4th chunk of a delivery.
        most = 4 if point.startswith("chunk") else 2
        return Plan(self.rng.choice(self.victims), point, self.rng.randint(1, most))

    def trial(self, plan: Plan | None = None, timeout_s: float = 60.0) -> None:
        """Queue submissions until ``plan`` (or a random one) comes, and kill there."""
        if self.platform is None or not self.platform.alive:
            self.start_platform()
        if self.kiosk is None or not self.kiosk.alive:
            self.start_kiosk()
        plan = plan or self.plan()
        self._fired.clear()
        with self._lock:
            self._plan, self._seen = plan, 0
        deadline = time.monotonic() + timeout_s
        while not self._fired.is_set():
            assert time.monotonic() < deadline, f"{plan} was never reached"
            self._drained.clear()
            assert self.kiosk is not None
            self.kiosk.send(f"ENQUEUE {self.rng.randint(1, 3)}")
            # Until the point comes, or the kiosk has sent everything without reaching it.
            while not (self._fired.is_set() or self._drained.is_set()):
                self._fired.wait(0.05)
                assert time.monotonic() < deadline, f"{plan} was never reached"
        self._check_integrity()
        if not self.platform.alive:       # type: ignore[union-attr]
            self.start_platform()

    def _check_integrity(self) -> None:
        for path in (self.outbox, self.central_db):
            result = integrity(path)
            self.figures.integrity_checks += 1
            if result != "ok":
                self.figures.integrity_failures.append(f"{path.name}: {result}")

    def _drain(self, timeout_s: float) -> None:
        with self._lock:
            self._plan = None
        if self.platform is None or not self.platform.alive:
            self.start_platform()
        if self.kiosk is None or not self.kiosk.alive:
            self.start_kiosk()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            left = _rows(self.outbox, "SELECT COUNT(*) FROM submissions WHERE state != 'sent'")
            if not left or not left[0][0]:
                self.figures.drained = True
                break
            self._drained.wait(0.1)
        assert self.kiosk is not None
        self.kiosk.stop()
        self._check_integrity()

    def shutdown(self) -> None:
        for child in (self.kiosk, self.platform):
            if child is not None and child.alive:
                child.kill()
        self.relay.close()

    def _count(self) -> None:
        f = self.figures
        log = _rows(self.central_db, "SELECT submission_id, application_key FROM accept_log "
                                     "ORDER BY seq")
        ids = Counter(sid for sid, _ in log)
        keys = Counter(key for _, key in log)
        stored = {r[0] for r in _rows(self.outbox, "SELECT submission_id FROM submissions")}
        f.acked = len(self.acked)
        f.accepted = len(log)
        f.lost = sorted(set(self.acked) - set(ids))
        f.duplicated = sorted([s for s, n in ids.items() if n > 1]
                              + [k for k, n in keys.items() if n > 1])
        f.invented = sorted(set(ids) - stored)
