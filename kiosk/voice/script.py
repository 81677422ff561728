"""What a page says aloud: its heading, the question, the errors, the page's words and choices.

``Shown`` is what the screen shows, as the UI reads it off the page (``ui/qml/PageReader.qml``);
``utterance`` words it as one text for the engine. On the pages that show the person's own
details (the review and identity pages) only the heading, the question, the errors and the
buttons are read: a speaker in a service hall is heard by everyone near it. Pure: no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.questions import Kind

#: Pages whose words are the person's details: read their heading, question and buttons only.
QUIET_KINDS = frozenset({Kind.REVIEW.value, Kind.IDENTITY.value})
ERRORS_INTRO = "有以下问题需要处理："
CHOICES_INTRO = "您可以选择："
MAX_PART = 400            # characters of one shown text that are read
MAX_PARTS = 60            # shown texts read from one page

_MARKS = re.compile(r"[●○◉•·▶▷✓✔×↓↑←→]+|<[^<>]{1,80}>")
_SPACE = re.compile(r"\s+")


def clean(text: Any) -> str:
    """One shown text as the engine should read it: no bullets, no control characters, its
    lines joined with a pause."""
    if not isinstance(text, str):
        return ""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = _SPACE.sub(" ", _MARKS.sub(" ", text)).strip(" ：:，,")
    return text[:MAX_PART]


CHOSEN = "●"               # how KChoiceList marks the chosen option
CHOSEN_SAID = "，已选"


def _texts(value: Any, *, choices: bool = False) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    out: list[str] = []
    for item in value[:MAX_PARTS]:
        text = clean(item)
        if text and choices and isinstance(item, str) and item.lstrip().startswith(CHOSEN):
            text += CHOSEN_SAID            # the chosen option is said to be chosen
        if text and text not in out:
            out.append(text)
    return tuple(out)


@dataclass(frozen=True)
class Shown:
    """What one page shows, each part as on the screen."""

    kind: str = ""                     # the page's ``Kind`` value ("" on the start page)
    heading: str = ""
    question: str = ""
    errors: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()        # the page's other words, top to bottom
    choices: tuple[str, ...] = ()      # what can be tapped, top to bottom

    @classmethod
    def from_plain(cls, value: Any) -> Shown:
        """From the UI's map; anything missing or of the wrong type reads as nothing."""
        v = value if isinstance(value, dict) else {}
        kind = v.get("kind")
        return cls(kind=kind if isinstance(kind, str) else "", heading=clean(v.get("heading")),
                   question=clean(v.get("question")), errors=_texts(v.get("errors")),
                   texts=_texts(v.get("texts")), choices=_texts(v.get("choices"), choices=True))


def _sentence(text: str) -> str:
    return text if text[-1:] in "。！？!?；;：:" else text + "。"


def _join(parts: Iterable[str]) -> str:
    return "".join(_sentence(p) for p in parts if p)


def errors_utterance(errors: Iterable[str]) -> str:
    errors = [e for e in (clean(x) for x in errors) if e]
    return ERRORS_INTRO + "；".join(errors) + "。" if errors else ""


def utterance(shown: Shown) -> str:
    """The whole page as one text: heading, question, errors, words, then the choices."""
    said = {shown.heading, shown.question}
    texts = () if shown.kind in QUIET_KINDS else tuple(t for t in shown.texts if t not in said)
    choices = tuple(c for c in shown.choices if c not in said)
    return _join([shown.heading, shown.question, errors_utterance(shown.errors), *texts,
                  CHOICES_INTRO + "；".join(choices) if choices else ""])
