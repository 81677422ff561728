"""The ``kiosk`` command: run the kiosk, or a technician's sub-command."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="自助申报一体机")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the kiosk on embedded defaults")
    args = parser.parse_args(argv)
    if args.command == "run":
        print("kiosk: nothing to run yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
