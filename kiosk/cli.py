"""The ``kiosk`` command.

    kiosk run [--config F] [--headless] [--out DIR] [--subject TYPE] [--visits N]
    kiosk queue {status,sync,report} [--db F]      (technicians; see offline_queue/cli.py)
    kiosk check-config F                           (validate a settings file)

``run`` is the only place the core reaches up into ``ui``: the command line sits above every
layer, and the import is made when the command runs (declared in tests/test_architecture.py).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.config import settings as settings_mod
from kiosk.domain import subject_types
from offline_queue import cli as queue_cli


def _platform_port() -> object:
    """The signed platform client for ``queue sync``, from the kiosk's settings."""
    from kiosk.platform import identity
    from kiosk.platform.client import PlatformClient
    s = settings_mod.load()
    if s.platform.url == settings_mod.EMBEDDED:
        raise SystemExit("queue sync: the embedded platform runs only inside 'kiosk run'; "
                         "configure [platform] url in KIOSK_CONFIG")
    key = identity.load_or_create(s.key_path)
    return PlatformClient(s.platform.url, s.kiosk_id, key)


def _settings_or_defaults() -> settings_mod.Settings:
    try:
        return settings_mod.load()
    except settings_mod.SettingsError:
        return settings_mod.Settings()   # the command that needs them reports the error


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError("between 1 and 1000000")
    return n


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="自助申报一体机")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the kiosk (embedded defaults unless --config)")
    run.add_argument("--config", type=Path, help="settings TOML (default: $KIOSK_CONFIG or embedded)")
    run.add_argument("--headless", action="store_true",
                     help="scripted visit rendered to PNG even when a display exists")
    run.add_argument("--out", type=Path, help="where the headless visit writes its files")
    run.add_argument("--subject", default="natural_person_llc",
                     choices=[t.id for t in subject_types.ALL])
    run.add_argument("--visits", type=_positive, default=1,
                     help="headless: repeat the scripted visit N times in this process (a soak); "
                          "prints one JSON line per 25 visits: memory, threads, files, outbox")
    check = sub.add_parser("check-config", help="validate a settings TOML file")
    check.add_argument("file", type=Path)
    queue_cli.register(sub, port_factory=_platform_port,  # type: ignore[arg-type]
                       default_db=_settings_or_defaults().outbox_path)
    return parser


def _run(args: argparse.Namespace) -> int:
    settings = settings_mod.load(args.config)
    from ui import main as ui_main  # the one upward import: the command line sits above ui
    if args.headless or not ui_main.has_display():
        def batch(b: ui_main.Batch) -> None:
            print(json.dumps({"batch": b.as_dict()}, ensure_ascii=False), flush=True)

        out, report = ui_main.run_headless(settings, args.out, args.subject, visits=args.visits,
                                           on_batch=batch if args.visits > 1 else None)
        print(f"没有显示器：已离屏完成 {args.visits} 次模拟办理（每次 {len(report.steps)} 个页面）。")
        print(f"申请编号 {report.application_id}，平台结果：{report.remote_status or '未同步'}")
        print(f"屏幕截图、回执和营业执照在：{out.resolve()}")
        for f in report.files:
            print(f"  {f}")
        return 0
    return ui_main.run_gui(settings)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "check-config":
            settings_mod.load(args.file)
            print(f"{args.file}: OK")
            return 0
        return int(args.func(args))
    except settings_mod.SettingsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
