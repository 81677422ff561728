"""``kiosk-admin`` as an administrator uses it: init, validate, build, list, export, rotate,
and every malformed input refused with a message and exit code 2, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from admin.cli import main
from admin.repo import Repository

GOOD = '[profile]\nhall_name = "转塘街道便民服务中心"\n[timeouts]\nidle_warning_s = 90\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path / "repo"), "--root-keys", str(tmp_path / "root")]) == 0
    return tmp_path / "repo"


def test_init_keeps_the_root_key_out_of_the_repository(repo: Path, tmp_path: Path) -> None:
    assert (tmp_path / "root" / "root-1.pem").stat().st_mode & 0o777 == 0o600
    assert not list(repo.rglob("root-*.pem"))
    assert sorted(p.name for p in (repo / "keys").iterdir()) == [
        "snapshot.pem", "targets.pem", "timestamp.pem"]
    assert main(["init", str(repo), "--root-keys", str(tmp_path / "root2")]) == 2


def test_build_list_and_export(repo: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "b.toml"
    src.write_text(GOOD, encoding="utf-8")
    assert main(["validate", str(src)]) == 0
    out = tmp_path / "bundle.json"
    assert main(["build", str(src), "--to", "group:township", "--repo", str(repo),
                 "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["scope"] == "group:township" and doc["version"] == 1
    assert main(["validate", str(out)]) == 0
    Repository(repo).add_bundle("group:township", 1, out.read_bytes())
    capsys.readouterr()
    assert main(["list", str(repo)]) == 0
    assert "group:township" in capsys.readouterr().out
    assert main(["export", str(repo), str(tmp_path / "usb")]) == 0
    copy = tmp_path / "usb" / "kiosk-config"
    assert (copy / "metadata" / "timestamp.json").exists() and not (copy / "keys").exists()
    assert main(["rotate", str(repo), "timestamp", "--root-keys", str(tmp_path / "root")]) == 0
    assert main(["rotate", str(repo), "root", "--root-keys", str(tmp_path / "root")]) == 2


@pytest.mark.parametrize("text, fragment", [
    ("[timeouts]\nwarning_s = 5", "[timeouts] warning_s"),
    ("[timeouts]\nidle_warning_s = nan", "[timeouts] idle_warning_s"),
    ("kiosk_id = 'k-1'", "kiosk_id: unknown key"),           # install-time only
    ("[fleet]\ngroups = ['x1']", "fleet: unknown key"),       # whom a kiosk trusts: never
    ("data_dir = '/tmp'", "data_dir: unknown key"),
    ("[platform]\nurl = 'ftp://x'", "[platform] url"),
    ("[diagnostics]\npin_hash = '1234'", "argon2id"),
    ("a = " + "[" * 5000 + "]" * 5000, "nested too deep"),
    ("[profile]\nhall_name = \"a\\u0007b\"", "control character U+0007"),
])
def test_a_bad_bundle_is_refused_before_anything_is_signed(repo: Path, tmp_path: Path, capsys,
                                                            text: str, fragment: str) -> None:
    src = tmp_path / "bad.toml"
    src.write_text(text, encoding="utf-8")
    assert main(["validate", str(src)]) == 2
    assert fragment in capsys.readouterr().err
    before = sorted(p.name for p in (repo / "metadata").iterdir())
    assert main(["build", str(src), "--to", "all", "--repo", str(repo)]) == 2
    assert sorted(p.name for p in (repo / "metadata").iterdir()) == before


def test_devices_fifos_and_missing_files_are_refused(repo: Path, tmp_path: Path, capsys) -> None:
    import os
    os.mkfifo(tmp_path / "fifo.toml")
    for path in ("/dev/zero", str(tmp_path / "fifo.toml"), str(tmp_path / "missing.toml")):
        assert main(["validate", path]) == 2
    with pytest.raises(SystemExit):
        main(["build", str(tmp_path / "x.toml"), "--to", "group:Bad Group", "--repo", str(repo)])
    assert main(["list", str(tmp_path)]) == 2
    assert "not a repository" in capsys.readouterr().err


def test_status_and_publish_without_a_platform_say_so(repo: Path, tmp_path: Path, capsys,
                                                      monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", "x")
    assert main(["status", "--platform", "http://127.0.0.1:9", "--user", "wang"]) == 2
    assert "cannot reach the platform" in capsys.readouterr().err
