"""Fixtures for the kiosk core's tests: a cheap Argon2id hash of a known PIN, and an audit log
that keeps what was recorded in memory, checked against the real catalogue."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher

from kiosk.audit.catalogue import CATALOGUE

PIN = "246810"
# Verification reads the cost from the hash itself: a cheap hash keeps the tests fast.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Recorded:
    entries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(self, event: str, **fields: Any) -> None:
        spec = CATALOGUE[event]                          # a KeyError fails the test
        assert set(fields) <= set(spec.fields), (event, fields)
        self.entries.append((event, fields))

    def events(self) -> list[str]:
        return [e for e, _ in self.entries]


@pytest.fixture
def pin_hash() -> str:
    return CHEAP.hash(PIN)


@pytest.fixture
def audit() -> Recorded:
    return Recorded()
