"""Benchmark: a signed, sealed POST /v1/submissions round trip against the reference platform,
compared with a bare unauthenticated GET /healthz on the same server in the same run.

    python bench/central_submit.py [--rounds 200]

Prints both medians and their ratio (the cost of auth, nonce bookkeeping, decryption, the
domain review and the SQLite transaction, over plain HTTP handling). Sealing happens before
the clock starts; signing is inside it, as a kiosk signs per attempt.
"""
from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.result import Result, emit  # noqa: E402
from central.testing import SignedClient, running_platform  # noqa: E402
from contract.envelope import seal  # noqa: E402
from kiosk.domain.samples import sample_record  # noqa: E402


_CHARS = "安邦成德丰和华嘉锦康乐联茂明宁平瑞盛顺泰通万新信兴阳益永裕源悦致"


def _body(platform, kiosk_id: str, index: int) -> dict:
    record = sample_record("individual_business")
    record["answers"] = json.loads(json.dumps(record["answers"]))
    first, second = divmod(index, len(_CHARS))
    # distinct 字号 per round, so each can be approved rather than collide with the last
    record["answers"]["name"]["trade_name"] = _CHARS[first % len(_CHARS)] + _CHARS[second]
    sid = uuid.uuid4().hex
    sealed = seal(platform.platform_public_key, sid, json.dumps(record).encode())
    return {"submission_id": sid, "kiosk_id": kiosk_id, "created_at": record["created_at"],
            "subject_type": record["subject_type"], "envelope": sealed.header,
            "record": base64.b64encode(sealed.record).decode(), "attachments": []}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory() as tmp, running_platform(Path(tmp)) as platform:
        platform.register_kiosk("bench-kiosk-01", key.public_key())
        session = requests.Session()
        client = SignedClient(platform.base_url, "bench-kiosk-01", key, session)
        bodies = [_body(platform, "bench-kiosk-01", i) for i in range(args.rounds + 10)]
        submit, bare, statuses = [], [], set()
        for i, body in enumerate(bodies):
            t0 = time.perf_counter()
            r = client.request("POST", "/v1/submissions", body,
                               {"Idempotency-Key": body["submission_id"]})
            t1 = time.perf_counter()
            session.get(platform.base_url + "/healthz").raise_for_status()
            t2 = time.perf_counter()
            if r.status_code != 201:
                print(f"unexpected {r.status_code}: {r.text}", file=sys.stderr)
                return 1
            statuses.add(r.json()["status"])
            if i >= 10:  # warm-up rounds excluded
                submit.append(t1 - t0)
                bare.append(t2 - t1)
        stored = len(platform.stored_submission_ids())
    m_submit, m_bare = statistics.median(submit), statistics.median(bare)
    print(f"rounds={args.rounds} stored={stored} statuses={sorted(statuses)}")
    print(f"signed POST /v1/submissions median {m_submit * 1e3:.2f} ms")
    print(f"bare GET /healthz (peer)        median {m_bare * 1e3:.2f} ms")
    print(f"ratio submit/bare = {m_submit / m_bare:.1f}x")
    # Signature checks, nonce bookkeeping, decryption, the domain review and a durable
    # transaction over bare HTTP handling: a few times the bare round trip, not tens.
    emit(Result("platform_submit", m_submit * 1e3, "ms", target=10.0, baseline=m_bare * 1e3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
