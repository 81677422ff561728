"""``python -m bench``: run every benchmark, each in its own process, and print a table.

Each benchmark module ends with one JSON line per result (``bench/result.py``); this collects
them, prints them as a Markdown table (the README's Performance table) and exits 1 when a target
is not met. ``--long`` also runs the soak (hundreds of visits, about half an hour).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("idcard_read", "camera_face", "queue_enqueue", "sync_drain", "printer_receipt",
              "central_submit", "catalogue_search", "ui_startup", "screen_change")
LONG = ("soak",)


def run(name: str) -> list[dict]:
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], capture_output=True,
                          text=True, timeout=3600)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"name"')]
    if done.returncode != 0 or not results:
        print(f"{name}: failed (exit {done.returncode})\n{done.stderr[-1500:]}", file=sys.stderr)
    return results


def table(results: list[dict]) -> str:
    rows = ["| benchmark | median | baseline (same run) | ratio | target | met |",
            "|---|---|---|---|---|---|"]
    for r in results:
        base = "—" if r["baseline"] is None else f"{r['baseline']:g} {r['unit']}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        sign = "≤" if r["better"] == "lower" else "≥"
        target = f"{sign} {r['target']}{'×' if r['baseline'] is not None else ' ' + r['unit']}"
        rows.append(f"| {r['name']} | {r['value']:g} {r['unit']} | {base} | {ratio} | {target} "
                    f"| {'yes' if r['met'] else 'no'} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true", help="also run the soak")
    ap.add_argument("only", nargs="*", help="run only these benchmarks")
    args = ap.parse_args(argv)
    names = args.only or [*BENCHMARKS, *(LONG if args.long else ())]
    results = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results += run(name)
    print(table(results))
    return 0 if results and all(r["met"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
