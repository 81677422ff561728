"""Benchmark: a full find → select → read against the simulator on a pty.

The simulator paces both directions at the baud rate (10 bits a byte), so the floor is the
wire time of every byte exchanged; the number printed is the driver's median time as a ratio
to that floor (1.00x would be a driver and pty that cost nothing).

    python bench/idcard_read.py [--runs 30] [--baud 115200] [--card resident_valid]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.result import Result, emit  # noqa: E402
from devices.idcard.frames import BITS_PER_BYTE, DEFAULT_BAUDRATE  # noqa: E402
from devices.idcard.reader import IdCardReader  # noqa: E402
from devices.idcard.simulator import CardSimulator, simulated_cards  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baud", type=int, default=DEFAULT_BAUDRATE)
    parser.add_argument("--card", default="resident_valid", choices=sorted(simulated_cards()))
    args = parser.parse_args(argv)

    with CardSimulator(args.card, baudrate=args.baud) as sim, IdCardReader(sim.device_path, baudrate=args.baud) as reader:
        reader.open()
        expected = simulated_cards()[args.card]
        assert reader.read_once() == expected  # warm-up, and a check that it reads at all
        times, sizes = [], []
        for _ in range(args.runs):
            before = reader.transport.bytes_written + reader.transport.bytes_read
            start = time.perf_counter()
            identity = reader.read_once()
            times.append(time.perf_counter() - start)
            sizes.append(reader.transport.bytes_written + reader.transport.bytes_read - before)
            assert identity == expected
    size = statistics.median(sizes)
    floor = size * BITS_PER_BYTE / args.baud
    median = statistics.median(times)
    print(
        f"idcard find+select+read, {size:.0f} bytes both ways at {args.baud} baud, {args.runs} runs: "
        f"median {median * 1e3:.1f} ms (min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f}); "
        f"wire floor {floor * 1e3:.1f} ms; ratio {median / floor:.2f}x"
    )
    emit(Result("card_read", median * 1e3, "ms", target=1.3, baseline=floor * 1e3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
