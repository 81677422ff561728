"""What a page says aloud: its heading, the question, the errors, the page's words and choices,
and last the footer's buttons: the one that goes on (下一步, 确认提交申请…), then 跳过 and 上一步.

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
#: How the footer's buttons are said: the one that goes on, then the others.
FORWARD_SAID = "完成后，请按屏幕下方的“{}”"
OTHERS_SAID = "也可以按“{}”"
OTHERS_ALONE_SAID = "可以按屏幕下方的“{}”"
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
    forward: str = ""                  # the footer's button that goes on ("" when none shows)
    actions: tuple[str, ...] = ()      # the footer's other buttons (跳过, 上一步)

    @classmethod
    def from_plain(cls, value: Any) -> Shown:
        """From the UI's map; anything missing or of the wrong type reads as nothing."""
        v = value if isinstance(value, dict) else {}
        kind = v.get("kind")
        return cls(kind=kind if isinstance(kind, str) else "", heading=clean(v.get("heading")),
                   question=clean(v.get("question")), errors=_texts(v.get("errors")),
                   texts=_texts(v.get("texts")), choices=_texts(v.get("choices"), choices=True),
                   forward=clean(v.get("forward")), actions=_texts(v.get("actions")))


def _sentence(text: str) -> str:
    return text if text[-1:] in "。！？!?；;：:" else text + "。"


def _join(parts: Iterable[str]) -> str:
    return "".join(_sentence(p) for p in parts if p)


def errors_utterance(errors: Iterable[str]) -> str:
    errors = [e for e in (clean(x) for x in errors) if e]
    return ERRORS_INTRO + "；".join(errors) + "。" if errors else ""


def footer_utterance(forward: str, others: Iterable[str]) -> str:
    """The footer's buttons as one sentence: "完成后，请按屏幕下方的“下一步”；也可以按“上一步”"."""
    rest = "”或“".join(o for o in others if o and o != forward)
    if not forward:
        return OTHERS_ALONE_SAID.format(rest) if rest else ""
    said = FORWARD_SAID.format(forward)
    return said + "；" + OTHERS_SAID.format(rest) if rest else said


def utterance(shown: Shown) -> str:
    """The whole page as one text: heading, question, errors, words, the choices, then the
    footer's buttons."""
    said = {shown.heading, shown.question}
    texts = () if shown.kind in QUIET_KINDS else tuple(t for t in shown.texts if t not in said)
    choices = tuple(c for c in shown.choices if c not in said)
    return _join([shown.heading, shown.question, errors_utterance(shown.errors), *texts,
                  CHOICES_INTRO + "；".join(choices) if choices else "",
                  footer_utterance(shown.forward, shown.actions)])
