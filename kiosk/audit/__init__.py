"""The audit log: security-relevant events (diagnostics, configuration, queue releases, reprints,
licence prints, device faults), hash-chained, never holding personal data.

This is the interface every part records through: ``Audit.record(event_id, **fields)`` with a
kebab-case id from the catalogue and short non-personal fields (ids, counts, codes). Parts take
an ``Audit`` in their constructor; ``NullAudit`` records nothing (tools and tests that need no
log). The real, hash-chained log and its catalogue live beside this file.
"""
from __future__ import annotations

from typing import Protocol

Field = str | int | float | bool | None


class Audit(Protocol):
    def record(self, event: str, **fields: Field) -> None:
        """Append one event. Raises nothing a caller must handle for a well-formed event."""


class NullAudit:
    """Records nothing."""

    def record(self, event: str, **fields: Field) -> None:
        return None
