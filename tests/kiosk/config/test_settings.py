"""Settings files: defaults, overrides, and every kind of bad input refused with its key named."""
from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import fuzz

from kiosk.cli import main as cli_main
from kiosk.config.schema import BundleSettings
from kiosk.config.settings import (EMBEDDED, MAX_FILE_BYTES, Settings, SettingsError, load,
                                   parse, with_bundle)
from kiosk.flow.timeouts import Timeouts

DECISION_KEY = "1vhJWdZMDgoqpN5CJN7lDrfL52xXaWW9fWqGg6A1Ik0="
X25519_KEY = "ZmFrZS14MjU1MTkta2V5LW9mLTMyLWJ5dGVzLWxvbmc="


def test_no_file_means_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    s = load()
    assert s == Settings() and s.platform.url == EMBEDDED and s.devices.idcard.startswith("sim:")
    assert isinstance(s.timeouts, Timeouts) and s.timeouts == Timeouts()


def test_a_real_deployment_file() -> None:
    s = parse(f"""
kiosk_id = "xihu-hall-03"
data_dir = "/var/lib/kiosk"
elderly_default = true
[profile]
site_kind = "township"
hall_name = "转塘街道便民服务中心"
[platform]
url = "https://yiwangtong.example.gov.cn"
public_key = "{X25519_KEY}"
decision_key = "{DECISION_KEY}"
[devices]
idcard = "/dev/idcard"
camera = "0"
receipt_printer = "tcp://10.0.0.5:9100"
[timeouts]
idle_warning_s = 90
[fleet]
groups = ["township", "county-330106"]
trusted_root = "/etc/kiosk/root.json"
""")
    assert s.kiosk_id == "xihu-hall-03" and s.data_dir == Path("/var/lib/kiosk")
    assert s.devices.idcard == "/dev/idcard" and s.timeouts.idle_warning_s == 90.0
    assert s.devices.licence_printer == "pdf"        # untouched keys keep their defaults
    assert s.hall == "转塘街道便民服务中心" and s.profile.site_kind.value == "township"
    assert s.fleet.groups == ["township", "county-330106"]
    assert s.outbox_path == Path("/var/lib/kiosk/queue/outbox.db")


