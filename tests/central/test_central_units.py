"""Pure parts: keys on disk, credit codes, the committed OpenAPI file."""
from __future__ import annotations

import base64
import datetime as dt
import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from central import credit, keys
from central.openapi import SPEC_PATH, current_spec_text
from contract import signing
from contract.envelope import load_public_key, open_record, public_key_text, seal


def test_keys_are_created_once_and_reused(tmp_path):
    first = keys.load_or_create(tmp_path)
    key_dir = tmp_path / "keys"
    for name in (keys.PLATFORM_KEY_FILE, keys.CONFIG_KEY_FILE, keys.DECISION_KEY_FILE):
        assert stat.S_IMODE(os.stat(key_dir / name).st_mode) == 0o600
    again = keys.load_or_create(tmp_path)
    assert public_key_text(again.platform_public) == public_key_text(first.platform_public)
    assert signing.public_key_text(again.config_public) == signing.public_key_text(first.config_public)
    assert signing.public_key_text(again.decision_public) == \
        signing.public_key_text(first.decision_public)
    # The published public half is what a kiosk seals for, and the platform can open it.
    pub = load_public_key((key_dir / keys.PLATFORM_PUB_FILE).read_text().strip())
    sealed = seal(pub, "sub-0001", b'{"x":1}')
    assert open_record(again.platform, sealed.header, sealed.record) == b'{"x":1}'
    config_pub = signing.load_public_key((key_dir / keys.CONFIG_PUB_FILE).read_text())
    config_pub.verify(again.config.sign(b"m"), b"m")
    decision_pub = signing.load_public_key((key_dir / keys.DECISION_PUB_FILE).read_text())
    decision_pub.verify(again.decision.sign(b"m"), b"m")
    # Two purposes, two keys: a decision signature is never a config signature.
    assert signing.public_key_text(decision_pub) != signing.public_key_text(config_pub)


def test_a_damaged_key_file_is_a_clear_error(tmp_path):
    keys.load_or_create(tmp_path)
    (tmp_path / "keys" / keys.DECISION_KEY_FILE).write_bytes(b"short")
    with pytest.raises(keys.KeyFileError, match="32-byte"):
        keys.load_or_create(tmp_path)


@pytest.mark.parametrize("text", ["", "!!!", base64.b64encode(b"x" * 31).decode()])
def test_bad_public_keys_are_refused(text):
    with pytest.raises(signing.KeyTextError):
        signing.load_public_key(text)


def test_organisation_check_character_matches_gb_11714_examples():
    # 60003734-1 and D2143569-X: published examples of valid organisation codes.
    assert credit.organisation_check_char("60003734") == "1"
    assert credit.organisation_check_char("D2143569") == "X"
    with pytest.raises(credit.CreditCodeError):
        credit.organisation_check_char("6000373")


@given(st.integers(min_value=1, max_value=31 ** 6 - 1),
       st.sampled_from(["individual_business", "sole_proprietorship", "natural_person_llc",
                        "branch"]))
def test_every_assigned_credit_code_is_valid(sequence, subject_type):
    code = credit.credit_code(subject_type, "330106", sequence)
    assert uscc.is_valid(code)
    assert len(code) == 18 and code[0] == "9"
    assert code[1] == ("2" if subject_type == "individual_business" else "1")
    assert credit.organisation_check_char(code[8:16]) == code[16]
    assert all(c in credit.CREDIT_ALPHABET for c in code)


@given(st.integers(min_value=1, max_value=31 ** 6 - 2))
def test_neighbouring_sequences_give_different_codes(sequence):
    assert credit.organisation_code(sequence) != credit.organisation_code(sequence + 1)


def test_credit_code_inputs_out_of_range_are_refused():
    for bad in (0, -1, 31 ** 6):
        with pytest.raises(credit.CreditCodeError):
            credit.organisation_code(bad)
    with pytest.raises(credit.CreditCodeError):
        credit.credit_code("branch", "3301", 1)
    assert credit.licence_number("330106", dt.date(2026, 5, 1), 42) == "33010620260000042"
    with pytest.raises(credit.CreditCodeError):
        credit.licence_number("330106", dt.date(2026, 5, 1), 10 ** 7)


def test_the_committed_openapi_file_is_current():
    assert SPEC_PATH.read_text(encoding="utf-8") == current_spec_text(), \
        "run: python -m central.openapi"


def test_the_openapi_file_describes_every_contract_endpoint():
    import json

    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    paths = spec["paths"]
    assert set(paths["/v1/submissions"]) == {"post"}
    assert set(paths["/v1/submissions/{submission_id}/attachments/{name}"]) == {"get", "put"}
    for path in ("/v1/submissions/{submission_id}", "/v1/names/check", "/v1/tuf/metadata/{name}"):
        assert "get" in paths[path]
    assert "post" in paths["/v1/ratings"] and "post" in paths["/v1/kiosks/{kiosk_id}/heartbeat"]
    params = {p["name"] for p in paths["/v1/submissions"]["post"]["parameters"]}
    assert {"Idempotency-Key", "x-kiosk-signature", "x-kiosk-nonce"} <= params


def test_the_name_check_is_an_index_lookup_that_finds_same_trade_name_and_industry(tmp_path) -> None:
    from central.names import name_key
    from central.store import Store
    store = Store(tmp_path / "names.sqlite3")
    with store.transaction():
        for i in range(2000):
            n = f"杭州市西湖区名{i:04d}百货店".translate(str.maketrans("0123456789", "零一二三四五六七八九"))
            store.add_name(n, "individual_business", "test", name_key(n))
        store.add_name("杭州市西湖区青禾百货店", "individual_business", "test",
                       name_key("杭州市西湖区青禾百货店"))
    wanted = "杭州青禾百货有限公司"
    assert store.names_colliding(wanted, name_key(wanted)) == ["杭州市西湖区青禾百货店"]
    assert store.names_colliding("杭州青禾餐饮有限公司", name_key("杭州青禾餐饮有限公司")) == []
    plan = " ".join(str(r[3]) for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT name FROM names WHERE trade_name = ? AND industry = ?",
        ("青禾", "百货")))
    assert "names_key" in plan                       # an index, not a scan of every name


def test_a_platform_database_from_before_the_name_index_is_indexed_on_start(tmp_path) -> None:
    import sqlite3

    from central.app import Platform
    from central.names import name_key
    old = sqlite3.connect(tmp_path / "central.sqlite3")
    old.execute("CREATE TABLE names (name TEXT PRIMARY KEY, subject_type TEXT NOT NULL, "
                "source TEXT NOT NULL, registered_at TEXT NOT NULL)")
    old.execute("INSERT INTO names VALUES ('杭州市西湖区青禾百货店', 'individual_business', 'x', 't')")
    old.commit()
    old.close()
    store = Platform(tmp_path).store()
    wanted = "杭州青禾百货有限公司"
    assert store.names_colliding(wanted, name_key(wanted)) == ["杭州市西湖区青禾百货店"]
