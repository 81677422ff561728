"""The name page's preview check against the real platform on loopback: a free name, a name the
platform would not take, the platform out of reach, and the kiosk known to be offline; the
answer always comes through ``post``, never on the caller's thread."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import running_platform
from kiosk.platform.client import PlatformClient
from kiosk.services.name_check import (LATER_TEXT, NameAnswer, NameChecker, NameCheckState,
                                       preview)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as platform:
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk("kiosk-names-01", key.public_key())
        made = PlatformClient(platform.base_url, "kiosk-names-01", key, timeout=(1, 5),
                              decision_key=platform.decision_public_key)
        yield made
        made.close()


class Posted:
    """``post`` for the checker: runs the call here when the test says, and remembers the
    thread it was posted from."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], None]] = []
        self.threads: set[str] = set()
        self.arrived = threading.Event()

    def __call__(self, fn: Callable[[], None]) -> None:
        self.threads.add(threading.current_thread().name)
        self.calls.append(fn)
        self.arrived.set()

    def run(self) -> None:
        assert self.arrived.wait(10), "the check never answered"
        for fn in self.calls:
            fn()


def ask(checker: NameChecker, post: Posted, name: str,
        subject_type: str | None = None) -> list[NameAnswer]:
    heard: list[NameAnswer] = []
    checker.ask(name, heard.append, subject_type)
    post.run()
    checker.stop()
    return heard


def test_a_free_name_is_previewed_as_available_off_the_callers_thread(client) -> None:
    post = Posted()
    checker = NameChecker(client.check_name, online=lambda: True, post=post)
    heard = ask(checker, post, "杭州市西湖区青禾百货店")
    assert [a.state for a in heard] == [NameCheckState.CHECKING, NameCheckState.AVAILABLE]
    assert heard[-1].name == "杭州市西湖区青禾百货店" and "暂未发现" in heard[-1].text
    assert threading.current_thread().name not in post.threads


@pytest.mark.parametrize("name, subject_type", [
    ("杭州松禾百货有限公司", "natural_person_llc"), ("杭州市西湖区松禾家具厂", "sole_proprietorship"),
    ("杭州市西湖区松禾百货店", "individual_business")])
def test_a_name_is_checked_by_the_rules_of_its_subject_type(client, name: str,
                                                            subject_type: str) -> None:
    """A company's name is no 个体工商户's: the platform is told whose rules apply. Asked
    without, it checked every name by the 个体工商户 rules, and told every company applicant
    on the name page that the name might not be usable."""
    post = Posted()
    heard = ask(NameChecker(client.check_name, online=lambda: True, post=post), post, name,
                subject_type)
    assert heard[-1].state is NameCheckState.AVAILABLE, heard[-1].text


def test_a_name_the_platform_would_not_take_is_a_preview_in_our_words(client) -> None:
    post = Posted()
    checker = NameChecker(client.check_name, online=lambda: True, post=post)
    heard = ask(checker, post, "杭州市西湖区百货店")          # a 字号 is missing
    assert heard[-1].state is NameCheckState.TAKEN
    assert "也可以继续填写" in heard[-1].text        # a preview: the person may go on


def test_a_platform_out_of_reach_means_the_check_is_made_on_upload() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                      # nothing listens there once closed
    dead = PlatformClient(f"http://127.0.0.1:{port}", "kiosk-names-02",
                          Ed25519PrivateKey.generate(), timeout=(0.5, 0.5))
    post = Posted()
    heard = ask(NameChecker(dead.check_name, online=lambda: True, post=post), post, "杭州青禾百货店")
    assert (heard[-1].state, heard[-1].text) == (NameCheckState.LATER, LATER_TEXT)
    dead.close()


def test_offline_the_platform_is_not_asked() -> None:
    asked: list[str] = []
    heard: list[NameAnswer] = []
    checker = NameChecker(lambda name, subject: asked.append(name), online=lambda: False,
                          post=lambda fn: fn())
    checker.ask("杭州青禾百货店", heard.append)
    assert asked == [] and [a.state for a in heard] == [NameCheckState.LATER]
    assert "上传时" in heard[0].text
    checker.stop()


@pytest.mark.parametrize("junk", [None, 7, [], {"trade_name": ["x"]}, {"region": 1e309},
                                  {"trade_name": "青禾\x00\x1b"}, "a" * 100_000])
def test_the_preview_of_anything_typed_never_raises(junk) -> None:
    shown = preview(junk, "individual_business")
    assert isinstance(shown.name, str) and all(isinstance(h, str) for h in shown.hints)