@pytest.mark.parametrize("text, fragment", [
    ("kiosk_id = ", "not valid TOML"),
    ("kiosk_idd = 'x'", "kiosk_idd: unknown key"),
    ("[devices]\nidcrad = '/dev/idcard'", "[devices] idcrad: unknown key"),
    ("elderly_default = 'yes'", "elderly_default: Input should be a valid boolean"),
    ("[timeouts]\nidle_warning_s = 'long'", "[timeouts] idle_warning_s: Input should be a valid number"),
    ("[timeouts]\nidle_warning_s = -5", "[timeouts] idle_warning_s: Input should be greater than or equal to 30"),
    ("[timeouts]\nidle_warning_s = nan", "[timeouts] idle_warning_s: Input should be a finite number"),
    ("[timeouts]\nidle_warning_s = inf", "[timeouts] idle_warning_s: Input should be a finite number"),
    ("[timeouts]\nidle_warning_s = 1e400", "[timeouts] idle_warning_s: Input should be a finite number"),
    ("[timeouts]\nwarning_s = 10", "[timeouts] warning_s: Input should be greater than or equal to 20"),
    ("[timeouts]\nmax_extensions = 3", "[timeouts] max_extensions: Input should be greater than or equal to 10"),
    ("[timeouts]\nmax_extensions = true", "[timeouts] max_extensions: Input should be a valid integer"),
    ("devices = 3", "devices: Input should be a valid dictionary"),
    ("data_dir = 5", "data_dir: Input is not a valid path"),
    ("data_dir = \"a\\u0000b\"", "data_dir: contains the control character U+0000"),
    ("kiosk_id = \"k1\\nk2\"", "kiosk_id: String should match pattern"),
    ("[profile]\nhall_name = \"西湖\\u202e区\"", "[profile] hall_name: contains the control character U+202E"),
    ("[profile]\nregion_code = '33010'", "[profile] region_code: String should match pattern"),
    ("[profile]\nsite_kind = 'moon'", "[profile] site_kind: Input should be 'hall', 'township' or 'bank'"),
    ("[services]\nenabled = ['register', 'lottery']", "[services] enabled.1: Input should be"),
    ("[texts]\ntracking_url = 'https://t.example/{id}{x}'", "[texts] tracking_url: may hold no braces"),
    ("[texts]\ntracking_url = 'https://t.example/'", "[texts] tracking_url: must hold {id}"),
    ("[platform]\nurl = 'ftp://p.example'", "[platform] url: must be an http:// or https:// URL"),
    ("[platform]\nurl = 'http://p.example:99999'", "[platform] url: is not a URL"),
    ("[platform]\nurl = 'https://p.example'", "set public_key and decision_key"),
    ("[platform]\ndecision_key = 'not-a-key'", "[platform] decision_key: is not base64"),
    ("[platform]\ndecision_key = 'AAAA'", "[platform] decision_key: an Ed25519 public key is 32 bytes"),
    ("[platform]\ntimeout_s = 0", "[platform] timeout_s: Input should be greater than or equal to 0.5"),
    ("[diagnostics]\npin_hash = '123456'", "[diagnostics] pin_hash: must be an argon2id hash"),
    ("[fleet]\ngroups = ['Township']", "[fleet] groups.0: String should match pattern"),
    ("[voice]\nengine = ''", "[voice] engine: String should have at least 1 character"),
    ("[voice]\nengine = 'say'", "[voice] engine: must be \"espeak-ng\", \"none\" or the absolute path"),
    ("[voice]\nengine = 'bin/tts'", "[voice] engine: must be"),
    ("[voice]\nengine = \"/opt/tts\\u0000\"", "[voice] engine: contains the control character U+0000"),
    ("[voice]\nengine = 5", "[voice] engine: Input should be a valid string"),
    ("[voice]\nvolume = 150", "[voice] volume: Input should be less than or equal to 100"),
    ("[voice]\nvolume = 0", "[voice] volume: Input should be greater than or equal to 10"),
    ("[voice]\nvolume = '70'", "[voice] volume: Input should be a valid integer"),
    ("[voice]\nvolume = 70.5", "[voice] volume: Input should be a valid integer"),
    ("[voice]\nrate = nan", "[voice] rate: Input should be a valid integer"),
    ("[voice]\nrate = 5000", "[voice] rate: Input should be less than or equal to 400"),
    ("[voice]\ntimeout_s = inf", "[voice] timeout_s: Input should be a finite number"),
    ("[voice]\ntimeout_s = 0", "[voice] timeout_s: Input should be greater than 0"),
    ("[voice]\nvoice = 'cmn; rm -rf /'", "[voice] voice: String should match pattern"),
    ("[voice]\nspeed = 1", "[voice] speed: unknown key"),
    ("[voice]\nelderly_rate = 20", "[voice] elderly_rate: Input should be greater than or equal to 80"),
    ("[maintenance]\nstart = '25:00'", "[maintenance] start: String should match pattern"),
    ("[maintenance]\nstart = '2:00'", "[maintenance] start: String should match pattern"),
    ("[maintenance]\nstart = 02:00:00", "[maintenance] start: Input should be a valid string"),
    ("[maintenance]\nend = 5", "[maintenance] end: Input should be a valid string"),
    ("[maintenance]\nstart = '03:00'\nend = '03:00'", "the window would never open"),
    ("[maintenance]\nstart = '03:00\\n'", "[maintenance] start: String should match pattern"),
    ("a = " + "[" * 5000 + "]" * 5000, "nested too deep"),
    ("x = {" * 3000 + "}" * 3000, "k.toml"),
    ("[help]\nstaff_pin_hash = '246810'", "[help] staff_pin_hash: must be an argon2id hash"),
    ("[help]\nstaff_pin_hash = '$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$Xl3V5XvYjIbB3hBSyH4Gmw'",
     "argon2id"),
    ("[help]\nmax_failures = 0", "[help] max_failures: Input should be greater than or equal to 1"),
    ("[help]\npin = '1234'", "[help] pin: unknown key"),
    ("[profile]\nregion_code = '330000'", "region_code: must be the hall's current county"),
    ("[profile]\nregion_code = '339999'", "region_code: must be the hall's current county"),
    ("[screen]\nburn_in_shift_px = 17", "[screen] burn_in_shift_px: Input should be less than or equal to 16"),
    ("[screen]\nburn_in_shift_px = -1", "[screen] burn_in_shift_px: Input should be greater than or equal to 0"),
    ("[screen]\nburn_in_shift_px = 4.5", "[screen] burn_in_shift_px: Input should be a valid integer"),
    ("[screen]\nburn_in_after_min = 0", "[screen] burn_in_after_min: Input should be greater than or equal to 1"),
    ("[screen]\nburn_in_every_s = nan", "[screen] burn_in_every_s: Input should be a finite number"),
    ("[screen]\nburn_in_every_s = 1", "[screen] burn_in_every_s: Input should be greater than or equal to 10"),
    ("[screen]\nburn_in = true", "[screen] burn_in: unknown key"),
])
def test_bad_files_name_the_key(text: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as err:
        parse(text, "k.toml")
    assert fragment in str(err.value) and "k.toml" in str(err.value)


def test_a_bundle_may_size_the_burn_in_drift_for_the_fleets_panels() -> None:
    s = parse("[screen]\nburn_in_shift_px = 8")
    assert (s.screen.burn_in_shift_px, s.screen.burn_in_after_min, s.screen.burn_in_every_s) == \
        (8, 3, 60.0)
    moved = with_bundle(s, BundleSettings(screen={"burn_in_every_s": 30}))
    assert (moved.screen.burn_in_shift_px, moved.screen.burn_in_every_s) == (8, 30.0)


def test_the_maintenance_window_may_cross_midnight_and_a_bundle_may_move_it() -> None:
    s = parse("[maintenance]\nstart = '23:30'\nend = '01:00'")
    assert s.maintenance.hours() == (dt.time(23, 30), dt.time(1, 0))
    moved = with_bundle(s, BundleSettings(maintenance={"start": "03:00", "end": "04:00"}))
    assert moved.maintenance.hours() == (dt.time(3, 0), dt.time(4, 0))
    with pytest.raises(SettingsError, match="never open"):
        with_bundle(s, BundleSettings(maintenance={"end": "23:30"}))


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (MAX_FILE_BYTES + 10))
    with pytest.raises(SettingsError, match="larger than"):
        load(big)
    with pytest.raises(SettingsError, match="larger than"):
        parse("# " + "x" * (MAX_FILE_BYTES + 10))


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "/"])
def test_devices_and_folders_are_refused_at_once(path: str) -> None:
    with pytest.raises(SettingsError, match="not a regular file"):
        load(path)


