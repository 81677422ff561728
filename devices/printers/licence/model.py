"""The business licence (营业执照) as a frozen value, the page layout settings and the printer's
states. No Qt, no I/O.

The value checks only what the printer itself relies on: the credit code's shape, because the
PDF's file name is made from it. Whether the licence is genuine and its fields valid is for the
kiosk to decide before it asks for a print (a verified platform decision, checked fields).
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

#: 18 characters of the GB 32100 alphabet (digits and upper-case letters except I, O, S, V, Z).
#: The check character is the kiosk's domain rule; here the shape keeps file names safe.
USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")


class LicencePrinterStatus(enum.Enum):
    """What the printer says of itself (``LicencePrinter.status``); here, without Qt, so that
    checks can word each state without loading the painter."""
    READY = "ready"
    BUSY = "busy"
    STOPPED = "stopped"  # CUPS queue disabled/paused (paper jam, out of paper, operator)
    NOT_FOUND = "not_found"
    NO_CUPS = "no_cups"  # lpstat/lp not installed
    NOT_WRITABLE = "not_writable"


@dataclass(frozen=True)
class Licence:
    """Everything printed on one licence copy.

    ``subject_type_label`` e.g. 个体工商户 / 有限责任公司(自然人独资); ``person_label`` 经营者 / 投资人 /
    法定代表人 / 负责人; ``premises_label`` 经营场所 / 住所 / 营业场所; ``capital`` None when the
    subject type has none (个体工商户, 分公司); ``copy`` is 正本 or 副本; ``print_number`` is
    which print of this licence this is (counted by the platform): 1 is the original, every
    later one is marked 补打 on the page.
    """

    name: str
    uscc: str
    licence_number: str
    subject_type_label: str
    person_label: str
    person_name: str
    premises_label: str
    premises: str
    scope: str
    established: str
    authority: str
    issued_on: str
    qr_payload: str
    copy: str = "正本"
    capital: str | None = None
    print_number: int = 1

    @property
    def reprint(self) -> bool:
        return self.print_number > 1

    def __post_init__(self) -> None:
        if self.copy not in ("正本", "副本"):
            raise ValueError("copy must be 正本 or 副本")
        if not isinstance(self.print_number, int) or not 1 <= self.print_number <= 10_000:
            raise ValueError("print_number counts prints from 1")
        if not isinstance(self.uscc, str) or not USCC_SHAPE.fullmatch(self.uscc):
            raise ValueError("uscc (统一社会信用代码) must be 18 characters of the GB 32100 alphabet")


@dataclass(frozen=True)
class LicenceLayout:
    """Paper and placement.

    Attributes:
        page_width_mm / page_height_mm: the licence paper; the 正本 is commonly A3 landscape-ish
            and the 副本 A4 portrait; measure the stock in use.
        offset_x_mm / offset_y_mm: shift of everything, to match pre-printed paper on one printer.
        preprinted: print only the variable text (values, QR, date); the stock carries the title,
            labels and frame.
        margin_mm: blank border kept on every side of the page (never printed on).
    """

    page_width_mm: float = 297.0
    page_height_mm: float = 210.0
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    preprinted: bool = False
    margin_mm: float = 15.0

    def __post_init__(self) -> None:
        if not (100 <= self.page_width_mm <= 600 and 100 <= self.page_height_mm <= 600):
            raise ValueError("page size must be 100..600 mm each way")
        if abs(self.offset_x_mm) > 30 or abs(self.offset_y_mm) > 30:
            raise ValueError("offsets beyond ±30 mm mean the wrong paper is loaded")
