"""Fixtures: a real platform on loopback and a registered kiosk with a signing client."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from platform_helpers import KIOSK_ID

from central.testing import PlatformHandle, SignedClient, running_platform


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[PlatformHandle]:
    with running_platform(tmp_path / "central") as handle:
        yield handle


@pytest.fixture
def kiosk_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def client(platform: PlatformHandle, kiosk_key: Ed25519PrivateKey) -> SignedClient:
    platform.register_kiosk(KIOSK_ID, kiosk_key.public_key())
    return SignedClient(platform.base_url, KIOSK_ID, kiosk_key)


# Module-scoped twins, for parametrized refusal tests that compare table counts before and
# after: one server per module instead of one per case keeps the suite fast.

@pytest.fixture(scope="module")
def shared_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def shared_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformHandle]:
    with running_platform(tmp_path_factory.mktemp("central-shared")) as handle:
        yield handle


@pytest.fixture(scope="module")
def shared_client(shared_platform: PlatformHandle, shared_key: Ed25519PrivateKey) -> SignedClient:
    shared_platform.register_kiosk(KIOSK_ID, shared_key.public_key())
    return SignedClient(shared_platform.base_url, KIOSK_ID, shared_key)
