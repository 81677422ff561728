"""Name check, ratings (好差评) and heartbeats over HTTP (the TUF repository: test_tuf_repo.py)."""
from __future__ import annotations

import json
import urllib.parse
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import SignedClient

KIOSK = "kiosk-endpoints-01"


def _check(client, name: str, subject_type: str | None = None) -> dict:
    query = {"name": name}
    if subject_type:
        query["subject_type"] = subject_type
    response = client.request("GET", "/v1/names/check?" + urllib.parse.urlencode(query))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_free_well_formed_name_is_available(client):
    result = _check(client, "杭州市西湖区望山茶叶店")
    assert result == {"available": True, "conflicts": [], "problems": [],
                      "message": result["message"]}
    assert "可以使用" in result["message"]


def test_same_trade_name_and_industry_as_a_registered_name_conflicts(client):
    result = _check(client, "杭州市西湖区知味小吃馆")  # 杭州市西湖区知味小吃店 is registered
    assert not result["available"]
    assert result["conflicts"] == ["杭州市西湖区知味小吃店"]
    assert "知味小吃店" in result["message"]
    other_industry = _check(client, "杭州市西湖区知味茶叶店")
    assert other_industry["conflicts"] == []


def test_form_problems_come_from_the_kiosk_rules(client):
    from kiosk.domain.names import name_problems

    name = "杭州市西湖区中国小吃店"
    result = _check(client, name)
    assert result["problems"] == name_problems(name, "individual_business")
    assert result["problems"] and not result["available"]
    assert result["message"] == result["problems"][0]


@pytest.mark.parametrize("query", ["", "?name=", "?name=" + "长" * 61,
                                   "?name=x&subject_type=limited_company"])
def test_bad_name_queries_are_422(shared_client, query):
    client = shared_client
    response = client.request("GET", "/v1/names/check" + query)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def _rating(level: int = 5, **extra) -> dict:
    body = {"rating_id": uuid.uuid4().hex, "submission_id": uuid.uuid4().hex, "level": level,
            "indicators": {"speed": 5}, "comment": "很方便", "tags": ["办事快"]}
    body.update(extra)
    return body


def test_ratings_count_1_and_2_as_negative_and_are_idempotent(platform, client):
    answers = {}
    for level in range(1, 6):
        body = _rating(level)
        first = client.request("POST", "/v1/ratings", body)
        assert first.status_code == 201
        assert first.json()["negative"] is (level <= 2) and first.json()["replayed"] is False
        again = client.request("POST", "/v1/ratings", body)
        assert again.status_code == 201 and again.json() == {**first.json(), "replayed": True}
        answers[level] = body
    changed = dict(answers[5], level=4)
    conflict = client.request("POST", "/v1/ratings", changed)
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_conflict"
    summary = client.request("GET", "/v1/ratings/summary").json()
    assert summary == {"counts": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}, "total": 5,
                       "negative": 2}


@pytest.mark.parametrize("change", [
    {"level": 0}, {"level": 6}, {"level": "5"}, {"level": 4.5}, {"level": True},
    {"rating_id": ""}, {"indicators": {"speed": 9}}, {"indicators": []},
    {"tags": [""]}, {"comment": "长" * 501}, {"extra": 1},
])
def test_bad_ratings_are_refused_and_not_stored(shared_platform, shared_client, change):
    platform, client = shared_platform, shared_client
    before = platform.table_counts()
    response = client.request("POST", "/v1/ratings", _rating(**change))
    assert response.status_code == 422, response.text
    assert platform.table_counts() == before


def _heartbeat(**change) -> dict:
    body = {"devices": [{"device": "receipt_printer", "state": "ready"}],
            "queue": {"depth": 3, "oldest_age_s": 12.5, "last_error": None},
            "config_version": 2, "disk_free_bytes": 10_000_000_000, "low_disk": False}
    body.update(change)
    return body