def test_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    reader = threading.Thread(target=lambda: _catch(lambda: load(fifo), result), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert isinstance(result[0], SettingsError) and "not a regular file" in str(result[0])


def _catch(fn, into: list) -> None:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - the test looks at what it was
        into.append(exc)


def test_unreadable_file_and_check_config_command(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SettingsError, match="cannot be read"):
        load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    assert cli_main(["check-config", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert cli_main(["check-config", "/dev/zero"]) == 2
    nan = tmp_path / "nan.toml"
    nan.write_text("[timeouts]\nidle_warning_s = nan\n")
    assert cli_main(["check-config", str(nan)]) == 2
    assert "[timeouts] idle_warning_s" in capsys.readouterr().err
    good = tmp_path / "good.toml"
    good.write_text("kiosk_id = 'kiosk-1'\n", encoding="utf-8")
    assert cli_main(["check-config", str(good)]) == 0
    assert "OK" in capsys.readouterr().out


def test_a_bundle_lays_its_sections_over_the_installed_ones() -> None:
    installed = parse("kiosk_id = 'k-001'\n[devices]\nidcard = '/dev/idcard'\n")
    bundle = BundleSettings.model_validate({"profile": {"hall_name": "转塘街道便民服务中心"},
                                            "timeouts": {"idle_warning_s": 90}})
    s = with_bundle(installed, bundle)
    assert s.hall == "转塘街道便民服务中心" and s.timeouts.idle_warning_s == 90
    assert s.kiosk_id == "k-001" and s.devices.idcard == "/dev/idcard"
    assert s.timeouts.warning_s == installed.timeouts.warning_s
    with pytest.raises(SettingsError, match=r"b.json: \[timeouts\] warning_s"):
        with_bundle(installed, BundleSettings.model_validate({"timeouts": {"warning_s": 5}}),
                    "b.json")


# -- generated input: anything TOML can say, and anything it cannot ------------------------

_scalars = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=30))
_keys = st.sampled_from(["kiosk_id", "data_dir", "elderly_default", "timeouts", "platform",
                         "devices", "profile", "texts", "fleet", "idle_warning_s",
                         "warning_s", "url", "groups", "x"])
_trees = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=20)


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else
                                     "-inf" if v == float("-inf") else repr(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                             for c in v if ord(c) < 0x10000 and not 0xD800 <= ord(c) < 0xE000) + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    assert isinstance(v, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"


@fuzz(300)
@given(st.dictionaries(_keys, _trees, max_size=6))
def test_generated_toml_gives_settings_or_a_settings_error(tree: dict) -> None:
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in tree.items())
    try:
        s = parse(text)
    except SettingsError as exc:
        assert str(exc).startswith("<config>:")
    else:
        assert isinstance(s.timeouts, Timeouts)


