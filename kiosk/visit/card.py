"""The card on the reader, kept from its read until the visit's card page asks for it.

The reader reads a card once, when it is laid down (``CardRead``). A person who lays the card
down before pressing a service on the home screen would otherwise wait on the card page for a
read that never comes. ``CardHolder`` keeps the last card read while it stays on the reader
and hands it to the session when the card page opens; each card is handed over once (the
person who says "not me" lays their own card down). The card's data does not outlive the
visit: it is dropped when the card is taken away, the reader goes, the visit ends, or it lay
unused longer than ``keep_s``. Thread-safe: the reader calls from its thread, the session's
events come on the session's thread, and every session call goes through ``post``.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from devices.idcard.events import CardRead, CardRemoved, ReaderDisconnected, ReaderFault
from kiosk import logs
from kiosk.domain.application import Applicant
from kiosk.flow import events as ev

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


class CardHolder:
    def __init__(self, session: Any, post: Post, *, keep_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._post = post
        self._keep_s = keep_s
        self._clock = clock
        self._lock = threading.Lock()
        self._card: tuple[Applicant, float] | None = None

    def on_reader_event(self, event: Any) -> None:
        """The reader's listener (its own thread): never touch the session here."""
        if isinstance(event, CardRead):
            logs.remember_visitor(event.identity)     # redacted from every log line from now on
            with self._lock:
                self._card = (Applicant.from_identity(event.identity), self._clock())
            self._post(self._offer)
        elif isinstance(event, (CardRemoved, ReaderDisconnected)):
            self.drop()
        elif isinstance(event, ReaderFault):
            log.warning("card-read-fault status=%s", event.status.value)

    def on_session_event(self, event: ev.Event) -> None:
        """The session's listener (its thread)."""
        if isinstance(event, ev.StepChanged) and event.step == "id_card":
            self._post(self._offer)     # after every listener has heard of the card page
        elif isinstance(event, ev.SessionEnded):
            self.drop()

    def drop(self) -> None:
        with self._lock:
            self._card = None

    @property
    def holding(self) -> bool:
        with self._lock:
            return self._card is not None

    def _offer(self) -> None:
        """On the session's thread: hand the card over if the card page waits for one."""
        if self._session.step != "id_card":
            return
        with self._lock:
            card, self._card = self._card, None      # handed over once
        if card is None:
            return
        applicant, read_at = card
        if self._clock() - read_at > self._keep_s:
            return                                   # lay there too long: read it again
        self._session.card_read(applicant)
