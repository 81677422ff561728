"""``deploy/install-kiosk`` and ``deploy/install-central``: what a locked-down kiosk, and a
county's platform, need on Debian 12, installed from this checkout.

The kiosk: Debian's packages (cage for the session), the ``kiosk`` system user, a release with
its own virtual environment beside the previous one, ``/etc/kiosk/kiosk.toml`` from the
template and the answers (kiosk id, platform URL and keys, root of trust; checked with the
kiosk's own schema before it is written), the kiosk's key, udev rules (the reader as
``/dev/idcard``, the receipt printer, USB drives mounted ``noexec``), the licence printer in
CUPS, no blanking, time sync, and ``kiosk.service``. The platform: the same for
``kiosk-central``, its keys, and ``for-kiosks.toml`` for the kiosks' installs. How each step is
written, planned or run, and why a second run changes nothing: ``deploy/installer.py``.

What it does not do: partition disks, set up the network, or know the hardware's USB ids
(``deploy/files/devices.toml`` holds them, UNCONFIRMED).
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from installer import (CHECKOUT, FILES, InstallError, Installer, release_id,  # noqa: E402
                       toml_string)

KIOSK_PACKAGES = ("cage", "python3", "python3-venv", "fonts-noto-cjk", "libpulse0", "libegl1",
                  "libgl1", "libxkbcommon0", "libwayland-client0", "libwayland-cursor0",
                  "libwayland-egl1", "libfontconfig1", "libdbus-1-3", "libglib2.0-0",
                  "libusb-1.0-0", "cups", "cups-client", "systemd-timesyncd", "udev",
                  "speech-dispatcher", "espeak-ng")
CENTRAL_PACKAGES = ("python3", "python3-venv", "systemd-timesyncd")
LICENCE_QUEUE = "kiosk-licence"


# ----- answers ------------------------------------------------------------------------------------
def _ask(args: argparse.Namespace, key: str, question: str, default: str = "") -> str:
    value = getattr(args, key)
    if value not in (None, ""):
        return str(value)
    if default:
        return default
    if sys.stdin.isatty():
        answer = input(f"{question}: ").strip()
        if answer:
            return answer
    raise InstallError(f"no answer for --{key.replace('_', '-')} ({question})",
                       f"run again with --{key.replace('_', '-')} VALUE")


def _previous_settings(inst: Installer) -> dict:
    p = inst.path("/etc/kiosk/kiosk.toml")
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _platform_keys(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("platform", {})
    except (OSError, ValueError) as exc:
        raise InstallError(f"{path}: cannot be read as the platform's for-kiosks.toml ({exc})",
                           "copy for-kiosks.toml from the platform server "
                           "(/etc/kiosk-central/for-kiosks.toml) and pass it again") from None


def _trusted_root(path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
        signed = json.loads(data)["signed"]
        assert signed["_type"] == "root"
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise InstallError(f"{path}: not a TUF root metadata file (1.root.json)",
                           "copy 1.root.json from the administrators' repository "
                           "(kiosk-admin init wrote it) and pass it with --trusted-root") from None
    return data


def _usb_ids(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    ids = tomllib.loads((FILES / "devices.toml").read_text(encoding="utf-8"))
    for key, flag in (("idcard_reader", args.reader_usb), ("receipt_printer", args.receipt_usb)):
        if flag:
            vendor, _, product = flag.partition(":")
            if not (len(vendor) == len(product) == 4 and all(
                    c in "0123456789abcdef" for c in (vendor + product).lower())):
                raise InstallError(f"{flag!r}: a USB id is vvvv:pppp in hex (lsusb shows it)",
                                   "run again with the id lsusb prints, e.g. 1a86:7523")
            ids[key] = {"vendor": vendor.lower(), "product": product.lower()}
    return ids


# ----- the kiosk ----------------------------------------------------------------------------------
def install_kiosk(args: argparse.Namespace, inst: Installer) -> None:
    before = _previous_settings(inst)
    old_platform, old_fleet = before.get("platform", {}), before.get("fleet", {})
    keys = _platform_keys(args.platform_keys)
    kiosk_id = _ask(args, "kiosk_id", "本机编号 kiosk id (e.g. kiosk-330106-0001)",
                    before.get("kiosk_id", ""))
    url = _ask(args, "platform_url", "平台地址 platform URL (e.g. https://yiwangtong.example)",
               keys.get("url") or old_platform.get("url", ""))
    public_key = args.public_key or keys.get("public_key") or old_platform.get("public_key", "")
    decision_key = (args.decision_key or keys.get("decision_key")
                    or old_platform.get("decision_key", ""))
    root_file = _ask(args, "trusted_root", "信任根 root of trust (1.root.json, or 'none')",
                     "keep" if old_fleet.get("trusted_root") else "")
    groups = (args.groups.split(",") if args.groups is not None
              else list(old_fleet.get("groups", [])))
    ids = _usb_ids(args)
    old_devices = before.get("devices", {})
    simulated = (args.devices == "simulated" if args.devices is not None
                 else old_devices.get("idcard", "").startswith("sim"))

    inst.foundation("kiosk", KIOSK_PACKAGES)

    inst.out("== the software: a release beside the previous one")
    rid = inst.release("kiosk", args.python_env, ("pyusb",), args.release_id or release_id())
    inst.write("/opt/kiosk/bin/kiosk-release",
               (CHECKOUT / "kiosk" / "config" / "releases.py").read_bytes(), 0o755)
    inst.make_current("kiosk", rid, "/var/lib/kiosk/release")
    python = inst.path(f"/opt/kiosk/releases/{rid}/venv/bin/python")

    inst.out("== settings")
    trusted = ""
    if root_file not in ("none", "keep"):
        inst.write("/etc/kiosk/root.json", _trusted_root(root_file), 0o644)
        trusted = inst.named("/etc/kiosk/root.json")
    elif root_file == "keep":
        trusted = old_fleet.get("trusted_root", "")
    kept_cups = old_devices.get("licence_printer") == f"cups:{LICENCE_QUEUE}"
    licence = (f"cups:{LICENCE_QUEUE}" if (args.licence_printer_uri or kept_cups)
               and not simulated else "pdf")
    if args.receipt_printer or simulated:
        receipt = args.receipt_printer or "sim"
    elif old_devices.get("receipt_printer", "sim") != "sim" and not args.receipt_usb:
        receipt = old_devices["receipt_printer"]          # as installed before (e.g. tcp://)
    else:
        receipt = f"usb://0x{ids['receipt_printer']['vendor']}:0x{ids['receipt_printer']['product']}"
    settings = inst.template("kiosk.toml.template", {
        "ETC": inst.named("/etc/kiosk"), "OPT": inst.named("/opt/kiosk"),
        "VAR": inst.named("/var/lib/kiosk"), "KIOSK_ID": toml_string(kiosk_id),
        "PLATFORM_URL": toml_string(url), "PUBLIC_KEY": toml_string(public_key),
        "DECISION_KEY": toml_string(decision_key), "TRUSTED_ROOT": toml_string(trusted),
        "GROUPS": json.dumps([g.strip() for g in groups if g.strip()]),
        "IDCARD": "sim:" if simulated else "/dev/idcard",
        "CAMERA": "sim://live" if simulated else "0",
        "RECEIPT_PRINTER": toml_string(receipt), "LICENCE_PRINTER": licence})
    check_settings(inst, python, settings)
    inst.write("/etc/kiosk/kiosk.toml", settings, 0o640, None)
    if inst.real:
        os.chown(inst.path("/etc/kiosk/kiosk.toml"), 0, pwd.getpwnam("kiosk").pw_gid)
    identity(inst, python, kiosk_id)

    inst.out("== devices: udev rules, licence printer")
    uid, gid = inst.uid_gid("kiosk")
    rules = inst.write("/etc/udev/rules.d/70-kiosk-devices.rules", inst.template(
        "udev/70-kiosk-devices.rules", {
            "READER_VENDOR": ids["idcard_reader"]["vendor"],
            "READER_PRODUCT": ids["idcard_reader"]["product"],
            "RECEIPT_VENDOR": ids["receipt_printer"]["vendor"],
            "RECEIPT_PRODUCT": ids["receipt_printer"]["product"]}), 0o644)
    rules |= inst.write("/etc/udev/rules.d/71-kiosk-usb-drives.rules", inst.template(
        "udev/71-kiosk-usb-drives.rules", {"KIOSK_UID": str(uid), "KIOSK_GID": str(gid)}), 0o644)
    if rules:
        inst.system(["udevadm", "control", "--reload"], "the new udev rules")
        inst.system(["udevadm", "trigger"], "apply them to what is plugged in")
    licence_printer(inst, args.licence_printer_uri if not simulated else None,
                    kept=kept_cups and not simulated)

    inst.out("== screen, power and clock")
    inst.write("/etc/systemd/logind.conf.d/kiosk.conf",
               (FILES / "logind" / "kiosk.conf").read_bytes(), 0o644)
    if inst.write("/etc/default/grub.d/kiosk.cfg", (FILES / "grub" / "kiosk.cfg").read_bytes(),
                  0o644):
        inst.system(["update-grub"], "consoleblank=0 on the kernel command line", check=False)
    inst.timesync(args.ntp or "")

    inst.out("== the service")
    inst.write("/etc/pam.d/kiosk", (FILES / "pam.d" / "kiosk").read_bytes(), 0o644)
    units = inst.unit("kiosk.service", inst.template("systemd/kiosk.service", {
        "OPT": inst.named("/opt/kiosk"), "ETC": inst.named("/etc/kiosk"),
        "VAR": inst.named("/var/lib/kiosk"), "ETC_PAM": inst.named("/etc/pam.d")}))
    if inst.probe(["systemctl", "get-default"])[1].strip() != "graphical.target":
        inst.system(["systemctl", "set-default", "graphical.target"], "boot into the kiosk")
    inst.enable("kiosk.service", units)


def check_settings(inst: Installer, python: Path, text: str) -> None:
    """Validate the settings with the kiosk's own schema before they replace anything."""
    probe = inst.path("/etc/kiosk/.kiosk.toml.check")
    probe.write_text(text, encoding="utf-8")
    try:
        done = subprocess.run([str(python), "-m", "kiosk.cli", "check-config", str(probe)],
                              capture_output=True, text=True, timeout=300)
    finally:
        probe.unlink()
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().replace(str(probe), "kiosk.toml")
        raise InstallError(f"the answers do not make valid settings: {said[-600:]}",
                           "correct that answer (the key is named above) and run again; "
                           "kiosk.toml was not written (an earlier one stands)")


