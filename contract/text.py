"""Text from elsewhere (a heartbeat, a state file, a bundle's note) made fit for a page: the one
rule shared by the platform's console and the kiosk's diagnostics. No I/O."""
from __future__ import annotations

import unicodedata


def shown(value: object, limit: int = 80) -> str:
    """Control and format characters as U+FFFD, at most ``limit`` characters (an ellipsis
    marks a cut). Anything not a string is ""."""
    if not isinstance(value, str):
        return ""
    text = "".join("\ufffd" if unicodedata.category(c)[0] == "C" else c
                   for c in value[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"
