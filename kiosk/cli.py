"""The ``kiosk`` command.

    kiosk run [--config F] [--headless] [--out DIR] [--subject TYPE] [--offline]
              [--orientation portrait|landscape] [--elderly] [--json] [--visits N]
              [--service register|status-card|status-number|status-qr|licence|guide|rating|help]
    kiosk queue {status,sync,report} [--db F]      (technicians; see offline_queue/cli.py)
    kiosk diag [--json] | test-read | test-print … (technicians; see kiosk/diagnostics/cli.py)
    kiosk audit {verify,head}                      (the audit log; see kiosk/audit/cli.py)
    kiosk check-config F                           (validate a settings file)
    kiosk hash-pin                                 (a PIN's hash: [help] staff_pin_hash, [diagnostics] pin_hash)

A configuration bundle that arrived is applied between two visits by starting the command
again (the same process, ``exec``): on a screen when no visit is going on, and in a headless
run of several visits for the visits still to come.

``run`` is the only place the core reaches up into ``ui``: the command line sits above every
layer, and the import is made when the command runs (declared in tests/test_architecture.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk import logs
from kiosk.audit import cli as audit_cli
from kiosk.config import settings as settings_mod
from kiosk.diagnostics import cli as diag_cli
from kiosk.domain import subject_types
from kiosk.instance import KioskAlreadyRunning
from offline_queue import cli as queue_cli


def _platform_port() -> object:
    """The signed platform client for ``queue sync``, from the kiosk's settings."""
    from contract import signing
    from kiosk.platform import identity
    from kiosk.platform.client import PlatformClient
    from kiosk.config.applied import AppliedConfig
    installed = settings_mod.load()
    s = AppliedConfig(installed.config_dir).effective(installed)   # a bundle may move it
    if s.platform.url == settings_mod.EMBEDDED:
        raise SystemExit("queue sync: the embedded platform runs only inside 'kiosk run'; "
                         "configure [platform] url in KIOSK_CONFIG")
    key = identity.load_or_create(s.key_path)
    return PlatformClient(s.platform.url, s.kiosk_id, key,
                          decision_key=signing.load_public_key(s.platform.decision_key))


def _audited_outbox(path: Path) -> object:
    """The outbox for ``kiosk queue``: releases and purges go to the kiosk's audit log."""
    from kiosk.audit.log import AuditLog
    from offline_queue.outbox import Outbox
    return Outbox(path, None, audit=AuditLog(_settings_or_defaults().audit_path))


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
    run.add_argument("--offline", action="store_true",
                     help="headless: the platform is unreachable while the person submits; "
                          "then the network returns and the queue delivers")
    run.add_argument("--orientation", choices=("portrait", "landscape"), default="portrait")
    run.add_argument("--elderly", action="store_true", help="headless: in 长辈版 (large text)")
    run.add_argument("--json", action="store_true",
                     help="headless: end with one JSON line: application_id, outcome, final, "
                          "screens, receipt, licence")
    run.add_argument("--visits", type=_positive, default=1,
                     help="headless: repeat the scripted visit N times in this process (a soak); "
                          "prints one JSON line per 25 visits: memory, threads, files, outbox")
    run.add_argument("--first-visit", type=int, default=0, help=argparse.SUPPRESS)
    run.add_argument("--keep-name", action="store_true",
                     help="headless: go on with the sample name even when the name check says "
                          "it is taken (the registration authority then asks for a correction); "
                          "by default the visit types another 字号, as a person would")
    # Tests: another simulated person (devices.idcard.simulator.simulated_cards).
    run.add_argument("--card", default="resident_valid", help=argparse.SUPPRESS)
    run.add_argument("--service", default="register",
                     choices=("register", "status-card", "status-number", "status-qr", "licence",
                              "guide", "rating", "help"),
                     help="headless: play this citizen service (after a filing where it needs "
                          "one); help: the face fails, staff answer the call and verify, with "
                          "the PIN in $KIOSK_SCRIPT_STAFF_PIN")
    check = sub.add_parser("check-config", help="validate a settings TOML file")
    check.add_argument("file", type=Path)
    sub.add_parser("hash-pin", help="make the Argon2id hash of a PIN: [help] staff_pin_hash, "
                                "[diagnostics] pin_hash")
    queue_cli.register(sub, port_factory=_platform_port,  # type: ignore[arg-type]
                       outbox_factory=_audited_outbox,
                       default_db=_settings_or_defaults().outbox_path)
    diag_cli.register(sub, load_settings=settings_mod.load)
    audit_cli.register(sub, default_path=_settings_or_defaults().audit_path)
    return parser


