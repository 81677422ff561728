"""The audit catalogue is the single source: every id the code records is declared in
events.toml, docs/audit-events.md is what the TOML generates, and a malformed TOML is refused."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.audit.catalogue import CATALOGUE, DOC, CatalogueError, markdown, parse

ROOT = Path(__file__).resolve().parents[3]
# audit.record("event-id", ...) / self._audit.record("event-id", ...): a literal id.
RECORDED = re.compile(r"""\.record\(\s*["']([a-z0-9-]+)["']""")


def recorded_ids() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in ("kiosk", "ui", "devices", "offline_queue", "central"):
        for path in (ROOT / folder).rglob("*.py"):
            for event in RECORDED.findall(path.read_text(encoding="utf-8")):
                found.setdefault(event, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_recorded_id_is_in_the_catalogue() -> None:
    found = recorded_ids()
    missing = {e: where for e, where in found.items() if e not in CATALOGUE}
    assert not missing, f"declare these in kiosk/audit/events.toml: {missing}"
    assert {"diagnostics-entered", "device-fault", "queue-purged", "receipt-reprinted"} <= set(found)


def test_the_scan_would_catch_an_undeclared_id() -> None:
    assert RECORDED.findall('audit.record("not-declared-yet", x=1)') == ["not-declared-yet"]
    assert "not-declared-yet" not in CATALOGUE


def test_the_document_is_generated_from_the_catalogue() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), \
        "docs/audit-events.md is stale: run python -m kiosk.audit.catalogue --write"


@pytest.mark.parametrize("text, says", [
    ("[Bad_Id]\ntype='user-action'\ndoc='x'\nfields=[]", "kebab-case"),
    ("[a-b]\ntype='nobody'\ndoc='x'\nfields=[]", "type must be"),
    ("[a-b]\ntype='user-action'\ndoc=''\nfields=[]", "one line"),
    ("[a-b]\ntype='user-action'\ndoc='x'\nfields=['Name']", "snake_case"),
    ("[a-b]\ntype='user-action'\ndoc='x'\nfields=['a', 'a']", "distinct"),
    ("[a-b]\ntype='user-action'\ndoc='x'", "exactly"),
    ('["a-b\\n"]\ntype=\'user-action\'\ndoc=\'x\'\nfields=[]', "kebab-case"),
    ("[a-b\n", "not valid TOML"),
])
def test_a_malformed_catalogue_is_refused(text: str, says: str) -> None:
    with pytest.raises(CatalogueError, match=says):
        parse(text)
