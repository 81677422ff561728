"""Benchmark (long): scripted visits one after another in one kiosk process.

``kiosk run --headless --visits N`` (default 500, about 4 s a visit) with the simulated devices
and the platform on loopback, as tests/e2e/test_soak.py runs a short one. Results: resident
memory after the last visit against after the 50th (target at most 1.10), and files left in the
sessions directory after the wipes (target 0). Only ``python -m bench --long`` runs it.

Run: ``python bench/soak.py [--visits N]``
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.result import Result, emit  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=500)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(f'data_dir = "{Path(tmp) / "data"}"\n', encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--headless",
                               "--visits", str(args.visits), "--out", str(Path(tmp) / "out")],
                              env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                       KIOSK_CONFIG=str(config)),
                              capture_output=True, text=True, timeout=12 * args.visits, cwd=ROOT)
    batches = [json.loads(line)["batch"] for line in done.stdout.splitlines()
               if line.startswith('{"batch"')]
    if done.returncode != 0 or not batches:
        print(f"the kiosk died after {batches[-1]['visits'] if batches else 0} visits:\n"
              f"{done.stderr[-2000:]}", file=sys.stderr)
        return 1
    at_50 = next(b for b in batches if b["visits"] >= 50)
    last = batches[-1]
    for b in batches:
        print(f"after {b['visits']:5d} visits: {b['rss_bytes'] / 2 ** 20:6.1f} MiB, "
              f"{b['threads']} threads, {b['open_fds']} files, {b['sessions_left']} left")
    emit(Result("soak_rss_growth", last["rss_bytes"] / 2 ** 20, "MiB", target=1.10,
                baseline=at_50["rss_bytes"] / 2 ** 20),
         Result("soak_sessions_left", max(b["sessions_left"] for b in batches), "entries",
                target=0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
