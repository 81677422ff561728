"""The ``kiosk-admin`` command.

    kiosk-admin init REPO --root-keys DIR [--threshold N]     new repository, root keys apart
    kiosk-admin hash-pin                                      argon2id hash of a PIN (stdin)
    kiosk-admin validate FILE                                 a bundle TOML (or JSON) vs the schema
    kiosk-admin build FILE --to SCOPE --repo REPO [--out F]   the bundle JSON it would sign
    kiosk-admin publish FILE --to SCOPE --repo REPO --platform URL --user NAME
    kiosk-admin push REPO --platform URL --user NAME          upload the signed repository
    kiosk-admin refresh REPO [--platform URL --user NAME]     new timestamp before it expires
    kiosk-admin rotate REPO ROLE --root-keys DIR [--new-root-keys DIR]
    kiosk-admin export REPO DEST                              signed copy for a USB drive
    kiosk-admin status --platform URL --user NAME             what each kiosk applied
    kiosk-admin list REPO                                     what the repository holds

SCOPE is ``all``, ``group:<group>`` (hall, township, bank, county-330106, ...) or
``kiosk:<kiosk id>``. The password is read from ``KIOSK_ADMIN_PASSWORD`` or asked for.
Exit codes: 0 done, 2 refused (the message says why), nothing half-written.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from admin.platform import AdminError, PlatformAdmin
from admin.repo import ROLES, Repository, RepoError
from contract.bundles import is_scope
from kiosk.config.bundle import BundleError, bundle_from_toml, parse_bundle
from kiosk.config.settings import Settings, SettingsError, parse_toml, read_text


def _scope(text: str) -> str:
    if not is_scope(text):
        raise argparse.ArgumentTypeError("all, group:<group> or kiosk:<kiosk id>")
    return text


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-admin", description="一体机配置管理（签名配置包）")
    sub = p.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create a repository; root keys go to --root-keys")
    init.add_argument("repo", type=Path)
    init.add_argument("--root-keys", type=Path, required=True,
                      help="folder for the root key(s): keep it offline (a USB stick in a safe)")
    init.add_argument("--threshold", type=int, default=1, help="root keys needed to sign a root")
    sub.add_parser("hash-pin", help="print the argon2id hash of a PIN read from stdin")
    val = sub.add_parser("validate", help="check a bundle TOML or JSON against the schema")
    val.add_argument("file", type=Path)
    for name in ("build", "publish"):
        cmd = sub.add_parser(name, help="build a bundle" if name == "build"
                             else "build, sign and upload a bundle")
        cmd.add_argument("file", type=Path, help="the readable TOML of the bundle")
        cmd.add_argument("--to", type=_scope, required=True, dest="scope")
        cmd.add_argument("--repo", type=Path, required=True)
        if name == "build":
            cmd.add_argument("--out", type=Path)
        else:
            _platform_args(cmd)
    push = sub.add_parser("push", help="upload the signed repository to the platform")
    push.add_argument("repo", type=Path)
    _platform_args(push)
    refresh = sub.add_parser("refresh", help="sign a new timestamp (and upload it)")
    refresh.add_argument("repo", type=Path)
    _platform_args(refresh, required=False)
    rotate = sub.add_parser("rotate", help="replace a role's key (needs the root keys)")
    rotate.add_argument("repo", type=Path)
    rotate.add_argument("role", choices=ROLES)
    rotate.add_argument("--root-keys", type=Path, required=True)
    rotate.add_argument("--new-root-keys", type=Path, help="where a new root key goes")
    export = sub.add_parser("export", help="copy the signed repository for a USB drive")
    export.add_argument("repo", type=Path)
    export.add_argument("dest", type=Path)
    status = sub.add_parser("status", help="what each kiosk reported having applied")
    _platform_args(status)
    listing = sub.add_parser("list", help="the bundles in a repository")
    listing.add_argument("repo", type=Path)
    return p


def _platform_args(cmd: argparse.ArgumentParser, required: bool = True) -> None:
    cmd.add_argument("--platform", required=required, help="e.g. https://yiwangtong.example")
    cmd.add_argument("--user", required=required, help="a console administrator")


def _admin(args: argparse.Namespace) -> PlatformAdmin:
    password = os.environ.get("KIOSK_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"{args.user} 的密码: ")
    return PlatformAdmin(args.platform, args.user, password)


def _bundle_values(path: Path) -> dict:
    text = read_text(path)
    if path.suffix == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise SettingsError(f"{path}: not JSON: {exc}") from None
        parse_bundle(text.encode(), Settings(), str(path))
        return doc
    return parse_toml(text, str(path))


def _build(args: argparse.Namespace, repo: Repository) -> tuple[int, bytes]:
    version = repo.next_bundle_version()
    return version, bundle_from_toml(parse_toml(read_text(args.file), str(args.file)), version,
                                     args.scope)


def _run(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "init":
        repo = Repository.init(args.repo, args.root_keys, threshold=args.threshold)
        print(f"已创建配置仓库 {repo.path}；根密钥在 {args.root_keys}，请离线保管。")
        return 0
    if cmd == "hash-pin":
        from kiosk.pin import hash_pin_command     # the kiosk's own rule for a PIN
        return hash_pin_command()
    if cmd == "validate":
        values = _bundle_values(args.file)
        if args.file.suffix != ".json":
            bundle_from_toml(values, 1, "all")
        print(f"{args.file}: OK")
        return 0
    if cmd in ("build", "publish"):
        repo = Repository(args.repo)
        version, raw = _build(args, repo)
        if cmd == "build":
            if args.out:
                args.out.write_bytes(raw)
            else:
                sys.stdout.write(raw.decode() + "\n")
            return 0
        published = repo.add_bundle(args.scope, version, raw)
        answer = _admin(args).push(repo)
        print(f"已发布配置版本 {published.version} → {args.scope}（时间戳 "
              f"{answer.get('timestamp_version')}）")
        return 0
    if cmd == "push":
        answer = _admin(args).push(Repository(args.repo))
        print(f"已上传：{answer.get('written')} 个文件，根版本 {answer.get('root_version')}")
        return 0
    if cmd == "refresh":
        repo = Repository(args.repo)
        print(f"新时间戳版本 {repo.refresh_timestamp()}")
        if args.platform:
            _admin(args).push(repo)
        return 0
    if cmd == "rotate":
        version = Repository(args.repo).rotate(args.role, args.root_keys, args.new_root_keys)
        print(f"已更换 {args.role} 密钥：根版本 {version}。请用 kiosk-admin push 上传。")
        return 0
    if cmd == "export":
        out = Repository(args.repo).export(args.dest)
        print(f"已导出签名配置到 {out}；在一体机的维护模式中导入。")
        return 0
    if cmd == "list":
        for b in Repository(args.repo).bundles():
            print(f"{b.scope:32} 版本 {b.version:<5} {b.sha256[:12]}  {b.length} 字节")
        return 0
    if cmd == "status":
        for k in _admin(args).fleet():
            state = k.get("config_version") or "安装配置"
            extra = f"  拒绝：{k['refused']}" if k.get("refused") else ""
            extra += f"  {k['rolled_back']}" if k.get("rolled_back") else ""
            print(f"{k.get('kiosk_id'):24} 配置 {state!s:8} 最后心跳 {k.get('last_seen') or '从未'}"
                  f"  {' '.join(k.get('flags') or [])}{extra}")
        return 0
    raise AssertionError(cmd)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (RepoError, AdminError, SettingsError, BundleError, OSError) as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
