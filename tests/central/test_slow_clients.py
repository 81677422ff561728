"""Stalled uploads and slowloris: connections that stop mid-request are cut off at the platform's
deadlines, and other kiosks are served meanwhile; an upload that is slow but keeps coming is not.

The deadlines are shortened here (2 s idle, 4 s a request) so the test waits seconds, not the
production 10 s and 60 s (``central.deadlines.ClientDeadlines``), yet leave a busy two-core CI
machine time to serve a kiosk before the stalled connections are cut.
"""
from __future__ import annotations

import json
import selectors
import socket
import threading
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from platform_helpers import KIOSK_ID, build_submission, post

from central.deadlines import ClientDeadlines
from central.testing import SignedClient, running_platform
from contract.signing import sign_headers

LIMITS = ClientDeadlines(idle_s=2.0, request_s=4.0)
STALLED_BODIES, STALLED_HEADERS = 250, 50


@pytest.fixture
def guarded(tmp_path):
    with running_platform(tmp_path / "central", deadlines=LIMITS) as platform:
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk(KIOSK_ID, key.public_key())
        yield platform, SignedClient(platform.base_url, KIOSK_ID, key), key


def _open(port: int, first: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(first)
    return sock


def _closed_within(socks: list[socket.socket], seconds: float) -> dict[socket.socket, float]:
    """Wait until the platform closes each socket (EOF or reset); when each closed."""
    started = time.monotonic()
    closed: dict[socket.socket, float] = {}
    with selectors.DefaultSelector() as sel:
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
        while len(closed) < len(socks):
            left = started + seconds - time.monotonic()
            if left <= 0:
                break
            for key, _ in sel.select(left):
                try:
                    data = key.fileobj.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    closed[key.fileobj] = time.monotonic() - started
                    sel.unregister(key.fileobj)
    return closed


def test_stalled_uploads_are_cut_off_and_other_kiosks_are_served(guarded):
    platform, client, _ = guarded
    body_head = (b"POST /v1/submissions HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json"
                 b"\r\nContent-Length: 1048576\r\n\r\n" + b"{" + b" " * 1023)
    header_head = b"POST /v1/submissions HTTP/1.1\r\nHost: kiosk\r\nX-Kiosk-Id: "
    socks = [_open(platform.port, body_head) for _ in range(STALLED_BODIES)]
    socks += [_open(platform.port, header_head) for _ in range(STALLED_HEADERS)]
    try:
        # While 300 connections hang, a kiosk delivers as usual: answered before the idle
        # deadline frees them, so it did not wait for them to be cut off.
        started = time.monotonic()
        built = build_submission(platform)
        assert post(client, built).status_code == 201
        assert time.monotonic() - started < LIMITS.idle_s
        closed = _closed_within(socks, LIMITS.idle_s + 3)
        assert len(closed) == len(socks), f"{len(socks) - len(closed)} stalled connections held"
        assert max(closed.values()) < LIMITS.request_s
    finally:
        for s in socks:
            s.close()
    assert platform.table_counts()["accept_log"] == 1       # nothing from the stalled ones
    # Served afterwards too, on a new connection: the idle deadline has also closed the
    # kiosk's kept-alive one by now, and reusing it as the server closes it races.
    client.session.close()
    assert post(client, build_submission(platform)).status_code == 201


def test_a_trickle_that_never_finishes_is_cut_off_at_the_request_deadline(guarded):
    platform, _, _ = guarded
    sock = _open(platform.port, b"POST /v1/submissions HTTP/1.1\r\nHost: k\r\n"
                                b"Content-Length: 100000\r\n\r\n")
    stop = threading.Event()

    def trickle() -> None:               # a byte every 0.3 s: never idle for 2 s
        while not stop.wait(0.3):
            try:
                sock.sendall(b" ")
            except OSError:
                return

    threading.Thread(target=trickle, daemon=True).start()
    try:
        closed = _closed_within([sock], LIMITS.request_s + 3)
        assert sock in closed and LIMITS.request_s - 0.5 < closed[sock] < LIMITS.request_s + 2
    finally:
        stop.set()
        sock.close()


def test_a_slow_upload_that_keeps_coming_is_answered(guarded):
    platform, _, key = guarded
    built = build_submission(platform)
    body = json.dumps(built.body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = sign_headers(key, KIOSK_ID, "POST", "/v1/submissions", body)
    head = ("POST /v1/submissions HTTP/1.1\r\nHost: k\r\nContent-Type: application/json\r\n"
            f"Idempotency-Key: {built.sid}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    sock = _open(platform.port, head)
    pace = threading.Event()
    try:
        pieces = [body[i:i + len(body) // 8 + 1] for i in range(0, len(body), len(body) // 8 + 1)]
        for piece in pieces:             # 8 pieces, 0.25 s apart: 2 s in all, never 2 s idle
            pace.wait(0.25)
            sock.sendall(piece)
        answer = b""
        sock.settimeout(10)
        while chunk := sock.recv(65536):
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
