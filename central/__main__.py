"""``kiosk-central``: run the reference platform, or administer its data directory.

    kiosk-central --data DIR [--host 127.0.0.1] [--port 8765] [--faults JSON] [--exit-with-stdin]
    kiosk-central --data DIR --register-kiosk ID PUBKEY_B64
    kiosk-central --data DIR --add-user NAME ROLE [--display-name TEXT]

The first start creates DIR, the platform X25519 key and the config and decision Ed25519 keys,
and writes their public halves as base64 to DIR/keys/*.pub for kiosk configuration. Registering a
kiosk and adding a console user (ROLE administrator or hall_staff; the password from
$KIOSK_CENTRAL_PASSWORD or asked for) change the database and exit without serving.
``--exit-with-stdin`` stops serving once standard input closes: the embedded platform is started
with a pipe that only its kiosk holds, so it ends with the kiosk however the kiosk ends (the
kernel closes the pipe of a killed process too).
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import logging
import sys
import threading
from pathlib import Path

from central.app import Platform
from central.decide import PlatformSettings
from central.keys import KeyFileError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-central", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="directory for keys and database")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--faults", default=None, help='fault injection JSON, e.g. {"error_rate":0.1}')
    p.add_argument("--region", default=PlatformSettings.region, help="authority region code")
    p.add_argument("--authority", default=PlatformSettings.authority, help="authority name")
    p.add_argument("--register-kiosk", nargs=2, metavar=("ID", "PUBKEY_B64"))
    p.add_argument("--add-user", nargs=2, metavar=("NAME", "ROLE"),
                   help="a console user: ROLE administrator or hall_staff")
    p.add_argument("--display-name", default="", help="the name hall staff are shown by")
    p.add_argument("--log-level", default="info")
    p.add_argument("--exit-with-stdin", action="store_true",
                   help="stop serving when standard input closes (the embedded platform)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (2 for bad arguments or input)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        faults = json.loads(args.faults) if args.faults else None
        if faults is not None and not isinstance(faults, dict):
            raise ValueError("--faults must be a JSON object")
        settings = PlatformSettings(region=args.region, authority=args.authority)
        platform = Platform(args.data, settings=settings, faults=faults)
        if args.register_kiosk:
            kiosk_id, key_text = args.register_kiosk
            platform.register_kiosk(kiosk_id, key_text)
            print(f"registered kiosk {kiosk_id}")
            return 0
        if args.add_user:
            name, role = args.add_user
            password = os.environ.get("KIOSK_CENTRAL_PASSWORD")
            if password is None:
                password = getpass.getpass(f"password for {name}: ")
            platform.add_user(name, password, role, args.display_name)
            print(f"console user {name} ({role}) saved")
            return 0
    except (ValueError, KeyFileError, OSError) as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from central.server import listening_socket, uvicorn_config

    try:
        sock = listening_socket(args.host, args.port)
    except OSError as exc:
        print(f"kiosk-central: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    print(f"kiosk-central listening on http://{host}:{port} (data {args.data})", flush=True)
    server = uvicorn.Server(uvicorn_config(platform.asgi, host, port, args.log_level))
    if args.exit_with_stdin:
        threading.Thread(target=_stop_at_end_of_input, args=(server,), daemon=True,
                         name="stdin-watch").start()
    server.run(sockets=[sock])
    return 0


def _stop_at_end_of_input(server: object) -> None:
    """Wait for standard input to close, then let uvicorn finish its requests and stop."""
    try:
        while os.read(0, 4096):
            pass                  # nobody is meant to write; whatever comes is ignored
    except OSError:
        pass                      # no standard input at all: as good as closed
    logging.getLogger("central").warning("standard input closed: the kiosk is gone, stopping")
    server.should_exit = True     # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
