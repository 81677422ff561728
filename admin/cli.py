"""The ``kiosk-admin`` command.

    kiosk-admin init REPO --root-keys DIR [--threshold N]     new repository, root keys apart
    kiosk-admin hash-pin                                      argon2id hash of a PIN (stdin)
    kiosk-admin validate FILE [CATALOGUES]                    a bundle TOML (or JSON) vs the schema
    kiosk-admin build FILE --to SCOPE --repo REPO [--out F] [CATALOGUES]   the JSON it would sign
    kiosk-admin publish FILE --to SCOPE --repo REPO --platform URL --user NAME [CATALOGUES]
    kiosk-admin push REPO --platform URL --user NAME          upload the signed repository
    kiosk-admin refresh REPO [--platform URL --user NAME]     new timestamp before it expires
    kiosk-admin rotate REPO ROLE --root-keys DIR [--new-root-keys DIR]
    kiosk-admin export REPO DEST                              signed copy for a USB drive
    kiosk-admin status --platform URL --user NAME             what each kiosk applied
    kiosk-admin list REPO                                     what the repository holds

SCOPE is ``all``, ``group:<group>`` (hall, township, bank, county-330106, ...) or
``kiosk:<kiosk id>``. CATALOGUES are ``--scope-catalogue FILE`` (经营范围) and
``--regions-catalogue FILE`` (行政区划), JSON of the shape of ``assets/catalogues/
business_scope.json`` and ``regions.json``: checked by the kiosk's own rules, signed as targets
beside the bundle (``catalogues/<name>-<hash>.json``) and named in its ``[catalogues]``. The password is read from ``KIOSK_ADMIN_PASSWORD`` or asked for.
Exit codes: 0 done, 2 refused (the message says why), nothing half-written.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
from pathlib import Path

from admin.platform import AdminError, PlatformAdmin
from admin.repo import ROLES, Repository, RepoError, catalogue_path
from contract.bundles import is_scope
from kiosk.config.bundle import BundleError, bundle_from_toml, parse_bundle
from kiosk.config.settings import Settings, SettingsError, parse_toml, read_limited, read_text
from kiosk.domain import catalogues
from kiosk.domain.catalogues import CatalogueError


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
    _catalogue_args(val)
    for name in ("build", "publish"):
        cmd = sub.add_parser(name, help="build a bundle" if name == "build"
                             else "build, sign and upload a bundle")
        cmd.add_argument("file", type=Path, help="the readable TOML of the bundle")
        cmd.add_argument("--to", type=_scope, required=True, dest="scope")
        cmd.add_argument("--repo", type=Path, required=True)
        _catalogue_args(cmd)
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


def _catalogue_args(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--scope-catalogue", type=Path, metavar="JSON",
                     help="经营范围目录: replaces the shipped business_scope.json on the kiosks")
    cmd.add_argument("--regions-catalogue", type=Path, metavar="JSON",
                     help="行政区划目录: replaces the shipped regions.json on the kiosks")


def _catalogue_files(args: argparse.Namespace) -> dict[str, tuple[str, bytes]]:
    """The catalogue files given, checked by the kiosk's rules: kind -> (target path, bytes)."""
    out = {}
    for kind, path in ((catalogues.SCOPE, args.scope_catalogue),
                       (catalogues.REGIONS, args.regions_catalogue)):
        if path is not None:
            data = read_limited(path, catalogues.MAX_FILE_BYTES)
            catalogues.check(kind, data, str(path))
            out[kind] = (catalogue_path(kind, data), data)
    return out


def _regions(files: dict[str, tuple[str, bytes]], named: dict, repo: Repository | None,
             where: Path) -> catalogues.RegionLookup | None:
    """The regions catalogue the bundle's region code is checked against: the one given, the
    one the repository holds at the path the TOML names, or (None) the shipped one."""
    if catalogues.REGIONS in files:
        return _lookup(files[catalogues.REGIONS][1])
    target = named.get(catalogues.REGIONS)
    if target and repo is not None:
        stored = repo.target_file(target)
        if stored is None:
            raise RepoError(f"{where}: [catalogues] regions names {target}, which the "
                            "repository does not hold; give the file with --regions-catalogue")
        return catalogues.region_lookup(stored)
    return None