_SAID = {"approved": "已通过审批（秒批）", "review": "已受理，等待审核",
         "needs_correction": "需要修改后重新提交", "refused": "未通过", "queued": "已保存，等待上传"}


def _run(args: argparse.Namespace) -> int:
    settings = settings_mod.load(args.config)
    logs.configure(settings.data_dir)
    from ui import main as ui_main  # the one upward import: the command line sits above ui
    if not (args.headless or not ui_main.has_display()):
        code = ui_main.run_gui(settings)
        if code == ui_main.EXIT_CONFIG_APPLIED:   # start again, on the bundle just applied
            argv = [sys.executable, "-m", "kiosk.cli", "run"]
            os.execv(sys.executable, argv + (["--config", str(args.config)] if args.config else []))
        return code

    def batch(b: ui_main.Batch) -> None:
        print(json.dumps({"batch": b.as_dict()}, ensure_ascii=False), flush=True)

    applied: dict[str, int] = {}

    def between(kiosk: object, done: int) -> bool:
        # A bundle published before this run started is applied after the first visit.
        version = kiosk.between_visits(wait_for_check_s=30.0)  # type: ignore[attr-defined]
        if version is None:
            return False
        applied.update(done=done, version=version)
        return True
    def announce(event: dict) -> None:
        print(json.dumps(event, ensure_ascii=False), flush=True)

    out, report = ui_main.run_headless(
        settings, args.out, args.subject, offline=args.offline,
        landscape=args.orientation == "landscape", elderly=args.elderly, visits=args.visits,
        on_batch=batch if args.visits > 1 else None, between=between,
        first_visit=max(0, args.first_visit), card=args.card, service=args.service,
        keep_name=args.keep_name,
        staff_pin=os.environ.get("KIOSK_SCRIPT_STAFF_PIN", ""), announce=announce)
    if applied:
        _restart(args, out, applied["done"], applied["version"])
    print(f"没有显示器：已离屏完成 {args.visits} 次模拟办理（每次 {len(report.steps)} 个页面）。")
    final = f"，上传后：{_SAID.get(report.final, report.final)}" if args.offline else ""
    print(f"申请编号 {report.application_id}，结果：{_SAID.get(report.outcome, report.outcome)}{final}")
    print(f"屏幕截图、回执和营业执照在：{out.resolve()}")
    for f in (report.receipt, report.licence):
        if f:
            print(f"  {f}")
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    return 0


def _restart(args: argparse.Namespace, out: Path, done: int, version: int) -> None:
    """Start this command again in this process for the visits still to come, now on
    configuration bundle ``version`` (its first start on trial)."""
    print(json.dumps({"config_applied": version, "after_visits": done,
                      "restarting": args.visits - done}), flush=True)
    argv = [sys.executable, "-m", "kiosk.cli", "run", "--headless", "--subject", args.subject,
            "--orientation", args.orientation, "--visits", str(args.visits - done),
            "--out", str(out / f"after-config-{version}"),
            "--first-visit", str(args.first_visit + done)]
    if args.config:
        argv += ["--config", str(args.config)]
    argv += [flag for flag, on in (("--offline", args.offline), ("--elderly", args.elderly),
                                   ("--json", args.json)) if on]
    sys.stderr.flush()
    os.execv(sys.executable, argv)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "check-config":
            settings_mod.load(args.file)
            print(f"{args.file}: OK")
            return 0
        if args.command == "hash-pin":
            from kiosk.pin import hash_pin_command
            return hash_pin_command()
        return int(args.func(args))
    except settings_mod.SettingsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except KioskAlreadyRunning as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
