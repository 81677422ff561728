"""What a receipt says, as a frozen value the kiosk hands to the printer.

Defined here, not in ``kiosk``, because ``devices`` must not import ``kiosk``. No I/O, no encoding.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Receipt:
    """One receipt (回执).

    Attributes:
        job_id: stable id of this print job; the queue prints each id at most once, so the
            caller must reuse the same id when it offers the same receipt again.
        title: heading, e.g. "业务受理回执".
        application_number: the application number the citizen tracks; empty for a paper that
            belongs to no application (the printed 办事指南).
        rows: (label, value) pairs printed as ``label：value``.
        qr_payload: text of the tracking QR code (usually a URL); empty means no QR code.
        notes: short paragraphs printed in small type below the QR code.
        printed_at: the time shown on the receipt.
        number_label: what ``application_number`` is called on paper (a technician's test page
            or readiness report prints its own number under its own name).
    """

    job_id: str
    title: str
    application_number: str
    rows: tuple[tuple[str, str], ...]
    qr_payload: str
    notes: tuple[str, ...]
    printed_at: datetime
    number_label: str = "申请编号"

    def __post_init__(self) -> None:
        if not self.job_id:
            raise ValueError("job_id must not be empty")
        if not isinstance(self.rows, tuple) or not all(
            isinstance(r, tuple) and len(r) == 2 for r in self.rows
        ):
            raise ValueError("rows must be a tuple of (label, value) pairs")
        if not isinstance(self.notes, tuple):
            raise ValueError("notes must be a tuple of strings")
