"""The world of the signed-configuration tests: a real TUF repository (``admin.repo``), an
installed kiosk trusting its root, the kiosk's applied-bundle store and updater, and an audit
that records. Shared by ``test_signed_config`` and ``test_signed_catalogues``."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from admin.repo import Repository
from kiosk.config.applied import AppliedConfig
from kiosk.config.updater import BundleUpdater
from tests.kiosk.config.test_signed_config import RecordingAudit, _installed


@pytest.fixture
def world(tmp_path: Path):
    repo = Repository.init(tmp_path / "repo", tmp_path / "root-keys")
    shutil.copy(repo.metadata_dir / "1.root.json", tmp_path / "installed-root.json")
    installed = _installed(tmp_path, tmp_path / "installed-root.json")
    audit = RecordingAudit()
    applied = AppliedConfig(installed.config_dir, audit=audit)
    return repo, installed, applied, BundleUpdater(installed, applied, audit), audit
