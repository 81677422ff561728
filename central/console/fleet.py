"""How the fleet reads for an administrator: one row per kiosk, one block per published bundle.

Built from what kiosks reported (their latest heartbeats in the store) and what the
administrators published (the TUF targets metadata the platform serves). A kiosk is *silent*
when its last heartbeat is older than ``SILENT_AFTER_S`` (three missed heartbeats), *full*
when it reported low disk (its queue refuses new applications), *faulty* when a device it needs
is unavailable or disconnected. No HTML here (the templates), no HTTP (the pages).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from central.store import Store
from contract.bundles import Refusal, candidate_scopes

SILENT_AFTER_S = 15 * 60
FAULT_STATES = {"unavailable", "disconnected"}
WARN_STATES = {"degraded"}
DEVICE_LABELS = {"idcard": "身份证阅读器", "camera": "摄像头", "receipt_printer": "回执打印机",
                 "licence_printer": "执照打印机"}
STATE_LABELS = {"unavailable": "不可用", "disconnected": "未连接", "degraded": "需要检修"}
LEVEL_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _refusal_label(reason: str) -> str:
    try:
        return Refusal(reason).label_zh
    except ValueError:
        return reason


@dataclass
class KioskRow:
    kiosk_id: str
    last_seen: str | None
    silent_s: float | None              # seconds since the last heartbeat (None: never)
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

    @property
    def silent(self) -> bool:
        return self.silent_s is None or self.silent_s > SILENT_AFTER_S

    @property
    def full(self) -> bool:
        return self.low_disk

    @property
    def faulty(self) -> bool:
        return bool(self.faults)

    @property
    def flags(self) -> list[str]:
        return [name for name, on in (("silent", self.silent), ("full", self.full),
                                      ("faulty", self.faulty)) if on]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "flags": self.flags}


def kiosk_rows(store: Store, now: dt.datetime | None = None) -> list[KioskRow]:
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = []
    for k in store.kiosks():
        hb = k["heartbeat"] or {}
        seen = _parse_time(k["received_at"])
        row = KioskRow(k["kiosk_id"], k["received_at"],
                       None if seen is None else max(0.0, (now - seen).total_seconds()))
        if hb:
            cfg = hb.get("config") or {}
            refused = cfg.get("refused") or {}
            rolled = cfg.get("rolled_back") or {}
            queue = hb.get("queue") or {}
            row.groups = list(hb.get("groups") or [])
            row.software_version = hb.get("software_version") or ""
            row.config_version = cfg.get("version", hb.get("config_version"))
            row.config_trial = bool(cfg.get("trial"))
            row.staged = cfg.get("staged")
            if refused:
                row.refused_reason = str(refused.get("reason", ""))
                row.refused = _refusal_label(row.refused_reason)
            if rolled:
                row.rolled_back = (f"版本 {rolled.get('failed')} 启动失败，已回退到 "
                                   f"{rolled.get('restored') or '安装配置'}")
            row.queue_depth = queue.get("depth")
            row.oldest_age_s = queue.get("oldest_age_s")
            row.disk_free_bytes = hb.get("disk_free_bytes")
            row.low_disk = bool(hb.get("low_disk"))
            row.last_visit_at = hb.get("last_visit_at")
            row.audit_head = (hb.get("audit") or {}).get("head")
            for d in hb.get("devices") or []:
                label = DEVICE_LABELS.get(d.get("device"), d.get("device"))
                state = d.get("state")
                said = f"{label}：{STATE_LABELS.get(state, state)}"
                if d.get("code"):
                    said += f"（{d['code']}）"
                if state in FAULT_STATES:
                    row.faults.append(said)
                elif state in WARN_STATES:
                    row.warnings.append(said)
        rows.append(row)
    return rows


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


__all__ = ["KioskRow", "BundleState", "kiosk_rows", "published_bundles",
           "publishing_state", "ratings_summary", "scope_label"]