def identity(inst: Installer, python: Path, kiosk_id: str) -> None:
    """Create the kiosk's signing key (kept if it exists) and say how to register it."""
    inst.mkdir("/var/lib/kiosk/identity", 0o700, "kiosk")
    key = inst.named("/var/lib/kiosk/identity/kiosk.key")
    existed = Path(key).exists()
    code = ("import sys; from pathlib import Path; from kiosk.platform import identity as i; "
            "print(i.public_text(i.load_or_create(Path(sys.argv[1]))))")
    done = subprocess.run([str(python), "-c", code, key], capture_output=True, text=True,
                          timeout=120)
    if done.returncode != 0:
        raise InstallError(f"the kiosk key could not be made: {done.stderr.strip()[-300:]}",
                           "check /var/lib/kiosk is writable and not full, then run again")
    if not existed:
        inst.changed.append("/var/lib/kiosk/identity/kiosk.key")
        inst.chown("/var/lib/kiosk/identity/kiosk.key", "kiosk")
    inst._say("written" if not existed else "unchanged", "/var/lib/kiosk/identity/kiosk.key (0600)")
    public = done.stdout.strip()
    inst.out(f"  本机公钥 kiosk public key: {public}")
    inst.out("  在平台服务器上登记本机 register it on the platform server:")
    inst.out(f"    sudo -u kiosk-central /opt/kiosk-central/current/venv/bin/kiosk-central "
             f"--data /var/lib/kiosk-central --register-kiosk {kiosk_id} {public}")


