"""Fault injection: errors, drops, slow answers and lost answers, seeded and repeatable."""
from __future__ import annotations

import socket
import time

import pytest
import requests
from platform_helpers import build_submission, post

from central.faults import FaultSettings


def test_fault_settings_validate_their_input():
    assert FaultSettings.from_dict(None) == FaultSettings()
    assert FaultSettings.from_dict({"error_rate": 1, "seed": 7}).error_rate == 1
    for bad in ({"error_rate": 1.5}, {"drop_rate": -0.1}, {"slow_seconds": 100},
                {"lost_answer_rate": "0.5"}, {"seed": "x"}, {"seed": True}, {"bogus": 1},
                {"error_rate": None}):
        with pytest.raises(ValueError):
            FaultSettings.from_dict(bad)


def test_errors_answer_500_or_503_and_store_nothing(platform, client):
    platform.set_faults(error_rate=1.0, seed=3)
    codes = set()
    for _ in range(12):
        built = build_submission(platform)
        response = post(client, built)
        codes.add(response.status_code)
        assert response.json()["error"] in ("internal_error", "unavailable")
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "1"
    assert codes == {500, 503}
    assert platform.stored_submission_ids() == []
    assert platform.fault_counts["error"] == 12


def test_a_dropped_connection_gets_no_bytes_at_all_and_stores_nothing(platform, client):
    platform.set_faults(drop_rate=1.0)
    built = build_submission(platform)
    with pytest.raises(requests.ConnectionError):
        post(client, built)
    # At the socket level: the server closes without a status line.
    with socket.create_connection(("127.0.0.1", platform.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/names/check?name=abc HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(1024) == b""
    assert platform.stored_submission_ids() == []
    platform.set_faults(drop_rate=0.0)
    assert post(client, built).status_code == 201


def test_a_lost_answer_is_committed_and_the_retry_gets_the_first_answer(platform, client):
    platform.set_faults(lost_answer_rate=1.0)
    built = build_submission(platform)
    with pytest.raises(requests.ConnectionError):
        post(client, built)
    assert platform.stored_submission_ids() == [built.sid]
    platform.set_faults(lost_answer_rate=0.0)
    retry = post(client, built)
    assert retry.status_code == 201
    assert retry.json()["submission_id"] == built.sid
    assert platform.stored_submission_ids() == [built.sid]


def test_lost_answers_spare_reads(platform, client):
    platform.set_faults(lost_answer_rate=1.0)
    assert client.request("GET", "/v1/names/check?name=abc").status_code == 200


def test_slow_answers_wait_then_answer(platform, client):
    platform.set_faults(slow_rate=1.0, slow_seconds=0.3)
    start = time.monotonic()
    assert client.request("GET", "/v1/names/check?name=abc").status_code == 200
    assert time.monotonic() - start >= 0.3
    with pytest.raises(requests.Timeout):
        client.request("GET", "/v1/names/check?name=abc", timeout=0.1)


def test_faults_never_touch_unauthenticated_endpoints(platform):
    platform.set_faults(error_rate=1.0, drop_rate=1.0)
    assert requests.get(platform.base_url + "/healthz", timeout=5).status_code == 200


def _campaign(platform, client, n: int) -> list[str]:
    outcomes = []
    for _ in range(n):
        try:
            outcomes.append(str(client.request("GET", "/v1/names/check?name=abc", timeout=5).status_code))
        except requests.ConnectionError:
            outcomes.append("drop")
    return outcomes


def test_the_same_seed_gives_the_same_faults(platform, client):
    platform.set_faults(error_rate=0.3, drop_rate=0.3, seed=42)
    first = _campaign(platform, client, 30)
    platform.set_faults(seed=42)
    assert _campaign(platform, client, 30) == first
    assert {"200", "drop"} <= set(first) and ({"500", "503"} & set(first))
    platform.set_faults(seed=43)
    assert _campaign(platform, client, 30) != first


def test_faults_from_configuration_at_start(tmp_path):
    from central.testing import running_platform

    with running_platform(tmp_path, faults={"error_rate": 1.0}) as handle:
        response = requests.get(handle.base_url + "/v1/config/stable", timeout=5)
        assert response.status_code in (500, 503)
    with pytest.raises(ValueError):
        with running_platform(tmp_path, faults={"error_rate": 2}):
            pass


def test_every_submission_arrives_once_through_a_mixed_fault_campaign(platform, client):
    platform.set_faults(error_rate=0.25, drop_rate=0.25, lost_answer_rate=0.4, seed=5)
    sent = []
    for _ in range(12):
        built = build_submission(platform)
        sent.append(built.sid)
        for _attempt in range(40):  # retries with a fresh signature each time, as a kiosk does
            try:
                if post(client, built).status_code == 201:
                    break
            except requests.ConnectionError:
                continue
        else:
            pytest.fail("submission never acknowledged")
    assert sorted(platform.stored_submission_ids()) == sorted(sent)
    counts = platform.fault_counts
    assert counts["error"] and counts["drop"] and counts["lost_answer"]
