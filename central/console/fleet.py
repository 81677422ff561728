"""How the fleet reads for an administrator: one row per kiosk, one block per published bundle.

Built from what kiosks reported (their latest heartbeats in the store) and what the
administrators published (the TUF targets metadata the platform serves). A kiosk is *silent*
when its last heartbeat is older than three of its heartbeat intervals (the interval its
heartbeat states, else ``HEARTBEAT_EVERY_S``), *full*
when it reported low disk (its queue refuses new applications), *faulty* when a device it needs
is unavailable or disconnected, *unready* when its last nightly readiness check failed (the
failed checks named as ``contract.readiness`` names them). Each row also says the software
release the kiosk runs (``kiosk.config.releases``: on trial, rolled back).

A stored heartbeat came from the network (and may be older than the API's model): every field
is read by type, a wrong one is left out, and text is cleaned (``shown``: control characters
made visible, cut to a length) before a template sees it. No HTML here (the templates), no
HTTP (the pages).
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from central.store import Store
from contract.bundles import candidate_scopes, refusal_label
from contract.readiness import check_label
from contract.text import shown

#: A kiosk's heartbeat interval when its heartbeat does not say (``[fleet] heartbeat_every_s``'s
#: default; kiosks older than the field send none). Silent: three intervals without one.
HEARTBEAT_EVERY_S = 5 * 60
SILENT_AFTER_INTERVALS = 3
SILENT_AFTER_S = SILENT_AFTER_INTERVALS * HEARTBEAT_EVERY_S
HEARTBEAT_RANGE_S = (30, 3600)      # what the kiosk's settings allow (kiosk.config.schema)
MAX_FAULTS_SHOWN = 32
FAULT_STATES = {"unavailable", "disconnected"}
WARN_STATES = {"degraded"}
DEVICE_LABELS = {"idcard": "身份证阅读器", "camera": "摄像头", "receipt_printer": "回执打印机",
                 "licence_printer": "执照打印机"}
STATE_LABELS = {"unavailable": "不可用", "disconnected": "未连接", "degraded": "需要检修"}
LEVEL_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text or not isinstance(text, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text[:40])
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _amount(value: object) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if ok and math.isfinite(value) and value >= 0 else None  # type: ignore[arg-type]


def ago(seconds: float) -> str:
    s = int(seconds)
    if s < 60:
        return "刚刚"
    if s < 3600:
        return f"{s // 60} 分钟前"
    if s < 86400:
        return f"{s // 3600} 小时前"
    return f"{s // 86400} 天前"


def when(text: object) -> str:
    """A time a kiosk or the platform wrote, as "2026-12-01 17:50 UTC"; "" when not one."""
    parsed = _parse_time(text) if isinstance(text, str) else None
    if parsed is None:
        return ""
    return parsed.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class KioskRow:
    kiosk_id: str
    last_seen: str | None
    silent_s: float | None              # seconds since the last heartbeat (None: never)
    heartbeat_every_s: int = HEARTBEAT_EVERY_S   # the kiosk's own interval, as it said
    groups: list[str] = field(default_factory=list)
    software_version: str = ""
    config_version: int | None = None
    config_trial: bool = False
    staged: int | None = None
    refused: str = ""                   # the last refusal, in words
    refused_reason: str = ""
    rolled_back: str = ""
    queue_depth: int | None = None
    oldest_age_s: float | None = None
    disk_free_bytes: int | None = None
    low_disk: bool = False
    faults: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_visit_at: str | None = None
    audit_head: str | None = None
    release: str = ""                   # the software release (kiosk.config.releases)
    release_trial: bool = False
    release_rolled_back: str = ""
    ready: bool | None = None           # the last nightly readiness check (None: none yet)
    ready_at: str = ""
    unready_checks: list[str] = field(default_factory=list)   # the failed checks, in Chinese

    @property
    def silent(self) -> bool:
        return self.silent_s is None or \
            self.silent_s > SILENT_AFTER_INTERVALS * self.heartbeat_every_s

    @property
    def unready(self) -> bool:
        return self.ready is False

    @property
    def last_seen_text(self) -> str:
        if self.silent_s is None:
            return "从未收到心跳"
        return f"{when(self.last_seen)}（{ago(self.silent_s)}）"

    @property
    def full(self) -> bool:
        return self.low_disk

    @property
    def faulty(self) -> bool:
        return bool(self.faults)

    @property
    def flags(self) -> list[str]:
        return [name for name, on in (("silent", self.silent), ("unready", self.unready),
                                      ("full", self.full), ("faulty", self.faulty)) if on]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "flags": self.flags}


FLAG_LABELS = {"silent": "失联", "unready": "未就绪", "full": "已满", "faulty": "故障"}


def kiosk_rows(store: Store, now: dt.datetime | None = None) -> list[KioskRow]:
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = []
    for k in store.kiosks():
        seen = _parse_time(k["received_at"])
        row = KioskRow(k["kiosk_id"], k["received_at"],
                       None if seen is None else max(0.0, (now - seen).total_seconds()))
        _read_heartbeat(row, _dict(k["heartbeat"]))
        rows.append(row)
    return rows


def _read_heartbeat(row: KioskRow, hb: dict[str, Any]) -> None:
    if not hb:
        return
    cfg = _dict(hb.get("config"))
    refused, rolled = _dict(cfg.get("refused")), _dict(cfg.get("rolled_back"))
    queue = _dict(hb.get("queue"))
    every = _int(hb.get("heartbeat_every_s"))
    if every is not None and HEARTBEAT_RANGE_S[0] <= every <= HEARTBEAT_RANGE_S[1]:
        row.heartbeat_every_s = every
    row.groups = [shown(g, 48) for g in _list(hb.get("groups"))[:8] if isinstance(g, str)]
    row.software_version = shown(hb.get("software_version"), 40)
    row.config_version = _int(cfg.get("version", hb.get("config_version")))
    row.config_trial = cfg.get("trial") is True
    row.staged = _int(cfg.get("staged"))
    if refused:
        row.refused_reason = shown(refused.get("reason"), 32)
        row.refused = refusal_label(row.refused_reason)
    if rolled:
        row.rolled_back = (f"版本 {_int(rolled.get('failed')) or '?'} 启动失败，已回退到 "
                           f"{_int(rolled.get('restored')) or '安装配置'}")
    row.queue_depth = _int(queue.get("depth"))
    row.oldest_age_s = _amount(queue.get("oldest_age_s"))
    row.disk_free_bytes = _int(hb.get("disk_free_bytes"))
    row.low_disk = hb.get("low_disk") is True
    row.last_visit_at = shown(hb.get("last_visit_at"), 40) or None
    row.audit_head = shown(_dict(hb.get("audit")).get("head"), 64) or None
    for item in _list(hb.get("devices"))[:32]:
        d = _dict(item)
        device, state = shown(d.get("device"), 32), shown(d.get("state"), 32)
        said = f"{DEVICE_LABELS.get(device, device)}：{STATE_LABELS.get(state, state)}"
        if code := shown(d.get("code"), 64):
            said += f"（{code}）"
        if state in FAULT_STATES:
            row.faults.append(said)
        elif state in WARN_STATES:
            row.warnings.append(said)
    software = _dict(hb.get("software"))
    row.release = shown(software.get("release"))
    row.release_trial = software.get("trial") is True
    if back := _dict(software.get("rolled_back")):
        row.release_rolled_back = (f"发布 {shown(back.get('failed')) or '?'} 启动失败，已回退到 "
                                   f"{shown(back.get('restored')) or '上一发布'}")
    readiness = _dict(hb.get("readiness"))
    if isinstance(readiness.get("ok"), bool):
        row.ready = readiness["ok"]
        row.ready_at = when(readiness.get("checked_at"))
        names = [n for n in _list(readiness.get("faults")) if isinstance(n, str)]
        row.unready_checks = [check_label(shown(n, 32)) for n in names[:MAX_FAULTS_SHOWN]]
        if not row.ready and not row.unready_checks:
            row.unready_checks = ["未说明哪一项"]


@dataclass
class BundleState:
    """One published bundle and what became of it on the kiosks it is for."""

    scope: str
    version: int
    applied: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (kiosk, why)
    rolled_back: list[tuple[str, str]] = field(default_factory=list)


def published_bundles(repo_dir: Path) -> dict[str, int]:
    """scope -> bundle version, from the targets metadata the platform serves."""
    try:
        targets = json.loads((repo_dir / "metadata" / "timestamp.json").read_text())
        snap_v = targets["signed"]["meta"]["snapshot.json"]["version"]
        snapshot = json.loads((repo_dir / "metadata" / f"{snap_v}.snapshot.json").read_text())
        targets_v = snapshot["signed"]["meta"]["targets.json"]["version"]
        listed = json.loads((repo_dir / "metadata" / f"{targets_v}.targets.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    out = {}
    for target in listed["signed"].get("targets", {}).values():
        custom = target.get("custom") or {}
        if isinstance(custom.get("bundle_version"), int) and isinstance(custom.get("scope"), str):
            out[custom["scope"]] = custom["bundle_version"]
    return out


def publishing_state(rows: list[KioskRow], published: dict[str, int]) -> list[BundleState]:
    """Per published bundle: which kiosks applied it, wait for it, refused it and why."""
    states = {scope: BundleState(scope, v) for scope, v in sorted(published.items())}
    for row in rows:
        scope = next((s for s in candidate_scopes(row.kiosk_id, row.groups) if s in published),
                     None)
        if scope is None:
            continue
        state = states[scope]
        if row.rolled_back and row.config_version != state.version:
            state.rolled_back.append((row.kiosk_id, row.rolled_back))
        elif row.config_version == state.version:
            state.applied.append(row.kiosk_id)
        elif row.refused:
            state.refused.append((row.kiosk_id, row.refused))
        else:
            state.waiting.append(row.kiosk_id)
    return list(states.values())


def scope_label(scope: str) -> str:
    if scope == "all":
        return "全部一体机"
    kind, name = scope.split(":", 1)
    return f"{'分组' if kind == 'group' else '单台'} {name}"


def ratings_summary(store: Store) -> list[dict[str, Any]]:
    """好差评 by level (5 down to 1), each with its count and reasons by frequency."""
    levels: dict[int, dict[str, Any]] = {
        lv: {"level": lv, "label": LEVEL_LABELS[lv], "count": 0, "reasons": []}
        for lv in range(5, 0, -1)}
    for r in store.ratings_by_level_and_tag():
        lv = int(r["level"])
        if lv not in levels:
            continue
        if r["tag"]:
            levels[lv]["reasons"].append((r["tag"], r["n"]))
    counts = store.rating_counts()
    for lv in levels:
        levels[lv]["count"] = counts.get(lv, 0)
    return list(levels.values())


__all__ = ["FLAG_LABELS", "KioskRow", "BundleState", "kiosk_rows", "published_bundles",
           "publishing_state", "ratings_summary", "scope_label", "shown"]