@fuzz(300)
@given(st.text(max_size=200))
def test_garbage_is_refused_with_settings_error_only(text: str) -> None:
    try:
        parse(text)
    except SettingsError:
        pass


@fuzz(200)
@given(st.dictionaries(_keys, _trees, max_size=6))
def test_generated_bundles_give_settings_or_a_settings_error(tree: dict) -> None:
    from kiosk.config.bundle import BundleError, parse_bundle
    try:
        parse_bundle(_bundle_json(tree), Settings())
    except BundleError as exc:
        assert exc.reason in ("invalid", "not-json")


def _bundle_json(settings_tree: dict) -> bytes:
    import json
    return json.dumps({"format": 1, "version": 3, "scope": "group:township",
                       "settings": settings_tree}, allow_nan=True).encode()
def test_the_staff_section_and_the_hall_s_county() -> None:
    from kiosk.pin import hash_pin
    made = hash_pin("246810")
    s = parse(f'[profile]\nregion_code = "370323"\n[help]\nstaff_pin_hash = "{made}"\n'
              'lockout_s = 60\n')
    assert s.profile.region_code == "370323" and s.help.staff_pin_hash == made
    assert s.help.lockout_s == 60.0
    assert Settings().help.staff_pin_hash == ""      # no PIN by default: no staff actions


@fuzz(200)
@given(st.binary(max_size=400))
def test_any_bytes_in_the_settings_file_give_settings_or_a_settings_error(tmp_path_factory,
                                                                          blob: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "kiosk.toml"
    path.write_bytes(blob)
    try:
        load(path)
    except SettingsError as exc:
        assert str(exc).startswith(str(path))


@fuzz(100)
@given(parts=st.integers(1, 120_000), header=st.booleans())
def test_deeply_dotted_keys_are_refused_at_once(parts: int, header: bool) -> None:
    import time
    key = "a" + ".a" * parts
    text = f"[{key}]\nx = 1" if header else f"{key} = 1"
    started = time.monotonic()
    try:
        parse(text)
    except SettingsError:
        pass
    # It ran out of memory at 100,000 parts: quadratic in tomllib. Now linear, and refused.
    assert time.monotonic() - started < 2.0
