"""Schemathesis against the platform's committed OpenAPI file, signed as a kiosk signs.

For every operation of ``central/openapi.json`` schemathesis generates requests (valid and
invalid by the schema); each is signed with a registered kiosk's key over the exact bytes and
path that go on the wire, so it passes the gate and reaches the handlers. The platform must
never answer 5xx, every answer must match the schema, and a refused request must store nothing.
A short run always; ``--runslow`` runs many more examples per operation.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings

from central.testing import running_platform
from contract.signing import sign_headers

ROOT = Path(__file__).resolve().parents[2]
KIOSK = "kiosk-schemathesis"
LONG = os.environ.get("KIOSK_LONG_TESTS") == "1"
schema = schemathesis.openapi.from_path(ROOT / "central" / "openapi.json")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle


@pytest.fixture(scope="module")
def signer(platform):
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(KIOSK, key.public_key())
    return key


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@schema.parametrize()
@settings(max_examples=80 if LONG else 8, deadline=None, derandomize=not LONG,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_openapi_promises(case, platform, signer, http) -> None:
    kwargs = case.as_transport_kwargs(base_url=platform.base_url)
    prepared = http.prepare_request(requests.Request(
        method=kwargs["method"], url=kwargs["url"], headers=kwargs.get("headers"),
        params=kwargs.get("params"), json=kwargs.get("json"), data=kwargs.get("data"),
        cookies=kwargs.get("cookies")))
    body = prepared.body or b""
    signed = sign_headers(signer, KIOSK, prepared.method, prepared.path_url,
                          body.encode() if isinstance(body, str) else body)
    # The case's own X-Kiosk-* values are replaced by a real signature; one the case leaves out
    # (a negative case: "missing header") stays out, and the gate must refuse it.
    generated = {h.lower() for h in (kwargs.get("headers") or {})}
    for header in signed:
        prepared.headers.pop(header, None)
    prepared.headers.update({h: v for h, v in signed.items() if h.lower() in generated})
    before = platform.table_counts()
    response = http.send(prepared, timeout=30)
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    # Schema-valid requests may still be refused: the platform's cross-field and cryptographic
    # rules (Idempotency-Key equal to the body's id, an envelope that opens, the signer's own
    # kiosk id) cannot be written in JSON Schema and answer 400/403/422 by design. Every other
    # check stands, refusing schema-invalid data above all.
    case.validate_response(response, excluded_checks=[schemathesis.checks.positive_data_acceptance])
    if response.status_code >= 400:
        after = platform.table_counts()
        changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
        assert changed in ({}, {"heartbeats": 0}), (case.method, case.path, changed)
