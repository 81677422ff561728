"""The configuration page, the report's ``config`` line and ``kiosk diag --json``'s ``config``.

``config_facts`` gathers what a technician asks about the configuration channel, from what the
kiosk already keeps:

- the version in force and since when, on trial or kept, and a verified one waiting to be
  applied (``kiosk.config.applied``'s ``state.json``);
- the versions applied before on this kiosk, each with when and what became of it (the audit
  log, ``config_history``), with the administrators' note of each bundle still kept;
- the last check of the platform's repository and its result: up to date, a new version
  staged, a bundle refused and why, or offline since when (the agent's last result and the
  ``ChannelLog`` of reads);
- when the TUF timestamp metadata this kiosk trusts expires: a kiosk takes no new
  configuration after that (the administrators renew it with ``kiosk-admin refresh``; it is
  signed for 14 days), so the page counts the days left and warns below ``WARN_DAYS``.

``ConfigFacts.rows()`` is the page's wording (label, text, tone), ``as_json()`` the same facts
for scripts. It decides nothing about the configuration and writes nothing.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract.bundles import refusal_label
from kiosk.config.agent import ConfigAgent
from kiosk.config.applied import AppliedConfig
from kiosk.config.bundle import BundleError, Refusal, catalogue_targets, read_bundle
from kiosk.config.settings import Settings, SettingsError
from kiosk.config.updater import CheckResult, trusted_roles
from kiosk.diagnostics.channel import ChannelState
from kiosk.diagnostics.config_history import (KEPT, ROLLED, TRIAL, Applied, applications,
                                              bundle_label, clean, version_of)
from kiosk.diagnostics.report import Check
from kiosk.domain import catalogues

WARN_DAYS = 3            # fewer days than this before the timestamp expires: warn
SHOWN = 10               # earlier versions on the page
DAY = 86400.0
OK, WARN, BAD, INFO = "ok", "warn", "bad", "info"
REFRESH = ("请管理员运行 kiosk-admin refresh 签发新的时间戳，本机联网后自动取得；"
           "不能联网的，用管理员 kiosk-admin export 导出的U盘在本页导入")


def _parse(text: object) -> float | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text[:40])
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).timestamp()


def _iso(t: float | None) -> str | None:
    return None if t is None else dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(
        timespec="seconds")


def span(seconds: float) -> str:
    """A duration as a technician says it: 3 天 4 小时, 5 小时 10 分钟, 12 分钟."""
    s = max(0, int(seconds))
    days, hours, minutes = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if days:
        return f"{days} 天" + (f" {hours} 小时" if hours else "")
    if hours:
        return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    return f"{minutes} 分钟" if minutes else "不到 1 分钟"


def scope_text(scope: str) -> str:
    if scope == "all":
        return "发给全部一体机"
    if scope.startswith("group:"):
        return f"发给分组 {scope[6:]}"
    return "发给本机" if scope.startswith("kiosk:") else ""


@dataclass(frozen=True)
class LastCheck:
    """The last check of the platform's repository. ``outcome``: ``current``, ``staged``,
    ``none`` (no bundle for this kiosk), ``refused``, ``offline``, ``no-repository`` (the
    platform answers but publishes none), ``pending`` (not finished since the start),
    ``not-running`` (asked without a running kiosk), ``off`` (no trusted root)."""

    outcome: str
    at: float | None = None
    version: int | None = None
    reason: str = ""
    message: str = ""
    offline_since: float | None = None
    last_contact_at: float | None = None


@dataclass(frozen=True)
class Expiry:
    version: int
    expires: float                   # seconds since the epoch
    days_left: float                 # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def warning(self) -> bool:
        return self.days_left < WARN_DAYS


@dataclass(frozen=True)
class ConfigFacts:
    source: str                              # where the installed settings came from
    enabled: bool = False                    # a trusted root is installed
    now: float = 0.0
    tz: dt.tzinfo | None = None              # for the page's times (None: the kiosk's own)
    version: int | None = None               # the bundle in force; None: installed settings
    applied_at: float | None = None
    trial: bool = False
    scope: str = ""
    note: str = ""
    staged: int | None = None
    staged_from: str = ""
    history: tuple[tuple[Applied, str, str], ...] = ()   # (applied, scope, note), newest first
    refused: dict[str, Any] | None = None    # the last refusal kept on disk
    rolled_back: dict[str, Any] | None = None
    last_check: LastCheck = field(default_factory=lambda: LastCheck("not-running"))
    timestamp: Expiry | None = None
    signed_by: tuple[str, ...] = ()          # the targets metadata's key ids
    catalogues: tuple[tuple[str, str, str], ...] = ()   # (label, what is in force, tone)

    # ----- wording ---------------------------------------------------------------------------
    def when(self, t: float | None) -> str:
        if t is None:
            return "时间不详"
        return dt.datetime.fromtimestamp(t, self.tz).strftime("%Y-%m-%d %H:%M")

    def _version_text(self, version: int | None) -> str:
        return f"版本 {version}" if version is not None else "安装时的设置"

    def current_text(self) -> tuple[str, str]:
        if self.version is None:
            return ("尚未应用任何签名配置：使用安装时的设置", INFO)
        where = scope_text(self.scope)
        text = f"版本 {self.version}" + (f"（{where}）" if where else "")
        text += (f"，{self.when(self.applied_at)} 起生效" if self.applied_at is not None
                 else "，生效时间不详")
        if self.trial:
            return (text + "；试运行中：下次正常启动后保留，连续三次启动失败会自动回退", WARN)
        return (text, OK)

    def check_text(self) -> tuple[str, str]:
        c = self.last_check
        at = f"{self.when(c.at)}：" if c.at is not None else ""
        if c.outcome == "off":
            return ("未启用：本机没有安装受信任的根元数据（[fleet] trusted_root），不接收签名配置",
                    INFO)
        if c.outcome == "current":
            return (at + f"已是最新，平台上给本机的就是正在使用的版本 {c.version}", OK)
        if c.outcome == "staged":
            return (at + f"取得新的配置 版本 {c.version}，没有人办理时自动生效", OK)
        if c.outcome == "none":
            return (at + "平台上没有发给本机的配置（全部、分组或本机），继续使用"
                    + self._version_text(self.version), OK)
        if c.outcome == "refused":
            label = refusal_label(c.reason)
            detail = f"（{c.message}）" if c.message else ""
            return (at + f"拒绝了新的配置：{label}{detail}；继续使用"
                    + self._version_text(self.version), BAD)
        if c.outcome == "offline":
            error = f"（{c.message}）" if c.message else ""
            since = ""
            if c.offline_since is not None:
                gone = self.now - c.offline_since
                since = (f"，自 {self.when(c.offline_since)} 起离线"
                         + (f"，已离线 {span(gone)}" if gone >= 60 else ""))
            contact = (f"；上次连上是 {self.when(c.last_contact_at)}"
                       if c.last_contact_at is not None else "；本机还没有连上过")
            return (at + f"连不上平台的配置仓库{error}{since}{contact}", BAD)
        if c.outcome == "no-repository":
            return (at + "平台可以连接，但还没有配置仓库（管理员尚未用 kiosk-admin publish 发布）",
                    WARN)
        if c.outcome == "pending":
            return ("本次启动后的第一次检查还没有结束，请稍后点“重新检查”", INFO)
        contact = (f"；上次连上配置仓库是 {self.when(c.last_contact_at)}"
                   if c.last_contact_at is not None else "")
        offline = (f"；自 {self.when(c.offline_since)} 起连不上"
                   if c.offline_since is not None else "")
        return ("自助机程序没有运行，无法得知最近一次检查的结果" + contact + offline, INFO)

    def timestamp_text(self) -> tuple[str, str]:
        ts = self.timestamp
        if ts is None:
            return ("本机还没有取得时间戳元数据（还没有连上过配置仓库，也没有从U盘导入过）",
                    WARN if self.enabled else INFO)
        head = f"版本 {ts.version}，{self.when(ts.expires)} "
        if ts.expired:
            return (head + f"已过期（已过 {span(-ts.days_left * DAY)}）：本机不再接受新的配置，"
                    f"现有配置照常使用。{REFRESH}", BAD)
        left = f"还剩 {span(ts.days_left * DAY)}"
        if ts.warning:
            return (head + f"过期，{left}，不足 {WARN_DAYS} 天：{REFRESH}", WARN)
        return (head + f"过期，{left}", OK)

    def rows(self) -> list[dict[str, str]]:
        """The page's facts, one row each: ``k`` the label, ``v`` the text, ``tone``."""
        def row(k: str, v: str, tone: str = INFO) -> dict[str, str]:
            return {"k": k, "v": v, "tone": tone}
        out = [row("来源", self.source)]
        out.append(row("当前配置", *self.current_text()))
        if self.note:
            out.append(row("说明", self.note))
        if self.staged is not None:
            where = {"usb": "U盘", "platform": "平台"}.get(self.staged_from, "平台或U盘")
            out.append(row("等待生效", f"版本 {self.staged}（来自{where}，已验证签名），"
                                       "没有人办理时自动生效", WARN))
        out.append(row("最近检查", *self.check_text()))
        r = self.refused
        if r and not (self.last_check.outcome == "refused"
                      and self.last_check.reason == r["reason"]):
            detail = f"（{r['message']}）" if r["message"] else ""
            out.append(row("最近拒绝", f"{self.when(r['at'])}：{refusal_label(r['reason'])}"
                                       f"{detail}；本机保留了原来的配置", WARN))
        b = self.rolled_back
        if b:
            out.append(row("自动回退", f"{self.when(b['at'])}：版本 {b['failed'] or '?'} 启动失败"
                                       f"（{b['why'] or '原因不详'}），已回退到"
                                       f"{self._version_text(b['restored'])}", WARN))
        out.extend(row(*c) for c in self.catalogues)
        out.append(row("时间戳元数据", *self.timestamp_text()))
        if self.signed_by:
            keys = "、".join(k[:8] for k in self.signed_by)
            out.append(row("签发", f"管理员的 targets 密钥 {keys}（TUF 验证通过）"))
        return out

    def history_rows(self) -> list[dict[str, str]]:
        """The versions applied before, newest first."""
        out = []
        for applied, scope, note in self.history[:SHOWN]:
            what = {KEPT: ("启动正常，已保留", INFO), TRIAL: ("试运行未结束就被替换", INFO),
                    ROLLED: (f"启动失败，已自动回退（{applied.why or '原因不详'}）", WARN)}
            said, tone = what.get(applied.outcome, ("", INFO))
            at = (f"{self.when(_parse(applied.at))} 应用" if applied.at
                  else "应用时间不详（审计日志中没有记录）")
            where = scope_text(scope)
            text = "，".join(x for x in (at, where, said) if x)
            if note:
                text += f"。说明：{note}"
            out.append({"k": f"版本 {applied.version}", "v": text, "tone": tone})
        return out

    def as_dict(self) -> dict[str, Any]:
        """For the page (``Diagnostics.facts.config``)."""
        history = self.history_rows()
        more = len(self.history) - len(history)
        return {"rows": self.rows(), "history": history,
                "historyNote": ("本机还没有换过配置" if not self.history else
                                f"另有 {more} 个更早的版本，见审计日志" if more > 0 else "")}

    def as_json(self) -> dict[str, Any]:
        """For ``kiosk diag --json``: the same facts, times in UTC ISO 8601, plus the rows."""
        c, ts = self.last_check, self.timestamp
        return {
            "source": self.source, "signed_configuration": self.enabled,
            "version": self.version, "applied_at": _iso(self.applied_at), "trial": self.trial,
            "scope": self.scope or None, "note": self.note or None,
            "staged": ({"version": self.staged, "source": self.staged_from or None}
                       if self.staged is not None else None),
            "history": [{"version": a.version, "applied_at": _iso(_parse(a.at)),
                         "outcome": a.outcome, "why": a.why or None, "scope": scope or None,
                         "note": note or None} for a, scope, note in self.history],
            "last_check": {"outcome": c.outcome, "at": _iso(c.at), "version": c.version,
                           "reason": c.reason or None, "message": c.message or None,
                           "offline_since": _iso(c.offline_since),
                           "last_contact_at": _iso(c.last_contact_at),
                           "text": self.check_text()[0]},
            "refused": ({**self.refused, "at": _iso(self.refused["at"]),
                         "label": refusal_label(self.refused["reason"])}
                        if self.refused else None),
            "rolled_back": ({**self.rolled_back, "at": _iso(self.rolled_back["at"])}
                            if self.rolled_back else None),
            "timestamp": ({"version": ts.version, "expires": _iso(ts.expires),
                           "days_left": round(ts.days_left, 2), "warning": ts.warning,
                           "expired": ts.expired, "text": self.timestamp_text()[0]}
                          if ts else None),
            "signed_by": list(self.signed_by),
            "catalogues": [{"label": label, "text": text, "tone": tone}
                           for label, text, tone in self.catalogues],
            "rows": self.rows() + self.history_rows(),
        }


