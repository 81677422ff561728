"""Fixtures for the offline queue: a platform key pair, an outbox, and a personal record."""
from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from contract.wire import Decision, DecisionStatus, Licence
from offline_queue.outbox import Outbox

# A made-up applicant; the ID number has a valid check digit so it looks like the real thing.
NAME = "王小明"
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


SUBJECT = "individual_business"


def personal_record(i: int = 0) -> dict:
    return {"subject_type": SUBJECT, "applicant": {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
            "business": {"name": f"北京市朝阳区小明便利店{i}", "scope": ["日用百货零售"]},
            "seq": i}


#: A licence as the platform issues it (valid GB 32100 code), for approved decisions.
LICENCE = Licence(
    uscc="92330106MA0000013A", licence_number="33010620260000001", name="北京市朝阳区小明便利店",
    subject_type_label="个体工商户", legal_person=NAME, person_label="经营者",
    premises="北京市朝阳区建国路88号", premises_label="经营场所",
    scope="一般项目：日用百货销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    capital=None, established="2026-11-21", authority="北京市朝阳区市场监督管理局",
    issued_on="2026-11-21")


def decision(sid: str, status: DecisionStatus = DecisionStatus.APPROVED,
             reasons: tuple[str, ...] = (), kiosk_id: str = "kiosk-001") -> Decision:
    """The platform's decision as a port returns it once verified; approved ones carry LICENCE."""
    return Decision(submission_id=sid, kiosk_id=kiosk_id, status=status, reasons=list(reasons),
                    licence=LICENCE if status is DecisionStatus.APPROVED else None,
                    updated_at="2026-11-21T10:00:00+00:00")


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: float = 1_760_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def platform_private() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_outbox(tmp_path: Path, platform_private, clock):
    made: list[Outbox] = []

    def make(name: str = "outbox.db", **kw) -> Outbox:
        kw.setdefault("clock", clock)
        kw.setdefault("disk_free", lambda: 10 * 1024 ** 3)
        box = Outbox(tmp_path / name, platform_private.public_key(), **kw)
        made.append(box)
        return box

    yield make
    for box in made:
        try:
            box.close()
        except Exception:  # noqa: BLE001 - already closed by the test
            pass


#: An outbox file as schema version 4 wrote it (see data/make_outbox_v4.py), its local key beside.
V4_FILE = Path(__file__).parent / "data" / "outbox-v4.db"


@pytest.fixture
def v4_file(tmp_path: Path) -> Path:
    """A copy of `V4_FILE` (and its key) at ``tmp_path / "outbox.db"``, where `make_outbox`
    opens by default."""
    for suffix in ("", ".key"):
        shutil.copyfile(V4_FILE.with_name(V4_FILE.name + suffix), tmp_path / f"outbox.db{suffix}")
    (tmp_path / "outbox.db.key").chmod(0o600)   # as the outbox keeps it (git keeps 0644)
    return tmp_path / "outbox.db"


@pytest.fixture
def ids():
    counter = itertools.count(1)
    return lambda: f"SUB-{next(counter):06d}"
