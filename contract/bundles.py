"""Where configuration bundles live in the fleet's TUF repository, and which one a kiosk takes.

Shared by the kiosk (``kiosk.config``), ``kiosk-admin`` and the platform's console, so the
three agree on one rule: a bundle's scope is ``all``, ``group:<group>`` or ``kiosk:<kiosk
id>``; each scope has one target path; a kiosk takes the most specific bundle there is for
it: its own, then its groups in the order it lists them, then all. ``Refusal`` is the closed
set of reasons a kiosk refuses a bundle (reported in its heartbeat). No I/O.
"""
from __future__ import annotations

import enum
import re

from contract.text import shown
from contract.wire import ID_PATTERN

#: A fleet group: hall, township, bank, or a county such as county-330106.
GROUP_PATTERN = r"^[a-z][a-z0-9-]{1,47}$"
ALL = "all"
SCOPE_PATTERN = rf"^(all|group:{GROUP_PATTERN[1:-1]}|kiosk:{ID_PATTERN[1:-1]})$"


class Refusal(str, enum.Enum):
    """Why a kiosk refused a bundle and kept its configuration."""

    UNSIGNED = "unsigned"            # metadata carries no signature
    UNKNOWN_KEY = "unknown-key"      # signed, but by no key its root trusts for the role
    TOO_FEW_KEYS = "too-few-keys"    # fewer trusted signatures than the threshold
    TAMPERED = "tampered"            # a signature or hash does not match the bytes
    ROLLBACK = "rollback"            # metadata older than what the kiosk already saw
    OLDER = "older"                  # a bundle version below the one applied
    EXPIRED = "expired"              # metadata past its expiry (a frozen repository)
    INVALID = "invalid"              # not a bundle, or breaks the settings schema
    NOT_JSON = "not-json"            # the bundle's bytes are not JSON at all
    UNREACHABLE = "unreachable"      # no repository could be read (offline): nothing changes

    @property
    def label_zh(self) -> str:
        return _LABELS[self]


_LABELS = {
    Refusal.UNSIGNED: "未签名", Refusal.UNKNOWN_KEY: "签名密钥不受信任",
    Refusal.TOO_FEW_KEYS: "签名数量不足", Refusal.TAMPERED: "内容被篡改",
    Refusal.ROLLBACK: "元数据版本回退", Refusal.OLDER: "版本低于当前配置",
    Refusal.EXPIRED: "签名已过期", Refusal.INVALID: "不符合配置规范",
    Refusal.NOT_JSON: "不是有效的配置文件", Refusal.UNREACHABLE: "无法连接配置仓库",
}


def refusal_label(reason: str) -> str:
    """A refusal's reason as people read it: its Chinese label, or its code when unknown."""
    try:
        return Refusal(reason).label_zh
    except ValueError:
        return f"原因代码 {shown(reason, 32)}" if reason else "原因不详"


def is_scope(scope: str) -> bool:
    return bool(re.match(SCOPE_PATTERN, scope))


def bundle_path(scope: str) -> str:
    """The TUF target path of a scope's bundle.

    Raises:
        ValueError: not a scope (``all``, ``group:<g>``, ``kiosk:<id>``).
    """
    if not is_scope(scope):
        raise ValueError(f"not a scope: {scope!r} (all, group:<group>, kiosk:<kiosk id>)")
    if scope == ALL:
        return "bundles/all.json"
    kind, name = scope.split(":", 1)
    return f"bundles/{kind}/{name}.json"


def candidate_scopes(kiosk_id: str, groups: list[str]) -> list[str]:
    """The scopes whose bundle would apply to this kiosk, the most specific first."""
    return [f"kiosk:{kiosk_id}", *(f"group:{g}" for g in groups), ALL]


def candidate_paths(kiosk_id: str, groups: list[str]) -> list[str]:
    return [bundle_path(s) for s in candidate_scopes(kiosk_id, groups)]