def licence_printer(inst: Installer, uri: str | None, *, kept: bool = False) -> None:
    if not uri and kept:
        inst._say("unchanged", f"CUPS queue {LICENCE_QUEUE} (as set up before)")
        return
    if not uri:
        inst._say("skipped", "licence printer: no --licence-printer-uri; licences go to PDF "
                             f"files until you run: lpadmin -p {LICENCE_QUEUE} -E -v URI "
                             "-m everywhere")
        return
    code, shown = inst.probe(["lpstat", "-v", LICENCE_QUEUE])
    if code == 0 and uri in shown:
        inst._say("unchanged", f"CUPS queue {LICENCE_QUEUE} -> {uri}")
        return
    inst.system(["lpadmin", "-p", LICENCE_QUEUE, "-E", "-v", uri, "-m", "everywhere",
                 "-o", "printer-error-policy=abort-job", "-o", "media=iso_a3_297x420mm"],
                "the licence printer in CUPS (driverless IPP Everywhere)")
    inst.system(["cupsctl", "--no-share-printers", "--no-remote-admin", "--no-remote-any"],
                "CUPS serves this kiosk only")


# ----- the platform -------------------------------------------------------------------------------
def install_central(args: argparse.Namespace, inst: Installer) -> None:
    host = args.host or "0.0.0.0"
    port = str(args.port or 8765)
    public_url = args.public_url or f"http://{socket.getfqdn()}:{port}"
    inst.foundation("kiosk-central", CENTRAL_PACKAGES)

    inst.out("== the software")
    rid = inst.release("kiosk-central", args.python_env, (), args.release_id or release_id())
    inst.make_current("kiosk-central", rid, "/var/lib/kiosk-central/release")
    python = inst.path(f"/opt/kiosk-central/releases/{rid}/venv/bin/python")

    inst.out("== settings and keys")
    inst.write("/etc/kiosk-central/central.env",
               f"# kiosk-central.service reads this. deploy/install-central\n"
               f"KIOSK_CENTRAL_HOST={host}\nKIOSK_CENTRAL_PORT={port}\n", 0o644)
    data = inst.named("/var/lib/kiosk-central")
    code = ("import sys; from pathlib import Path; from central.keys import load_or_create; "
            "load_or_create(Path(sys.argv[1]))")
    done = subprocess.run([str(python), "-c", code, data], capture_output=True, text=True,
                          timeout=120)
    if done.returncode != 0:
        raise InstallError(f"the platform keys could not be made: {done.stderr.strip()[-300:]}",
                           "check /var/lib/kiosk-central is writable, then run again")
    if inst.real:
        subprocess.run(["chown", "-R", "kiosk-central:kiosk-central", data], check=False)
    keys = Path(data) / "keys"
    public = (keys / "platform_x25519.pub").read_text().strip()
    decision = (keys / "decision_ed25519.pub").read_text().strip()
    inst.write("/etc/kiosk-central/for-kiosks.toml",
               "# Give this file to every kiosk install of this county:\n"
               "#   sudo deploy/install-kiosk --platform-keys for-kiosks.toml ...\n"
               f"[platform]\nurl = \"{toml_string(public_url)}\"\n"
               f"public_key = \"{public}\"\ndecision_key = \"{decision}\"\n", 0o644)
    inst.timesync(args.ntp or "")

    inst.out("== the service")
    units = inst.unit("kiosk-central.service", inst.template("systemd/kiosk-central.service", {
        "OPT": inst.named("/opt/kiosk-central"), "ETC": inst.named("/etc/kiosk-central"),
        "VAR": data}))
    inst.enable("kiosk-central.service", units, now=True)
    inst.out(f"  平台地址 platform URL for kiosks: {public_url}")


