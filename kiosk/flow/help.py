"""帮办: the state of a help call from this kiosk, and of the staff panel it leads to.

``Help`` is where the person's call stands: none, being sent, open (staff are coming), answered
(with the staff member's display name), or not reached (the platform is down: ask at the hall's
desk). ``StaffPanel`` is where a member of staff at the kiosk stands: the PIN being checked,
refused (with the lockout), or accepted, which opens the staff actions (verify the person
instead of the face check, or finish for them). Both belong to the visit and are reset with it.
The session changes them; the service desk sends the calls and checks the PIN. No I/O.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class HelpStatus(enum.Enum):
    NONE = "none"
    CALLING = "calling"        # being sent to the platform
    OPEN = "open"              # the hall's staff see it; someone will come
    ANSWERED = "answered"      # a member of staff is on the way (``staff`` says who)
    UNREACHED = "unreached"    # the platform could not be reached: ask at the desk

    @property
    def waiting(self) -> bool:
        """Someone is coming, or the call is on its way."""
        return self in (HelpStatus.CALLING, HelpStatus.OPEN, HelpStatus.ANSWERED)


@dataclass(frozen=True)
class Help:
    status: HelpStatus = HelpStatus.NONE
    call_id: str = ""
    staff: str = ""            # the staff member's display name (never the citizen's)

    @property
    def text(self) -> str:
        """What the screen says of the call."""
        return {
            HelpStatus.NONE: "",
            HelpStatus.CALLING: "正在呼叫工作人员……",
            HelpStatus.OPEN: "已通知大厅工作人员，工作人员正在赶来，请在本机前稍候",
            HelpStatus.ANSWERED: f"工作人员{self.staff}正在赶来，请在本机前稍候",
            HelpStatus.UNREACHED: "网络暂时中断，未能通知到工作人员。"
                                  "请到大厅服务台（咨询台）找工作人员帮忙",
        }[self.status]


@dataclass(frozen=True)
class StaffCheck:
    """The answer to one staff PIN: accepted, or why not (wrong, locked for a while)."""

    ok: bool
    message: str = ""
    locked_s: float = 0.0


@dataclass(frozen=True)
class StaffPanel:
    checking: bool = False     # the PIN is being checked (a slow hash, off the GUI thread)
    unlocked: bool = False     # the staff actions are open
    message: str = ""          # why the PIN was refused, or that none is set
