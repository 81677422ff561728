"""The audit catalogue: the event ids of ``events.toml``, and the document generated from it.

``CATALOGUE`` is loaded once from ``events.toml`` beside this file, the single source of every
id the audit log accepts, with each event's type, one-line doc and the only field names it may
carry. ``markdown()`` renders ``docs/audit-events.md`` from it; run
``python -m kiosk.audit.catalogue --write`` after editing the TOML (a test fails while the
document is stale). No I/O beyond reading the TOML and, when asked, writing the document.
"""
from __future__ import annotations

import argparse
import enum
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).with_name("events.toml")
DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-events.md"
EVENT_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")      # kebab-case, two words at least
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class EventType(enum.Enum):
    USER_ACTION = "user-action"        # a technician or staff member did it
    SYSTEM_ACTION = "system-action"    # the kiosk did it by itself
    DEVICE_STATUS = "device-status"    # a device changed


class CatalogueError(ValueError):
    """``events.toml`` is malformed; the message names the event and the problem."""


@dataclass(frozen=True)
class EventSpec:
    id: str
    type: EventType
    doc: str
    fields: tuple[str, ...]


class Catalogue(Mapping[str, EventSpec]):
    """The declared events by id, in the order the TOML lists them."""

    def __init__(self, events: dict[str, EventSpec]) -> None:
        self._events = events

    def __getitem__(self, event_id: str) -> EventSpec:
        return self._events[event_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)


def parse(text: str, where: str = "events.toml") -> Catalogue:
    """A catalogue from TOML text.

    Raises:
        CatalogueError: not TOML, or an event with a bad id, type, doc or field list.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where}: not valid TOML: {exc}") from None
    events: dict[str, EventSpec] = {}
    for event_id, body in raw.items():
        if not EVENT_ID.fullmatch(event_id):
            raise CatalogueError(f"{where}: [{event_id}] is not a kebab-case id")
        if not isinstance(body, dict) or set(body) != {"type", "doc", "fields"}:
            raise CatalogueError(f"{where}: [{event_id}] needs exactly type, doc and fields")
        try:
            kind = EventType(body["type"])
        except ValueError:
            known = ", ".join(t.value for t in EventType)
            raise CatalogueError(f"{where}: [{event_id}] type must be one of {known}") from None
        doc, fields = body["doc"], body["fields"]
        if not isinstance(doc, str) or not doc.strip() or "\n" in doc:
            raise CatalogueError(f"{where}: [{event_id}] doc must be one line of text")
        if not (isinstance(fields, list) and all(isinstance(f, str) and FIELD_NAME.fullmatch(f)
                                                 for f in fields)
                and len(set(fields)) == len(fields)):
            raise CatalogueError(f"{where}: [{event_id}] fields must be distinct snake_case names")
        events[event_id] = EventSpec(event_id, kind, doc.strip(), tuple(fields))
    return Catalogue(events)


def load(path: Path = SOURCE) -> Catalogue:
    return parse(path.read_text(encoding="utf-8"), path.name)


CATALOGUE = load()


def markdown(catalogue: Catalogue = CATALOGUE) -> str:
    """``docs/audit-events.md``: one row per event, in the catalogue's order."""
    lines = [
        "# Audit events",
        "",
        "Generated from `kiosk/audit/events.toml` by `python -m kiosk.audit.catalogue --write`;"
        " edit the TOML, not this file.",
        "",
        "Every entry of the audit log (`kiosk audit verify` checks its hash chain) is one of these"
        " events. An entry carries only the fields listed here: ids, counts, codes and"
        " dispositions, never a name, an ID number, a phone number or a face.",
        "",
        "| Event | Type | Fields | What happened |",
        "| --- | --- | --- | --- |",
    ]
    for spec in catalogue.values():
        fields = ", ".join(f"`{f}`" for f in spec.fields) or "none"
        lines.append(f"| `{spec.id}` | {spec.type.value} | {fields} | {spec.doc} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.audit.catalogue",
                                     description="print or write docs/audit-events.md")
    parser.add_argument("--write", action="store_true", help=f"write {DOC}")
    args = parser.parse_args(argv)
    text = markdown(load())
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