def test_heartbeats_are_stored_and_the_latest_is_queryable(platform, client):
    from platform_helpers import KIOSK_ID

    target = f"/v1/kiosks/{KIOSK_ID}/heartbeat"
    assert client.request("GET", target).status_code == 404
    assert client.request("POST", target, _heartbeat()).status_code == 201
    assert client.request("POST", target, _heartbeat(queue={"depth": 0})).status_code == 201
    latest = client.request("GET", target).json()
    assert latest["queue"]["depth"] == 0 and latest["kiosk_id"] == KIOSK_ID
    assert platform.latest_heartbeat(KIOSK_ID)["queue"]["depth"] == 0
    assert platform.table_counts()["heartbeats"] == 2


def test_a_heartbeat_carries_the_release_and_the_nightly_readiness(platform, client):
    from platform_helpers import KIOSK_ID

    software = {"release": "0.1.0+gabc", "previous": None, "trial": False,
                "installed_at": "2026-03-10T02:00:00+00:00",
                "rolled_back": {"failed": "0.2.0", "restored": "0.1.0+gabc",
                                "why": "3 failed starts", "at": "2026-03-10T02:01:00+00:00"}}
    readiness = {"ok": False, "checked_at": "2026-03-10T18:05:00+00:00", "faults": ["camera"]}
    target = f"/v1/kiosks/{KIOSK_ID}/heartbeat"
    sent = _heartbeat(software=software, readiness=readiness)
    assert client.request("POST", target, sent).status_code == 201
    latest = client.request("GET", target).json()
    assert latest["software"] == software and latest["readiness"] == readiness


def test_every_integer_of_a_heartbeat_takes_3_0_as_json_schema_does(platform, client):
    from platform_helpers import KIOSK_ID

    config = {"version": 3.0, "previous": 2.0, "staged": None,
              "rolled_back": {"failed": 4.0, "restored": 3.0, "at": "2026-03-10T02:01:00+00:00"}}
    sent = _heartbeat(config_version=3.0, disk_free_bytes=1e9, queue={"depth": 0.0},
                      config=config, audit={"seq": 7.0, "head": "a" * 64})
    target = f"/v1/kiosks/{KIOSK_ID}/heartbeat"
    assert client.request("POST", target, sent).status_code == 201
    latest = client.request("GET", target).json()
    assert latest["config"]["version"] == 3 and latest["audit"]["seq"] == 7
    for bad in ({"seq": 7.5, "head": "a" * 64}, {"seq": "7", "head": "a" * 64}):
        assert client.request("POST", target, _heartbeat(audit=bad)).status_code == 422


def test_a_kiosk_reports_only_for_itself(platform, client):
    other_key = Ed25519PrivateKey.generate()
    platform.register_kiosk(KIOSK, other_key.public_key())
    other = SignedClient(platform.base_url, KIOSK, other_key)
    from platform_helpers import KIOSK_ID

    response = other.request("POST", f"/v1/kiosks/{KIOSK_ID}/heartbeat", _heartbeat())
    assert response.status_code == 403
    assert other.request("GET", f"/v1/kiosks/{KIOSK_ID}/heartbeat").status_code == 403
    assert platform.table_counts()["heartbeats"] == 0


@pytest.mark.parametrize("change", [
    {"queue": {"depth": -1}}, {"queue": "full"}, {"low_disk": "no"}, {"devices": "printer"},
    {"disk_free_bytes": -5}, {"config_version": "two"}, {"uptime": 5},
    {"readiness": {"ok": "yes", "checked_at": "x"}}, {"readiness": {"ok": True}},
    {"readiness": {"ok": False, "checked_at": "x", "faults": ["Camera; rm -rf /"]}},
    {"software": {"release": "x" * 81}}, {"software": {"trial": "no"}},
    {"software": {"rolled_back": {"failed": "0.2"}}},
])
def test_bad_heartbeats_are_refused_and_not_stored(shared_platform, shared_client, change):
    from platform_helpers import KIOSK_ID

    platform, client = shared_platform, shared_client
    before = platform.table_counts()

    response = client.request("POST", f"/v1/kiosks/{KIOSK_ID}/heartbeat", _heartbeat(**change))
    assert response.status_code == 422, response.text
    assert platform.table_counts() == before
    assert json.loads(response.text)["message"]
