"""Network and platform: can the kiosk reach the platform, how fast, and what time it says.

``probe(url)`` asks the platform's unauthenticated ``GET /healthz`` once, with a short timeout,
and measures the round trip. The answer's ``time`` (the platform's clock, UTC with
milliseconds; ``central/routes.py``) is what the clock check compares the kiosk's own clock
with; a platform that does not send it is read from its ``Date`` header instead (RFC 9110
§6.6.1, whole seconds). ``check`` is the
report's ``platform`` line. Plain ``requests``, no signing: a kiosk whose clock is wrong can
still learn that it is.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from kiosk.diagnostics.report import Check

TIMEOUT = (2.0, 3.0)        # (connect, read) seconds: a technician is waiting


@dataclass(frozen=True)
class Probe:
    """One ``/healthz`` round trip.

    Attributes:
        url: the platform's base URL ("" when none is configured or running).
        reachable: the platform answered 200 with ``{"ok": true}``.
        latency_ms: the round trip, when it answered at all.
        server_time: the platform's clock from its Date header (seconds since the epoch).
        local_time: this kiosk's clock at the middle of the round trip.
        error: why it is not reachable, for a technician.
    """

    url: str
    reachable: bool
    latency_ms: float | None = None
    server_time: float | None = None
    local_time: float | None = None
    error: str = ""


def probe(url: str | None, *, session: requests.Session | None = None,
          wall_clock: Callable[[], float] = time.time,
          clock: Callable[[], float] = time.monotonic) -> Probe:
    """Ask ``<url>/healthz`` once. Never raises: every failure is a ``Probe`` that says why."""
    if not url:
        return Probe("", False, error="内置平台只随 kiosk run 运行，现在没有运行")
    get = (session or requests).get
    started_wall, started = wall_clock(), clock()
    try:
        resp = get(url.rstrip("/") + "/healthz", timeout=TIMEOUT, allow_redirects=False)
    except requests.Timeout:
        return Probe(url, False, error="连接平台超时")
    except requests.RequestException as exc:
        return Probe(url, False, error=f"无法连接平台（{type(exc).__name__}）")
    rtt = clock() - started
    local = started_wall + rtt / 2
    try:
        body = resp.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    healthy = resp.status_code == 200 and body.get("ok") is True
    server = _iso(body.get("time")) or _date(resp.headers.get("Date"))
    error = "" if healthy else f"平台应答异常（HTTP {resp.status_code}）"
    return Probe(url, healthy, round(rtt * 1000, 1), server, local, error)


def _iso(value: object) -> float | None:
    """The ``time`` of a ``/healthz`` answer, or None when absent or not a UTC time."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    stamp = when.timestamp()
    return stamp if math.isfinite(stamp) else None


def _date(value: str | None) -> float | None:
    """An HTTP date as seconds since the epoch, or None when absent or malformed. The header
    has whole seconds, so half a second is added: the true time lies in [date, date + 1)."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp() + 0.5


def check(p: Probe) -> Check:
    if p.reachable:
        slow = p.latency_ms is not None and p.latency_ms > 1000
        return Check("platform", True, f"平台可达，往返 {p.latency_ms:.0f} 毫秒"
                     + ("（较慢）" if slow else ""), "网络较慢：检查线路或路由器" if slow else "")
    fix = ("检查网线或无线网络、路由器，以及配置 [platform] url；网络恢复前申请会加密保存在本机"
           if p.url else "启动自助机程序（kiosk run），或在配置中设置平台地址 [platform] url")
    return Check("platform", False, p.error or "平台不可达", fix)
