"""The administrators' TUF repository of configuration bundles, built with tuf's Metadata API.

A repository is a folder: ``metadata/`` (root, targets, snapshot, timestamp, in consistent-
snapshot naming), ``targets/`` (bundle files named by their SHA-256) and ``keys/`` (the PEM
keys of the targets, snapshot and timestamp roles, 0600). The root key is kept apart, in a
folder the administrator names (a USB stick kept in a safe): only ``init`` and ``rotate`` ask
for it, so a stolen laptop cannot change whom the fleet trusts.

Bundles are targets at fixed paths per scope (``bundle_path``), with custom target metadata
``{"bundle_version": N, "scope": "group:township"}``; bundle versions increase across the whole
repository, so "older than the one applied" means the same on every kiosk. The catalogues a
bundle names are plain targets beside it, under ``catalogues/``, signed in the same targets
version as the bundle; ``catalogue_path`` names one by its content, so a path never changes
what it holds.

What it does not do: talk to the platform (``admin.platform``) or validate a bundle's settings
(``kiosk.config.bundle``, called by ``admin.cli`` before anything is signed).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import (Metadata, MetaFile, Root, Snapshot, TargetFile, Targets,
                              Timestamp)
from tuf.api.serialization.json import JSONSerializer

from kiosk.config.bundle import bundle_path
from kiosk.domain import catalogues

ROLES = (Root.type, Targets.type, Snapshot.type, Timestamp.type)
ONLINE_ROLES = (Targets.type, Snapshot.type, Timestamp.type)
#: How long each role's signature stays good. Short for the timestamp: a kiosk refuses a
#: repository frozen by an attacker (or a USB copy kept too long) once it expires.
EXPIRY_DAYS = {Root.type: 365, Targets.type: 90, Snapshot.type: 30, Timestamp.type: 14}
_SERIALIZER = JSONSerializer(compact=False)


class RepoError(Exception):
    """The repository or a key folder cannot be used as asked; the message says why."""


#: The stem of each catalogue's target name (the shipped file's name).
CATALOGUE_STEMS = {catalogues.SCOPE: "business_scope", catalogues.REGIONS: "regions"}


def catalogue_path(catalogue: str, data: bytes) -> str:
    """The target path of a catalogue file, named by its content:
    ``catalogues/business_scope-<16 hex of its SHA-256>.json``."""
    return f"catalogues/{CATALOGUE_STEMS[catalogue]}-{hashlib.sha256(data).hexdigest()[:16]}.json"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _write_key(path: Path, signer: CryptoSigner) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(signer.private_bytes)


def _read_key(path: Path) -> CryptoSigner:
    try:
        return CryptoSigner(load_pem_private_key(path.read_bytes(), password=None))
    except FileNotFoundError:
        raise RepoError(f"no key at {path}") from None
    except (OSError, ValueError, TypeError) as exc:
        raise RepoError(f"{path}: not a usable private key ({type(exc).__name__})") from None


@dataclass(frozen=True)
class Published:
    """One bundle as the repository lists it."""

    path: str
    scope: str
    version: int
    sha256: str
    length: int


class Repository:
    """An initialised repository folder. ``Repository.init`` makes one."""

    def __init__(self, path: Path, *, now: dt.datetime | None = None) -> None:
        self.path = Path(path)
        self._now = now
        if not (self.metadata_dir / "root.json").is_file():
            raise RepoError(f"{self.path} is not a repository (kiosk-admin init makes one)")

    # ------------------------------------------------------------------ layout

    @property
    def metadata_dir(self) -> Path:
        return self.path / "metadata"

    @property
    def targets_dir(self) -> Path:
        return self.path / "targets"

    @property
    def keys_dir(self) -> Path:
        return self.path / "keys"

    def now(self) -> dt.datetime:
        return self._now or _now()

    # ------------------------------------------------------------------ creating

    @classmethod
    def init(cls, path: Path, root_keys: Path, *, threshold: int = 1,
             now: dt.datetime | None = None) -> Repository:
        """Create a repository with fresh keys; the root keys go to ``root_keys`` only.

        Args:
            path: the new repository folder (must not hold a repository yet).
            root_keys: where the root key(s) are written: keep this folder offline.
            threshold: how many root keys must sign a new root (as many keys are made).
        Raises:
            RepoError: a repository or root keys already exist there.
        """
        path, root_keys = Path(path), Path(root_keys)
        if (path / "metadata" / "root.json").exists():
            raise RepoError(f"{path} already holds a repository")
        if root_keys.exists() and any(root_keys.glob("root-*.pem")):
            raise RepoError(f"{root_keys} already holds root keys; use a new folder")
        if not 1 <= threshold <= 5:
            raise RepoError("the root threshold is between 1 and 5")
        now = now or _now()
        root = Metadata(Root(expires=now + dt.timedelta(days=EXPIRY_DAYS[Root.type]),
                             consistent_snapshot=True))
        root_signers = []
        for n in range(threshold):
            signer = CryptoSigner.generate_ed25519()
            _write_key(root_keys / f"root-{n + 1}.pem", signer)
            root.signed.add_key(signer.public_key, Root.type)
            root_signers.append(signer)
        root.signed.roles[Root.type].threshold = threshold
        for role in ONLINE_ROLES:
            signer = CryptoSigner.generate_ed25519()
            _write_key(path / "keys" / f"{role}.pem", signer)
            root.signed.add_key(signer.public_key, role)
        (path / "metadata").mkdir(parents=True, exist_ok=True)
        (path / "targets").mkdir(parents=True, exist_ok=True)
        for signer in root_signers:
            root.sign(signer, append=True)
        repo = cls.__new__(cls)
        repo.path, repo._now = path, now
        repo._write_root(root)
        targets = Metadata(Targets(expires=now + dt.timedelta(days=EXPIRY_DAYS[Targets.type])))
        repo._sign_and_write_chain(targets, bump=False)
        return cls(path, now=now)

    # ------------------------------------------------------------------ reading

    def load(self, role: str) -> Metadata:
        return Metadata.from_file(str(self.metadata_dir / f"{role}.json"))

    def bundles(self) -> list[Published]:
        """Every bundle target, most specific scope last."""
        out = []
        for path, target in sorted(self.load(Targets.type).signed.targets.items()):
            custom = target.custom or {}
            if "bundle_version" in custom:
                out.append(Published(path, str(custom.get("scope", "")),
                                     int(custom["bundle_version"]), target.hashes["sha256"],
                                     target.length))
        return out

    def next_bundle_version(self) -> int:
        return max((b.version for b in self.bundles()), default=0) + 1

    # ------------------------------------------------------------------ publishing

    def target_file(self, path: str) -> Path | None:
        """Where the repository stores the target at ``path`` (None: it holds none)."""
        target = self.load(Targets.type).signed.targets.get(path)
        if target is None:
            return None
        return self.targets_dir / Path(path).parent / f"{target.hashes['sha256']}.{Path(path).name}"

    def catalogues(self) -> list[tuple[str, int]]:
        """The catalogue targets, (path, length), by path."""
        return [(p, t.length) for p, t in sorted(self.load(Targets.type).signed.targets.items())
                if p.startswith("catalogues/")]

    def add_bundle(self, scope: str, version: int, data: bytes, *,
                   files: dict[str, bytes] | None = None) -> Published:
        """Add (or replace) the bundle of a scope, with the plain targets it names (``files``:
        target path -> bytes, its catalogues), and sign targets, snapshot and timestamp once.

        Raises:
            RepoError: the version is not above every bundle already in the repository.
        """
        if version < self.next_bundle_version():
            raise RepoError(f"bundle version {version} is not above the repository's "
                            f"{self.next_bundle_version() - 1}")
        targets = self.load(Targets.type)
        for path, content in (files or {}).items():
            targets.signed.targets[path] = self._store(path, content)
        path = bundle_path(scope)
        target = self._store(path, data)
        target.unrecognized_fields["custom"] = {"bundle_version": version, "scope": scope}
        targets.signed.targets[path] = target
        self._sign_and_write_chain(targets)
        return Published(path, scope, version, target.hashes["sha256"], len(data))

    def add_file(self, path: str, data: bytes) -> None:
        """Add a plain target on its own (a catalogue a later bundle names); signs like
        ``add_bundle``."""
        targets = self.load(Targets.type)
        targets.signed.targets[path] = self._store(path, data)
        self._sign_and_write_chain(targets)

    def _store(self, path: str, data: bytes) -> TargetFile:
        # Consistent snapshots: the file is stored under its hash, as a kiosk asks for it.
        digest = hashlib.sha256(data).hexdigest()
        stored = self.targets_dir / Path(path).parent / f"{digest}.{Path(path).name}"
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(data)
        return TargetFile.from_data(path, data, ["sha256"])

    def refresh_timestamp(self) -> int:
        """Sign a new timestamp (its expiry moves on): run it before the last one expires."""
        timestamp = self.load(Timestamp.type)
        timestamp.signed.version += 1
        timestamp.signed.expires = self.now() + dt.timedelta(days=EXPIRY_DAYS[Timestamp.type])
        timestamp.sign(self._signer(Timestamp.type), append=False)
        timestamp.to_file(str(self.metadata_dir / "timestamp.json"), _SERIALIZER)
        return timestamp.signed.version

    # ------------------------------------------------------------------ keys

    def rotate(self, role: str, root_keys: Path, new_root_keys: Path | None = None) -> int:
        """Replace a role's key: a new root, signed by the current root key(s), names it.

        For ``root`` itself the new root is signed by the old and the new root keys, so a
        kiosk that trusts the old root follows to the new one (TUF's root rotation); the new
        root key goes to ``new_root_keys``. Returns the new root's version.

        Raises:
            RepoError: unknown role, or the root keys are missing.
        """
        if role not in ROLES:
            raise RepoError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        old_signers = self._root_signers(Path(root_keys))
        root = self.load(Root.type)
        root.signed.version += 1
        root.signed.expires = self.now() + dt.timedelta(days=EXPIRY_DAYS[Root.type])
        new_signer = CryptoSigner.generate_ed25519()
        for keyid in list(root.signed.roles[role].keyids):
            root.signed.revoke_key(keyid, role)
        root.signed.add_key(new_signer.public_key, role)
        if role == Root.type:
            if new_root_keys is None:
                raise RepoError("rotating the root key needs a folder for the new root key")
            root.signed.roles[Root.type].threshold = 1
            _write_key(Path(new_root_keys) / "root-1.pem", new_signer)
            signers = [*old_signers, new_signer]
        else:
            replaced = self.keys_dir / f"{role}.pem"
            replaced.replace(self.keys_dir / f"{role}.pem.retired-v{root.signed.version}")
            _write_key(replaced, new_signer)
            signers = old_signers
        root.signatures.clear()
        for signer in signers:
            root.sign(signer, append=True)
        self._write_root(root)
        # Re-sign what the new key now signs (and what lists it), so the chain verifies.
        self._sign_and_write_chain(self.load(Targets.type))
        return root.signed.version

    # ------------------------------------------------------------------ copies

    def export(self, dest: Path) -> Path:
        """A signed copy of the repository (metadata and targets, no keys) at ``dest``, for a
        USB drive taken to an offline kiosk. Returns the folder written."""
        dest = Path(dest)
        out = dest / "kiosk-config"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(self.metadata_dir, out / "metadata")
        shutil.copytree(self.targets_dir, out / "targets")
        return out

    def files(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """(metadata files, target files) by their names in the repository, for publishing."""
        # What a kiosk fetches: versioned roots, targets and snapshots (consistent snapshots)
        # and the one unversioned timestamp; of the targets, only those the current targets
        # metadata names (a kiosk never asks for a replaced one, and a 0.8 MB regions
        # catalogue replaced a few times would outgrow the platform's upload limit).
        metadata = {p.name: p.read_bytes() for p in sorted(self.metadata_dir.glob("*.json"))
                    if p.name[0].isdigit() or p.name == "timestamp.json"}
        named = set()
        for path, target in self.load(Targets.type).signed.targets.items():
            named.add(str(Path(path).parent / f"{target.hashes['sha256']}.{Path(path).name}"))
        targets = {str(p.relative_to(self.targets_dir)): p.read_bytes()
                   for p in sorted(self.targets_dir.rglob("*")) if p.is_file()
                   and str(p.relative_to(self.targets_dir)) in named}
        return metadata, targets

    # ------------------------------------------------------------------ internals

    def _signer(self, role: str) -> CryptoSigner:
        return _read_key(self.keys_dir / f"{role}.pem")

    def _root_signers(self, folder: Path) -> list[CryptoSigner]:
        paths = sorted(folder.glob("root-*.pem"))
        if not paths:
            raise RepoError(f"no root keys (root-*.pem) in {folder}")
        return [_read_key(p) for p in paths]

    def _write_root(self, root: Metadata) -> None:
        root.to_file(str(self.metadata_dir / f"{root.signed.version}.root.json"), _SERIALIZER)
        root.to_file(str(self.metadata_dir / "root.json"), _SERIALIZER)

    def _sign_and_write_chain(self, targets: Metadata, *, bump: bool = True) -> None:
        now = self.now()
        if bump:
            targets.signed.version += 1
        targets.signed.expires = now + dt.timedelta(days=EXPIRY_DAYS[Targets.type])
        targets.sign(self._signer(Targets.type), append=False)
        v = targets.signed.version
        targets.to_file(str(self.metadata_dir / f"{v}.targets.json"), _SERIALIZER)
        targets.to_file(str(self.metadata_dir / "targets.json"), _SERIALIZER)

        snapshot_path = self.metadata_dir / "snapshot.json"
        if snapshot_path.exists():
            snapshot = self.load(Snapshot.type)
            snapshot.signed.version += 1
        else:
            snapshot = Metadata(Snapshot())
        snapshot.signed.meta["targets.json"] = MetaFile(version=v)
        snapshot.signed.expires = now + dt.timedelta(days=EXPIRY_DAYS[Snapshot.type])
        snapshot.sign(self._signer(Snapshot.type), append=False)
        sv = snapshot.signed.version
        snapshot.to_file(str(self.metadata_dir / f"{sv}.snapshot.json"), _SERIALIZER)
        snapshot.to_file(str(snapshot_path), _SERIALIZER)

        timestamp_path = self.metadata_dir / "timestamp.json"
        if timestamp_path.exists():
            timestamp = self.load(Timestamp.type)
            timestamp.signed.version += 1
        else:
            timestamp = Metadata(Timestamp())
        timestamp.signed.snapshot_meta = MetaFile(version=sv)
        timestamp.signed.expires = now + dt.timedelta(days=EXPIRY_DAYS[Timestamp.type])
        timestamp.sign(self._signer(Timestamp.type), append=False)
        timestamp.to_file(str(timestamp_path), _SERIALIZER)