def _lookup(data: bytes) -> catalogues.RegionLookup:
    with tempfile.TemporaryDirectory() as tmp:    # the lookup keeps the table, not the file
        path = Path(tmp) / "regions.json"
        path.write_bytes(data)
        return catalogues.region_lookup(path)


def _name_catalogues(values: dict, files: dict[str, tuple[str, bytes]], repo: Repository | None,
                     where: Path) -> catalogues.RegionLookup | None:
    """Name the given catalogues in the bundle's ``[catalogues]``; one the TOML names without a
    file must be in the repository already. Returns the regions lookup to check against."""
    named = values.setdefault("catalogues", {}) if files else values.get("catalogues", {})
    if not isinstance(named, dict):
        return None                        # the schema says what is wrong with it
    for kind, (target, _) in files.items():
        if named.get(kind) not in (None, "", target):
            raise SettingsError(f"{where}: [catalogues] {kind} names {named[kind]!r} and "
                                f"--{kind}-catalogue gives a file: name only one")
        named[kind] = target
    for kind, target in named.items():
        if isinstance(target, str) and target and kind not in files and repo is not None \
                and repo.target_file(target) is None:
            raise RepoError(f"{where}: [catalogues] {kind} names {target}, which the "
                            f"repository does not hold; give the file with --{kind}-catalogue")
    return _regions(files, named, repo, where)


def _admin(args: argparse.Namespace) -> PlatformAdmin:
    password = os.environ.get("KIOSK_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"{args.user} 的密码: ")
    return PlatformAdmin(args.platform, args.user, password)


def _validate(args: argparse.Namespace) -> None:
    files = _catalogue_files(args)
    text = read_text(args.file)
    if args.file.suffix == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise SettingsError(f"{args.file}: not JSON: {exc}") from None
        named = ((doc.get("settings") or {}).get("catalogues") or {}) if isinstance(doc, dict) \
            else {}
        regions = _regions(files, named if isinstance(named, dict) else {}, None, args.file)
        parse_bundle(text.encode(), Settings(), str(args.file), regions=regions)
        return
    values = parse_toml(text, str(args.file))
    regions = _name_catalogues(values, files, None, args.file)
    bundle_from_toml(values, 1, "all", regions=regions)


def _build(args: argparse.Namespace, repo: Repository) -> tuple[int, bytes, dict[str, bytes]]:
    """(version, bundle bytes, catalogue targets to sign with it)."""
    files = _catalogue_files(args)
    values = parse_toml(read_text(args.file), str(args.file))
    regions = _name_catalogues(values, files, repo, args.file)
    version = repo.next_bundle_version()
    raw = bundle_from_toml(values, version, args.scope, regions=regions)
    return version, raw, dict(files.values())


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
        _validate(args)
        print(f"{args.file}: OK")
        return 0
    if cmd in ("build", "publish"):
        repo = Repository(args.repo)
        version, raw, files = _build(args, repo)
        if cmd == "build":
            if args.out:
                args.out.write_bytes(raw)
            else:
                sys.stdout.write(raw.decode() + "\n")
            return 0
        admin = _admin(args)               # the password asked before anything is signed
        published = repo.add_bundle(args.scope, version, raw, files=files)
        answer = admin.push(repo)
        print(f"已发布配置版本 {published.version} → {args.scope}（时间戳 "
              f"{answer.get('timestamp_version')}）")
        for target in files:
            print(f"  附带目录 {target}")
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
        repo = Repository(args.repo)
        for b in repo.bundles():
            print(f"{b.scope:32} 版本 {b.version:<5} {b.sha256[:12]}  {b.length} 字节")
        for path, length in repo.catalogues():
            print(f"{path:56} {length} 字节")
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
    except (RepoError, AdminError, SettingsError, BundleError, CatalogueError, OSError) as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
