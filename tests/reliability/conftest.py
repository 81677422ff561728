"""Print the campaigns' figures (``figures.py``) at the end of a run that gathered any."""
from __future__ import annotations

import json

from tests.fuzzing import FUZZ_CASES, scale
from tests.reliability.figures import FIGURES


def pytest_terminal_summary(terminalreporter) -> None:   # noqa: ANN001 - pytest's hook
    if not FIGURES:
        return
    failed = {r.nodeid.rsplit("::", 1)[-1].split("[")[0]
              for r in terminalreporter.stats.get("failed", [])}
    line = {name: dict(values) for name, values in sorted(FIGURES.items())}
    if FUZZ_CASES:
        line["fuzz"] = {"cases": sum(FUZZ_CASES.values()), "tests": len(FUZZ_CASES),
                        "scale": scale(), "findings": len(failed & set(FUZZ_CASES))}
    terminalreporter.write_line("reliability " + json.dumps(line, sort_keys=True))