def _last_check(enabled: bool, agent: ConfigAgent | None,
                channel: ChannelState | None) -> LastCheck:
    ch = channel or ChannelState()
    times = {"at": ch.last_read_at, "offline_since": ch.offline_since,
             "last_contact_at": ch.last_contact_at}
    if not enabled:
        return LastCheck("off")
    if agent is None:
        return LastCheck("not-running", **times)
    last: CheckResult | None = agent.last
    if last is None:
        return LastCheck("pending", **times)
    if last.outcome == "refused" and last.reason == Refusal.UNREACHABLE.value:
        outcome = "offline" if (channel is None or ch.offline) else "no-repository"
        return LastCheck(outcome, version=last.version, message=clean(ch.error or last.message),
                         **times)
    return LastCheck(last.outcome if last.outcome in ("current", "staged", "none", "refused")
                     else "none", version=last.version, reason=clean(last.reason, 32),
                     message=clean(last.message), **times)


def _kept(state: dict[str, Any], key: str, fields: tuple[str, ...]) -> dict[str, Any] | None:
    value = state.get(key)
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {"at": _parse(value.get("at"))}
    for name in fields:
        raw = value.get(name)
        out[name] = version_of(raw) if name in ("failed", "restored") else clean(raw)
    return out


def config_facts(settings: Settings, config_path: Path | str | None = None, *,
                 now: float, agent: ConfigAgent | None = None,
                 channel: ChannelState | None = None, tz: dt.tzinfo | None = None) -> ConfigFacts:
    """What configuration is in force, what came before, and how the channel stands.

    Args:
        settings: the kiosk's settings (its install-time paths and trusted root).
        config_path: the settings file it was started with (None: ``$KIOSK_CONFIG``).
        now: seconds since the epoch.
        agent: the running kiosk's configuration agent, for its last check's result (None:
            ``kiosk diag`` with no kiosk running).
        channel: the record of the channel's reads (``ChannelLog.state()``).
        tz: the time zone of the page's times (None: the kiosk's own).
    """
    chosen = config_path or os.environ.get("KIOSK_CONFIG")
    source = f"本地设置文件 {chosen}" if chosen else "内置默认设置（开发和演示用）"
    enabled = bool(settings.fleet.trusted_root)
    facts: dict[str, Any] = {}
    if settings.config_dir.is_dir():          # never create it here: kiosk diag may run as root
        applied = AppliedConfig(settings.config_dir)
        state = applied.state()

        def label(version: int) -> tuple[str, str]:
            try:
                return bundle_label(applied.bundle_bytes(version))
            except SettingsError:
                return "", ""

        current = version_of(state.get("current"))
        history = applications(settings.audit_path)
        mine = next((i for i in range(len(history) - 1, -1, -1)
                     if history[i].version == current and history[i].outcome != ROLLED), None)
        earlier = [a for i, a in enumerate(history) if i != mine][::-1]
        previous = version_of(state.get("previous"))
        if previous is not None and all(a.version != previous for a in earlier):
            earlier.append(Applied(previous, None, KEPT))       # an audit log begun later
        scope, note = label(current) if current is not None else ("", "")
        # Since when: the audit log's application of it (after a rollback, state.json's
        # applied_at is the failed bundle's), else state.json's.
        since = _parse(history[mine].at) if mine is not None else None
        facts = dict(version=current, applied_at=since or _parse(state.get("applied_at")),
                     catalogues=_catalogues(applied, settings, current),
                     trial=state.get("trial") is True and current is not None,
                     scope=scope, note=note, staged=version_of(state.get("staged")),
                     staged_from=clean(state.get("staged_from"), 16),
                     history=tuple((a, *label(a.version)) for a in earlier),
                     refused=_kept(state, "refused", ("reason", "message")),
                     rolled_back=_kept(state, "rolled_back", ("failed", "restored", "why")))
    facts.setdefault("catalogues", _catalogues(None, settings, None))
    roles = trusted_roles(settings)
    stamp = roles.get("timestamp")
    expiry = (Expiry(stamp.version, stamp.expires.timestamp(),
                     (stamp.expires.timestamp() - now) / DAY) if stamp else None)
    signers = roles["targets"].keyids if "targets" in roles else ()
    return ConfigFacts(source=source, enabled=enabled, now=now, tz=tz,
                       last_check=_last_check(enabled, agent, channel),
                       timestamp=expiry, signed_by=signers, **facts)


