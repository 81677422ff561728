"""Settings files: defaults, overrides, and every kind of bad file refused with its key named."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.cli import main as cli_main
from kiosk.config.settings import EMBEDDED, Settings, SettingsError, load, parse


def test_no_file_means_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    s = load()
    assert s == Settings() and s.platform.url == EMBEDDED and s.devices.idcard.startswith("sim:")


def test_a_real_deployment_file() -> None:
    s = parse("""
kiosk_id = "xihu-hall-03"
data_dir = "/var/lib/kiosk"
elderly_default = true
[platform]
url = "https://yiwangtong.example.gov.cn"
public_key = "AAAA"
decision_key = "1vhJWdZMDgoqpN5CJN7lDrfL52xXaWW9fWqGg6A1Ik0="
[devices]
idcard = "/dev/idcard"
camera = "0"
receipt_printer = "tcp://10.0.0.5:9100"
[timeouts]
idle_warning_s = 90
""")
    assert s.kiosk_id == "xihu-hall-03" and s.data_dir == Path("/var/lib/kiosk")
    assert s.devices.idcard == "/dev/idcard" and s.timeouts.idle_warning_s == 90.0
    assert s.devices.licence_printer == "pdf"        # untouched keys keep their defaults


@pytest.mark.parametrize("text, fragment", [
    ("kiosk_id = ", "not valid TOML"),
    ("kiosk_idd = 'x'", "unknown key(s) kiosk_idd"),
    ("[devices]\nidcrad = '/dev/idcard'", "[devices]: unknown key(s) idcrad"),
    ("elderly_default = 'yes'", "elderly_default must be bool"),
    ("[timeouts]\nidle_warning_s = 'long'", "idle_warning_s must be float"),
    ("[timeouts]\nidle_warning_s = -5", "must not be negative"),
    ("[timeouts]\nwarning_s = 10", "at least 20"),
    ("[timeouts]\nmax_extensions = 3", "at least 10"),
    ("devices = 3", "[devices] must be a table"),
    ("data_dir = 5", "data_dir must be a path"),
    ("[platform]\nurl = 'https://p.example'\npublic_key = 'AAAA'", "set public_key and decision_key"),
    ("[platform]\ndecision_key = 'not-a-key'", "decision_key: public key is not valid base64"),
    ("[platform]\ndecision_key = 'AAAA'", "decision_key: an Ed25519 public key is 32 bytes"),
    ("[staff]\npin_hash = '246810'", "[staff]: pin_hash must be an Argon2id hash"),
    ("[staff]\npin_hash = '$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$Xl3V5XvYjIbB3hBSyH4Gmw'",
     "Argon2id"),
    ("[staff]\nmax_failures = 0", "max_failures must be at least 1"),
    ("[staff]\npin = '1234'", "[staff]: unknown key(s) pin"),
    ("region_code = '330000'", "region_code must be the hall's current county"),
    ("region_code = 'hangzhou'", "region_code must be the hall's current county"),
])
def test_bad_files_name_the_key(text: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as err:
        parse(text, "kiosk.toml")
    assert fragment in str(err.value) and "kiosk.toml" in str(err.value)


@given(st.text(max_size=200))
def test_garbage_is_refused_with_settings_error_only(text: str) -> None:
    try:
        parse(text)
    except SettingsError:
        pass


def test_unreadable_file_and_check_config_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SettingsError, match="cannot be read"):
        load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    assert cli_main(["check-config", str(bad)]) == 2
    good = tmp_path / "good.toml"
    good.write_text("kiosk_id = 'k1'\n", encoding="utf-8")
    assert cli_main(["check-config", str(good)]) == 0
    assert "OK" in capsys.readouterr().out


def test_the_staff_section_and_the_hall_s_county() -> None:
    from kiosk.services.staff import hash_pin
    made = hash_pin("246810")
    s = parse(f'region_code = "370323"\n[staff]\npin_hash = "{made}"\nlockout_s = 60\n')
    assert s.region_code == "370323" and s.staff.pin_hash == made and s.staff.lockout_s == 60.0
    assert Settings().staff.pin_hash == ""           # no PIN by default: no staff actions
