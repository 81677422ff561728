"""The clock check: how far this kiosk's clock is from the platform's.

Every request the kiosk sends is signed with its time, and the platform refuses one more than
``contract.signing.MAX_SKEW_SECONDS`` (300 s) away from its own clock, so a kiosk with a wrong
clock can deliver nothing. The offset is the platform's own time (its ``/healthz`` answer) against
this kiosk's clock at the middle of the round trip (``platform.probe``); it is good to half the
round trip (a second more from a ``Date`` header), which is plenty against 300 s. Over the allowed skew is a fault with its fix; a
third of it already is a warning. No I/O here.
"""
from __future__ import annotations

from contract.signing import MAX_SKEW_SECONDS
from kiosk.diagnostics.platform import Probe
from kiosk.diagnostics.report import Check

WARN_SECONDS = MAX_SKEW_SECONDS / 3
SYNC = "开启网络对时：timedatectl set-ntp true（或在 BIOS 中校准时间），然后重新检查"


def offset(p: Probe) -> float | None:
    """Platform time minus kiosk time, in seconds; None when it cannot be measured."""
    if p.server_time is None or p.local_time is None:
        return None
    return p.server_time - p.local_time


def check(p: Probe) -> Check:
    d = offset(p)
    if d is None:
        why = p.error or "平台的应答没有时间"
        return Check("clock", False, f"无法与平台对时：{why}", "先让平台可达，再检查时钟")
    behind = "慢" if d > 0 else "快"
    said = f"本机时钟比平台{behind} {abs(d):.0f} 秒" if abs(d) >= 2 else "本机时钟与平台一致（相差不到 2 秒）"
    if abs(d) > MAX_SKEW_SECONDS:
        return Check("clock", False,
                     f"{said}，超过允许的 {MAX_SKEW_SECONDS} 秒：平台会拒绝本机的所有请求", SYNC)
    if abs(d) > WARN_SECONDS:
        return Check("clock", True, f"{said}（允许 {MAX_SKEW_SECONDS} 秒以内），请尽快校准", SYNC)
    return Check("clock", True, f"{said}，在允许的 {MAX_SKEW_SECONDS} 秒以内")
