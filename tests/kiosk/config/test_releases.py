"""Software releases side by side: the start counter, the rollback, and a state file that is
garbage. (The whole path through the installer and the kiosk: tests/deploy/test_install.py.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.config.releases import MAX_FAILED_STARTS, Releases, from_environ, main


class Audit:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    def record(self, event: str, **fields: object) -> None:
        self.events.append((event, fields))


class Built(Releases):
    """Releases whose ``install`` first builds the release folder, as the installer does."""

    def install(self, release: str) -> bool:
        (self.root / "releases" / release / "venv").mkdir(parents=True, exist_ok=True)
        return super().install(release)


def releases(tmp_path: Path, *names: str) -> Releases:
    return Built(tmp_path / "opt", tmp_path / "state")


def test_the_first_install_is_no_trial_a_second_is(tmp_path: Path) -> None:
    r = releases(tmp_path, "1.0", "1.1")
    assert r.install("1.0") and r.state()["trial"] is False
    assert not r.install("1.0")                                   # again: nothing changes
    assert r.install("1.1")
    assert (r.state()["current"], r.state()["previous"], r.state()["trial"]) == ("1.1", "1.0", True)
    assert (tmp_path / "opt" / "current").readlink() == Path("releases/1.1")
    assert (tmp_path / "opt" / "previous").readlink() == Path("releases/1.0")


def test_three_failed_starts_roll_back_and_a_good_start_commits(tmp_path: Path) -> None:
    r = releases(tmp_path, "1.0", "1.1", "1.2")
    r.install("1.0"), r.install("1.1")
    for _ in range(MAX_FAILED_STARTS):
        assert r.begin_start() == "1.1"
    assert r.begin_start() == "1.0"                               # the fourth start
    assert r.state()["bad_versions"] == ["1.1"]
    audit = Audit()
    assert not r.commit_start(tmp_path / "opt" / "current" / "venv", audit)
    assert audit.events == [("software-rolled-back",
                             {"version": "1.1", "to": "1.0", "reason": "3 failed starts"})]
    assert r.state()["unreported"] == []
    r.install("1.2")
    assert r.begin_start() == "1.2"
    audit = Audit()
    assert not r.commit_start(tmp_path / "elsewhere", audit)        # not this release's kiosk
    assert r.commit_start(tmp_path / "opt" / "current" / "venv", audit)
    assert audit.events == [("software-applied",
                             {"version": "1.2", "previous": "1.0", "disposition": "success"})]
    assert r.state()["trial"] is False and r.begin_start() == "1.2"
    assert r.state()["failed_starts"] == 0
    assert sorted(p.name for p in (tmp_path / "opt" / "releases").iterdir()) == ["1.0", "1.2"]


def test_without_a_previous_release_there_is_nothing_to_roll_back_to(tmp_path: Path) -> None:
    r = releases(tmp_path, "1.0")
    r.install("1.0")
    state = r.state() | {"trial": True}
    (tmp_path / "state" / "state.json").write_text(json.dumps(state))
    for _ in range(MAX_FAILED_STARTS + 2):
        assert r.begin_start() == "1.0"


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                 st.recursive(st.none() | st.integers() | st.text(max_size=10),
                              lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                  st.text(max_size=5), c, max_size=3),
                              max_leaves=10).map(lambda v: json.dumps(v).encode())))
def test_a_garbage_state_file_reads_as_no_state(tmp_path_factory: pytest.TempPathFactory,
                                                blob: bytes) -> None:
    tmp = tmp_path_factory.mktemp("garbage")
    (tmp / "state").mkdir()
    (tmp / "state" / "state.json").write_bytes(blob)
    r = Releases(tmp / "opt", tmp / "state")
    state = r.state()
    assert isinstance(state, dict)
    try:
        r.status()
        r.begin_start()
    except (TypeError, KeyError, AttributeError, ValueError) as exc:   # pragma: no cover
        # a well-formed JSON object of the wrong shape must not crash a start either
        pytest.fail(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("state", [
    {"trial": "yes", "failed_starts": "3", "current": 5}, {"trial": True, "failed_starts": True},
    {"bad_versions": "1.1", "unreported": [1, {"failed": "x"}]}, [1, 2], "text"])
def test_a_state_of_the_wrong_shape_is_read_as_defaults(tmp_path: Path, state: object) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "state.json").write_text(json.dumps(state))
    r = Releases(tmp_path / "opt", tmp_path / "state")
    s = r.state()
    assert isinstance(s["trial"], bool) and isinstance(s["failed_starts"], int)
    assert s["current"] is None or isinstance(s["current"], str)
    assert all(isinstance(v, str) for v in s["bad_versions"])
    assert r.begin_start() is None and r.commit_start(tmp_path, Audit()) is False


def test_the_script_and_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    releases(tmp_path, "1.0")
    base = ["--root", str(tmp_path / "opt"), "--state", str(tmp_path / "state")]
    assert main([*base, "begin"]) == 1 and "no release installed" in capsys.readouterr().err
    (tmp_path / "opt" / "releases" / "1.0").mkdir(parents=True)
    assert main([*base, "install", "1.0"]) == 0
    assert main([*base, "install", "nope"]) == 1
    assert main([*base, "status"]) == 0 and '"release": "1.0"' in capsys.readouterr().out
    assert from_environ({}) is None
    found = from_environ({"KIOSK_RELEASE_STATE": str(tmp_path / "state")})
    assert found is not None and found.root == tmp_path / "opt"