def _catalogues(applied: AppliedConfig | None, installed: Settings, version: int | None
                ) -> tuple[tuple[str, str, str], ...]:
    """Where each replaceable catalogue comes from: the shipped one, or the file the bundle in
    force brought, read and checked now as a start would (``catalogues.use``)."""
    brought: dict[str, str] = {}
    if applied is not None and version is not None:
        try:
            brought = catalogue_targets(installed, read_bundle(applied.bundle_bytes(version)))
        except (BundleError, SettingsError):
            pass        # the current-configuration row says what is wrong with the bundle
    out = []
    for kind in (catalogues.SCOPE, catalogues.REGIONS):
        label = catalogues.label_zh(kind)
        if kind not in brought:
            out.append((label, "随软件发布的目录", INFO))
            continue
        assert applied is not None and version is not None
        try:
            catalogues.check_file(kind, applied.catalogue_dir(version) / f"{kind}.json")
        except catalogues.CatalogueError as exc:
            out.append((label, f"配置包 版本 {version} 下发的文件无法使用（{clean(str(exc))}），"
                               "现用随软件发布的目录", BAD))
            continue
        out.append((label, f"配置包 版本 {version} 下发的目录（{brought[kind]}）", OK))
    return tuple(out)


def check(facts: ConfigFacts) -> Check:
    """The readiness report's line: a fault only when the kiosk can take no new configuration
    (its timestamp metadata expired) or runs on a shipped catalogue in place of its bundle's
    damaged one; refusals and a near expiry are said, not failed."""
    if fell := catalogues.fallbacks():      # a bundle's catalogue damaged on disk at start
        names = "、".join(f.label_zh for f in fell)
        return Check("config", False, f"配置包的{names}文件已损坏，现用随软件发布的{names}",
                     "在维护模式中重新导入管理员导出的配置，或请管理员发布新的配置版本")
    current = (f"签名配置 版本 {facts.version}" if facts.version is not None
               else f"{facts.source}；尚未应用签名配置")
    if facts.version is not None and facts.applied_at is not None:
        current += f"，{facts.when(facts.applied_at)} 起生效"
    if not facts.enabled:
        return Check("config", True, f"{facts.source}；未启用签名配置")
    ts = facts.timestamp
    parts = [current]
    if ts is not None and ts.expired:
        parts.append(f"时间戳元数据已于 {facts.when(ts.expires)} 过期，本机不再接受新的配置")
    elif ts is not None:
        parts.append(f"时间戳元数据还剩 {span(ts.days_left * DAY)}")
    if facts.last_check.outcome in ("refused", "offline"):
        parts.append(facts.check_text()[0])
    expired = ts is not None and ts.expired
    fix = REFRESH if ts is not None and ts.warning else ""
    return Check("config", not expired, "；".join(parts), fix)
