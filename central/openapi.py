"""Write the platform's OpenAPI description to ``central/openapi.json``.

    python -m central.openapi          # regenerate after changing routes or models
    python -m central.openapi --check  # exit 1 if the committed file is stale

The description comes from the FastAPI app itself, so it cannot drift from the code; the
committed copy is what the kiosk side reads. Builds a throwaway platform in a temp directory.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

SPEC_PATH = Path(__file__).with_name("openapi.json")


def current_spec_text() -> str:
    """The OpenAPI JSON text the code describes now (stable formatting, UTF-8 kept)."""
    from central.app import Platform

    with tempfile.TemporaryDirectory() as tmp:
        spec = Platform(Path(tmp)).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = current_spec_text()
    if "--check" in args:
        stale = not SPEC_PATH.exists() or SPEC_PATH.read_text(encoding="utf-8") != text
        if stale:
            print("central/openapi.json is stale: run python -m central.openapi", file=sys.stderr)
        return 1 if stale else 0
    SPEC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SPEC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
