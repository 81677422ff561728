"""A kiosk stopped in the middle of a visit (systemd's SIGTERM, ``run_gui`` quitting) takes the
visit's files with it, instead of leaving them on disk until the next start."""
from __future__ import annotations

import time
from pathlib import Path

from central.testing import running_platform
from kiosk.app import Kiosk
from kiosk.config.settings import parse
from kiosk.flow.session import Phase
from kiosk.platform import identity


def test_stopping_a_kiosk_wipes_the_visit_it_cut_short(tmp_path: Path) -> None:
    with running_platform(tmp_path / "central") as platform:
        key = identity.load_or_create(tmp_path / "data" / "identity" / "kiosk.key")
        settings = parse(platform.kiosk_settings("kiosk-stop-01", key.public_key(),
                                                 tmp_path / "data"))
        kiosk = Kiosk.start(settings)
        try:
            deadline = time.monotonic() + 30
            while kiosk.session.why_not_start() and time.monotonic() < deadline:
                kiosk.pump(timeout=0.2)                 # the card reader's first poll
            assert kiosk.session.begin().ok, kiosk.session.why_not_start()
            workdir = kiosk.session.workdir
            assert workdir is not None and workdir.is_dir()
            (workdir / "keyboard" / "usr_dict.dat").write_bytes(b"what the person typed")
            kiosk.session.face_jpeg[:] = b"\xff\xd8 a face"
        finally:
            kiosk.stop()
        assert kiosk.session.phase is Phase.IDLE
        assert not workdir.exists()
        assert list(settings.sessions_dir.iterdir()) == []
        assert not kiosk.session.face_jpeg
