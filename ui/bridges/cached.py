"""Read-only QML properties served from a cache, refreshed from the core in one pass.

A bridge declares each property with ``prop(name, type, notify)`` from ``props_of(names)``,
reads it in ``_read_<name>``, and calls ``refresh()`` after anything may have changed it: every
property whose value moved emits its own change signal, so QML bindings follow the core without
the bridge knowing which rule moved what. It holds no rules and no state of its own.

A property only one later page reads, and that is costly to build, is declared ``lazy``: it is
read when first asked for (or by ``warm()``, which the window calls once its start page is up),
and refreshed from then on: the window does not build it before its start page is painted (the
name page's regions were a fifth of the window's start).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ui.qt import Property, QJSValue, QObject, Signal


def plain(value: Any) -> Any:
    """A JSON-like copy QML can read (dates as ISO text, tuples as lists, sets sorted), and of
    what QML sends: a JavaScript object or array may arrive as a ``QJSValue`` (PySide6 6.11)."""
    if isinstance(value, QJSValue):
        return plain(value.toVariant())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def props_of(names: list[str], lazy_names: set[str] | None = None
             ) -> Callable[..., Property]:
    """A ``prop`` factory that records each property's name in ``names`` (the class's list)
    and, of a property declared ``lazy=True``, in ``lazy_names`` (the class's set)."""
    def prop(name: str, qtype: type | str, notify: Signal, *, lazy: bool = False) -> Property:
        names.append(name)
        if lazy:
            if lazy_names is None:
                raise TypeError("props_of() was given no set for lazy properties")
            lazy_names.add(name)
        return Property(qtype, lambda self: self._get(name), notify=notify)
    return prop


class CachedBridge(QObject):
    """Base of the bridges: ``_PROPS`` lists the property names, in declaration order."""

    _PROPS: list[str] = []
    _LAZY: set[str] = set()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: dict[str, Any] = {}

    def refresh(self) -> None:
        """Re-read the core; emit ``<name>Changed`` for every property whose value moved."""
        for name in self._PROPS:
            if name in self._LAZY and name not in self._cache:
                continue    # nothing has asked for it yet: read fresh when something does
            value = getattr(self, f"_read_{name}")()
            if name not in self._cache or self._cache[name] != value:
                self._cache[name] = value
                getattr(self, f"{name}Changed").emit()

    def warm(self) -> None:
        """Read every lazy property not read yet, so that its page opens as fast as any."""
        for name in self._LAZY:
            self._get(name)

    def _get(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = getattr(self, f"_read_{name}")()
        return self._cache[name]
