"""Session timing (ux.md "Time"): warn after idle, let the person extend, end and wipe.

Pure arithmetic over a clock reading passed in; the session owns the state.
"""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Timeouts:
    idle_warning_s: float = 120.0     # idle on a question page before the warning (90-120 s)
    warning_s: float = 30.0           # time to press 继续办理 (WCAG 2.2.1: at least 20 s; we use 30)
    max_extensions: int = 10          # WCAG 2.2.1: extendable at least 10 times
    done_page_s: float = 60.0         # the confirmation page returns to the start by itself
    card_wait_s: float = 90.0         # waiting for a card on the ID-card page
    paper_wait_s: float = 120.0       # longest the done page waits for the outcome or paper

    def elderly(self) -> Timeouts:
        """Elderly mode doubles every timeout (ux.md, our synthesis)."""
        return replace(self, idle_warning_s=self.idle_warning_s * 2, warning_s=self.warning_s * 2,
                       done_page_s=self.done_page_s * 2, card_wait_s=self.card_wait_s * 2)