# ----- the command --------------------------------------------------------------------------------
def _parser(product: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"install-{product}", description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=Path("/"),
                   help="install into this folder instead of / (system steps only planned)")
    p.add_argument("--python-env", type=Path,
                   help="link this existing virtual environment as the release's own instead "
                        "of building one with pip (tests; an offline install with a prepared one)")
    p.add_argument("--ntp", help="the county's NTP server (default: the public fallbacks)")
    p.add_argument("--release-id", help="name of this release (default: version+commit)")
    if product == "kiosk":
        p.add_argument("--kiosk-id", help="本机编号, e.g. kiosk-330106-0001")
        p.add_argument("--platform-url", help="the county platform, e.g. https://yiwangtong.example")
        p.add_argument("--platform-keys", type=Path,
                       help="for-kiosks.toml from install-central (URL and keys)")
        p.add_argument("--public-key", help="the platform's X25519 key (platform_x25519.pub)")
        p.add_argument("--decision-key", help="the platform's decision key (decision_ed25519.pub)")
        p.add_argument("--trusted-root", help="1.root.json of the administrators' repository, "
                                              "or 'none' (signed configuration off)")
        p.add_argument("--groups", help="fleet groups, comma-separated: township,county-330106")
        p.add_argument("--licence-printer-uri", help="the licence printer's CUPS device URI, "
                                                     "e.g. ipp://10.1.2.3/ipp/print")
        p.add_argument("--receipt-printer", help="receipt printer URI (default: usb:// with "
                                                 "the id of deploy/files/devices.toml)")
        p.add_argument("--reader-usb", help="the ID-card reader's USB id vvvv:pppp")
        p.add_argument("--receipt-usb", help="the receipt printer's USB id vvvv:pppp")
        p.add_argument("--devices", choices=("hardware", "simulated"),
                       help="simulated: a training or test kiosk with no reader or printers "
                            "(default: hardware, or what the installed settings say)")
    else:
        p.add_argument("--host", help="address to listen on (default 0.0.0.0)")
        p.add_argument("--port", type=int, help="port (default 8765)")
        p.add_argument("--public-url", help="the URL kiosks use to reach this platform")
    return p


def main(product: str, argv: list[str] | None = None) -> int:
    args = _parser(product).parse_args(argv)
    inst = Installer(args.root)
    if inst.real and os.geteuid() != 0:
        print(f"install-{product}: run it as root: sudo deploy/install-{product} ...",
              file=sys.stderr)
        return 2
    where = "/" if inst.real else f"{inst.root} (system steps planned, not run)"
    if args.release_id is not None and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,79}",
                                                        args.release_id):
        print(f"install-{product}: --release-id: letters, digits and . + _ - only",
              file=sys.stderr)
        return 2
    print(f"install-{product} {args.release_id or release_id()} into {where}")
    try:
        (install_kiosk if product == "kiosk" else install_central)(args, inst)
    except InstallError as exc:
        print(f"install-{product}: FAILED: {exc.what}\n  what to do: {exc.todo}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ninstall-{product}: stopped; run it again to finish", file=sys.stderr)
        return 130
    if inst.changed:
        print(f"install-{product}: done, {len(inst.changed)} changes")
    else:
        print(f"install-{product}: already installed, nothing changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "kiosk", sys.argv[2:]))
