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


# -- catalogues published with a bundle ----------------------------------------------------

def _scope_catalogue(tmp_path: Path, **entry: object) -> Path:
    import assets
    doc = json.loads(json.dumps(assets.load_json("catalogues", "business_scope.json")))
    doc["entries"].append({"code": "I901", "name": "元宇宙场景设计服务", "note": "",
                           "kind": "general", "category": "I",
                           "category_name": "信息传输、软件和信息技术服务业", "department": "",
                           "individual_allowed": True, "pinyin_initials": "yyzcjsjfw", **entry})
    path = tmp_path / "scope.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_build_names_a_catalogue_by_its_content_and_signs_it_beside_the_bundle(
        repo: Path, tmp_path: Path, capsys) -> None:
    from admin.cli import _build, _parser
    src = tmp_path / "b.toml"
    src.write_text(GOOD, encoding="utf-8")
    catalogue = _scope_catalogue(tmp_path)
    assert main(["validate", str(src), "--scope-catalogue", str(catalogue)]) == 0
    args = _parser().parse_args(["build", str(src), "--to", "all", "--repo", str(repo),
                                 "--scope-catalogue", str(catalogue)])
    version, raw, files = _build(args, Repository(repo))
    target = json.loads(raw)["settings"]["catalogues"]["scope"]
    assert target.startswith("catalogues/business_scope-") and list(files) == [target]
    assert files[target] == catalogue.read_bytes()
    Repository(repo).add_bundle("all", version, raw, files=files)
    capsys.readouterr()
    assert main(["list", str(repo)]) == 0
    assert target in capsys.readouterr().out
    _, targets = Repository(repo).files()
    assert sorted(Path(p).parts[0] for p in targets) == ["bundles", "catalogues"]


@pytest.mark.parametrize("change, fragment", [
    ({"code": "A001"}, "the code A001 is used twice"),
    ({"name": "元宇宙\u0007"}, "control character U+0007"),
    ({"individual_allowed": "yes"}, "must be true or false"),
])
def test_a_bad_catalogue_is_refused_before_anything_is_signed(repo: Path, tmp_path: Path, capsys,
                                                             change: dict, fragment: str) -> None:
    src = tmp_path / "b.toml"
    src.write_text(GOOD, encoding="utf-8")
    catalogue = _scope_catalogue(tmp_path, **change)
    assert main(["validate", str(src), "--scope-catalogue", str(catalogue)]) == 2
    assert fragment in capsys.readouterr().err
    before = sorted(p.name for p in (repo / "metadata").iterdir())
    assert main(["build", str(src), "--to", "all", "--repo", str(repo),
                 "--scope-catalogue", str(catalogue)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "metadata").iterdir()) == before


def test_a_catalogue_path_must_be_in_the_repository_and_named_once(repo: Path, tmp_path: Path,
                                                                   capsys) -> None:
    src = tmp_path / "b.toml"
    src.write_text(GOOD + '[catalogues]\nscope = "catalogues/business_scope-1.json"\n',
                   encoding="utf-8")
    assert main(["build", str(src), "--to", "all", "--repo", str(repo)]) == 2
    assert "which the repository does not hold" in capsys.readouterr().err
    assert main(["build", str(src), "--to", "all", "--repo", str(repo),
                 "--scope-catalogue", str(_scope_catalogue(tmp_path))]) == 2
    assert "name only one" in capsys.readouterr().err
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert main(["validate", str(tmp_path / "b.toml"), "--regions-catalogue", str(huge)]) == 2
    assert "larger than" in capsys.readouterr().err
