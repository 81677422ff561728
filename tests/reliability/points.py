"""Kill points a child process announces, for the crash campaign.

A child (the kiosk or the platform, run as a process of its own) prints ``POINT <name>`` on
stdout when it reaches a point the campaign may kill it at, and waits for a ``GO`` line on stdin
before it goes on; the parent answers ``GO`` or kills it there. One point is pending at a time
(the child's threads take turns), so answers never cross. Points are statements the child's
SQLite connection is about to run, seen through ``sqlite3``'s trace callback: a kill there lands
inside the transaction, before its commit.

This module is the child's side; the parent's is ``campaign.Child``.
"""
from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable


class Points:
    """Announce points on stdout and wait for ``GO``; other stdin lines go to ``on_command``."""

    def __init__(self, on_command: Callable[[str], None] = lambda line: None) -> None:
        self._turn = threading.Lock()
        self._go = threading.Event()
        self._on_command = on_command
        self._out = threading.Lock()
        threading.Thread(target=self._read, name="points-stdin", daemon=True).start()

    def say(self, line: str) -> None:
        with self._out:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def reached(self, name: str) -> None:
        with self._turn:
            self._go.clear()
            self.say(f"POINT {name}")
            self._go.wait()

    def _read(self) -> None:
        for line in sys.stdin:
            line = line.strip()
            if line == "GO":
                self._go.set()
            elif line:
                self._on_command(line)

    def trace(self, conn: sqlite3.Connection, rules: Iterable[tuple[str, str]]) -> None:
        """Announce ``name`` before every statement of ``conn`` that starts with ``prefix``,
        for each ``(prefix, name)`` of ``rules``."""
        table = tuple(rules)

        def seen(sql: str) -> None:
            for prefix, name in table:
                if sql.startswith(prefix):
                    self.reached(name)
                    return

        conn.set_trace_callback(seen)
