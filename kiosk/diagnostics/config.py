"""The configuration page and the report's ``config`` line: which configuration is in force.

``config_facts`` answers the page's four questions: the version, who signed it, when it was
applied, and the one before it. Today a kiosk runs on its local settings file (or the embedded
defaults) and nothing is signed, so the version and the signer are unknown and say so. Signed,
TUF-verified configuration belongs to the administrators' part (issue 10): when it exists, this
one function reads its applied-bundle record instead, and the page and the report follow.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.diagnostics.report import Check

UNKNOWN = "未知（未签名）"


@dataclass(frozen=True)
class ConfigFacts:
    source: str                    # where the settings in force came from
    version: str | None = None     # the signed bundle's version; None: unsigned
    signed_by: str | None = None   # the key (or role) that signed it
    applied_at: str | None = None  # when this kiosk applied it
    previous: str | None = None    # the version it replaced

    @property
    def signed(self) -> bool:
        return self.version is not None

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "version": self.version or UNKNOWN,
                "signedBy": self.signed_by or "无", "appliedAt": self.applied_at or "启动时读取",
                "previous": self.previous or "无"}


def config_facts(config_path: Path | str | None = None) -> ConfigFacts:
    """What configuration is in force (see the module docstring for what is not known yet)."""
    chosen = config_path or os.environ.get("KIOSK_CONFIG")
    source = f"本地设置文件 {chosen}" if chosen else "内置默认设置（开发和演示用）"
    return ConfigFacts(source=source)


def check(facts: ConfigFacts) -> Check:
    if facts.signed:
        return Check("config", True, f"已签名配置 版本 {facts.version}，由 {facts.signed_by} 签发")
    return Check("config", True, f"{facts.source}；版本{UNKNOWN}")
