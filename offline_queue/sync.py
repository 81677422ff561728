"""The sync worker: delivers queued submissions to the platform and fetches their verdicts.

What it does: oldest first, in batches, it POSTs each submission under its idempotency key (the
submission id, the same body byte for byte on every retry), uploads each attachment resumably
from the platform's own offset, and marks the submission `sent` only when the platform holds all
of it. A failure backs that one submission off (exponential, capped, jittered) and the round
moves on to the next; a network outage ends the round early without charging the others an
attempt. After a restart, submissions caught in `sending` are resumed. It then polls the
decision of sent submissions until a signed, final one is in (a decision the POST answer already
carries is recorded at once), sends the 好差评 ratings waiting in the `RatingBox` when one is
given (``ratings.py``: idempotent on the rating id, backed off the same way), purges expired
bodies, and sends a heartbeat every `heartbeat_s` and at once when what it says changes
(devices, configuration, queue depth, disk, last visit). A heartbeat that could not be sent is
not queued as it was: the next round sends the latest state instead, so only the latest is ever
waiting. Time is
the outbox's clock (`Outbox.clock`): one clock for what the outbox stores and what the worker
compares. The contract has no batch endpoint, so "batching" here means taking `batch_size` due
submissions per round over the client's one keep-alive session.

What it does not do: HTTP or signing (the injected `PlatformPort` does), or decryption.
"""
from __future__ import annotations

import enum
import hashlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from contract.wire import AttachmentProgress, Decision
from offline_queue.backoff import Backoff
from offline_queue.model import QueueError, QueueState, SubmissionStatus
from offline_queue.outbox import Outbox
from offline_queue.port import ErrorKind, PlatformError, PlatformPort
from offline_queue.ratings import RatingBox, RatingPort, RatingState, RatingStatus

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 256 * 1024   # below the platform's 1 MiB chunk limit; resumes lose little


class LocalCorruption(QueueError):
    """A queued ciphertext no longer matches the SHA-256 recorded when it was sealed."""


class Delivery(enum.Enum):
    """How one delivery attempt of a round ended."""

    DELIVERED = "delivered"
    FAILED = "failed"          # worth retrying later (the platform was unwell)
    NETWORK = "network"        # the platform could not be reached: the round ends here
    HELD = "held"              # refused for good or damaged here: a technician looks


@dataclass
class SyncReport:
    """What one `run_once` did."""

    delivered: int = 0
    failed: int = 0
    held: int = 0
    statuses: int = 0
    purged: int = 0
    resumed: int = 0
    ratings: int = 0
    network_down: bool = False
    heartbeat_sent: bool = False
    full: bool = False         # a whole batch was taken on: more is likely due right now


class SyncWorker:
    """Moves submissions from an `Outbox` to the platform through a `PlatformPort`.

    Args:
        outbox: the outbox to drain.
        port: the platform client (any `PlatformPort`).
        batch_size: how many due submissions one round takes on.
        chunk_size: attachment chunk size in bytes.
        backoff: retry delays.
        status_poll_s: how often a submission's pending verdict is asked for again.
        heartbeat_s: how often a heartbeat is sent (0 disables it).
        heartbeat_extra: returns the heartbeat's other fields (``devices``, ``config``,
            ``software_version``, ``audit``, ``last_visit_at``, ...).
        idle_s: how long the background thread sleeps between rounds unless kicked.
        rng: randomness for jitter (seeded in tests).
        ratings: the ratings to drain, if any; sent with ``rating_port`` (default: ``port``,
            which then needs ``post_rating``).
    """

    def __init__(self, outbox: Outbox, port: PlatformPort, *, batch_size: int = 20,
                 chunk_size: int = DEFAULT_CHUNK, backoff: Backoff | None = None,
                 status_poll_s: float = 60.0, heartbeat_s: float = 300.0,
                 heartbeat_extra: Callable[[], dict] | None = None, idle_s: float = 5.0,
                 rng: random.Random | None = None, ratings: RatingBox | None = None,
                 rating_port: RatingPort | None = None) -> None:
        if batch_size < 1 or chunk_size < 1:
            raise ValueError("batch_size and chunk_size must be positive")
        self.outbox = outbox
        self.port = port
        self.clock = outbox.clock
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.backoff = backoff or Backoff()
        self.status_poll_s = status_poll_s
        self.heartbeat_s = heartbeat_s
        self.heartbeat_extra = heartbeat_extra
        self.idle_s = idle_s
        self._rng = rng or random.Random()
        self._round = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._recovered = False
        self._cut_off = False      # the last round could not reach the platform
        self._last_heartbeat: float | None = None
        self.ratings = ratings
        self._rating_port: RatingPort | None = rating_port or (
            port if ratings is not None else None)  # type: ignore[assignment]
        self._ratings_round = threading.Lock()
        self._last_sent: dict | None = None     # what the last delivered heartbeat said

    # ------------------------------------------------------------------ driving

    def run_once(self) -> SyncReport:
        """One round: resume, deliver due submissions, poll verdicts, purge, heartbeat."""
        with self._round:
            report = SyncReport()
            if not self._recovered:
                report.resumed = len(self.outbox.recover_interrupted())
                self._recovered = True
            report.purged = self.outbox.purge_expired()
            due = self.outbox.due(self.batch_size)
            for sid in due:
                outcome = self._deliver(sid)
                if outcome is Delivery.DELIVERED:
                    report.delivered += 1
                elif outcome is Delivery.HELD:
                    report.held += 1
                else:
                    report.failed += 1
                    if outcome is Delivery.NETWORK:
                        report.network_down = True
                        break
            if not report.network_down:
                report.statuses = self._poll_statuses()
                report.ratings = self._send_ratings()
            report.full = not report.network_down and (
                len(due) == self.batch_size or report.statuses == self.batch_size)
            report.heartbeat_sent = self._maybe_heartbeat()
            reached = report.delivered or report.statuses or report.heartbeat_sent
            if self._cut_off and reached and not report.network_down:
                self.outbox.retry_now()    # it is back: the rest need not wait out their backoff
                report.full = True
            self._cut_off = report.network_down or (self._cut_off and not reached)
            return report

    def deliver_now(self, submission_id: str) -> SubmissionStatus:
        """Send one submission at once, out of turn, and ask for its decision (for printing the
        licence on the spot after instant approval). Call it off the UI thread.

        Returns:
            the submission's status afterwards; a failure shows as `failed`/`held` with
            `last_error`, it is not raised. ``decided`` on it says the final decision is in
            and verified.
        Raises:
            UnknownSubmission: no such id in the outbox.
        """
        status = self.outbox.status(submission_id)
        with self._round:
            if not self._recovered:
                self.outbox.recover_interrupted()
                self._recovered = True
            if status.state in (QueueState.QUEUED, QueueState.FAILED, QueueState.SENDING):
                self._deliver(submission_id)
            status = self.outbox.status(submission_id)
            if status.state is QueueState.SENT and not status.decided:
                try:
                    self.outbox.record_status(self.port.get_status(submission_id))
                except PlatformError as exc:
                    log.info("queue-status-failed submission=%s error=%s", submission_id,
                             exc.summary)
            return self.outbox.status(submission_id)

    def send_rating_now(self, rating_id: str) -> RatingStatus | None:
        """Send one stored rating at once (the person is still at the kiosk); a failure is
        recorded and backed off, not raised. Returns its status afterwards (None: unknown)."""
        if self.ratings is None:
            return None
        with self._ratings_round:
            status = self.ratings.status(rating_id)
            if status is not None and status.state is RatingState.QUEUED:
                self._send_rating(rating_id)
        return self.ratings.status(rating_id)

    def kick(self) -> None:
        """Ask the background thread for a round now (e.g. right after an enqueue)."""
        self._wake.set()

    def network_back(self) -> int:
        """The platform can be reached again: what failed for want of it is tried at once, not
        after its backoff (which may have grown to minutes over a day offline). Returns how
        many were made due."""
        due = self.outbox.retry_now()
        self.kick()
        return due

    def start(self) -> None:
        """Run rounds on a daemon thread until `stop()`."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="queue-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the background thread after its current call returns."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                full = self.run_once().full
            except Exception:  # noqa: BLE001 - a bug must not end delivery; ids only in logs
                log.exception("queue-sync-round-crashed")
                full = False
            if full:
                continue   # a backlog (a day offline) drains back to back, not a batch per idle_s
            self._wake.wait(self.idle_s)
            self._wake.clear()

    # ------------------------------------------------------------------ one submission

    def _deliver(self, sid: str) -> Delivery:
        attempt_id, attempts = self.outbox.begin_attempt(sid)
        try:
            out, parts = self.outbox.outgoing(sid)
            ack = self.port.post_submission(out)
            decided = ack.decision
            for part in parts:
                if not part["complete"]:
                    self._check_local(sid, part)
                    # A first POST (not a replay) means the platform holds none of it yet: start
                    # at 0 without asking; a wrong guess is answered 409 with the right offset.
                    fresh = not ack.replayed and part["uploaded"] == 0
                    decided = self._upload(sid, part["name"], part["size"], fresh) or decided
        except PlatformError as exc:
            if exc.retryable:
                delay = self.backoff.delay(attempts, self._rng)
                if exc.retry_after is not None:   # the platform's wish, within our own cap
                    delay = max(delay, min(exc.retry_after, self.backoff.cap_s))
                retry_at = self.clock() + delay
                self.outbox.finish_failed(sid, attempt_id, exc.summary, retry_at)
                log.info("queue-send-retry submission=%s attempt=%d error=%s", sid, attempts,
                         exc.summary)
                return Delivery.NETWORK if exc.kind is ErrorKind.NETWORK else Delivery.FAILED
            self.outbox.finish_failed(sid, attempt_id, exc.summary, None)
            log.warning("queue-send-refused submission=%s error=%s", sid, exc.summary)
            return Delivery.HELD
        except QueueError as exc:
            self.outbox.finish_failed(sid, attempt_id, f"local: {type(exc).__name__}", None)
            log.error("queue-send-local-error submission=%s error=%s", sid, type(exc).__name__)
            return Delivery.HELD
        # Decided with the POST or with the last chunk (verified by the port): one commit.
        self.outbox.finish_delivered(sid, attempt_id, decided)
        log.info("queue-sent submission=%s attempt=%d", sid, attempts)
        return Delivery.DELIVERED

    def _check_local(self, sid: str, part: dict) -> None:
        # A ciphertext damaged on the kiosk's disk would fail the platform's SHA-256 check on
        # every retry forever; find it here and hold it for a technician instead.
        blob = self.outbox.attachment_chunk(sid, part["name"], 0, part["size"] + 1)
        if len(blob) != part["size"] or hashlib.sha256(blob).hexdigest() != part["sha256"]:
            raise LocalCorruption(f"attachment {part['name']} no longer matches its SHA-256")

    def _upload(self, sid: str, name: str, size: int, fresh: bool = False) -> Decision | None:
        """Upload one attachment from where the platform stands; returns the decision the
        chunk that completed the submission came back with (verified by the port), if any.
        Progress is not noted on the kiosk: a later attempt asks the platform, which knows (a
        commit a chunk would cost more than the upload of a photo)."""
        if fresh:
            progress = AttachmentProgress(name=name, received=0, size=size, complete=False)
        else:
            progress = self.port.attachment_offset(sid, name)
        offset = progress.received
        resyncs = 0
        # Each pass sends one chunk or resyncs; bounded so a confused platform cannot spin us.
        for _ in range(size // self.chunk_size + 8):
            if progress.complete:
                return progress.decision
            if not 0 <= offset < size:
                raise PlatformError(ErrorKind.BAD_RESPONSE, "offset_out_of_range",
                                    f"platform offset {offset} outside 0..{size}")
            chunk = self.outbox.attachment_chunk(sid, name, offset, self.chunk_size)
            try:
                progress = self.port.upload_chunk(sid, name, offset, chunk)
            except PlatformError as exc:
                if exc.kind is ErrorKind.OFFSET and resyncs < 3:
                    resyncs += 1   # e.g. an earlier chunk landed but its answer was lost
                    progress = self.port.attachment_offset(sid, name)
                    offset = progress.received
                    continue
                raise
            offset = progress.received
        if not progress.complete:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "upload_not_progressing",
                                f"attachment {name} did not complete")
        return progress.decision

    # ------------------------------------------------------------------ ratings

    def _send_ratings(self) -> int:
        if self.ratings is None:
            return 0
        sent = 0
        with self._ratings_round:
            for rating_id in self.ratings.due(self.batch_size):
                outcome = self._send_rating(rating_id)
                if outcome == "network":
                    break
                sent += outcome == "sent"
        return sent

    def _send_rating(self, rating_id: str) -> str:
        assert self.ratings is not None and self._rating_port is not None
        body = self.ratings.body(rating_id)
        if body is None:   # its local key was replaced: nothing left that could be sent
            self.ratings.mark_failed(rating_id, "local: body unreadable", None)
            return "held"
        try:
            self._rating_port.post_rating(body)
        except PlatformError as exc:
            if not exc.retryable:
                self.ratings.mark_failed(rating_id, exc.summary, None)
                log.warning("rating-refused rating=%s error=%s", rating_id, exc.summary)
                return "held"
            delay = self.backoff.delay(self.ratings.attempts(rating_id) + 1, self._rng)
            self.ratings.mark_failed(rating_id, exc.summary, self.clock() + delay)
            log.info("rating-retry rating=%s error=%s", rating_id, exc.summary)
            return "network" if exc.kind is ErrorKind.NETWORK else "failed"
        self.ratings.mark_sent(rating_id)
        log.info("rating-sent rating=%s", rating_id)
        return "sent"

    # ------------------------------------------------------------------ verdicts, heartbeat

    def _poll_statuses(self) -> int:
        done = 0
        for sid in self.outbox.needs_status(self.status_poll_s, self.batch_size):
            try:
                report = self.port.get_status(sid)
            except PlatformError as exc:
                self.outbox.note_status_checked(sid)
                if exc.kind is ErrorKind.NETWORK:
                    break
                continue
            if report.submission_id != sid:
                self.outbox.note_status_checked(sid)
                continue
            self.outbox.record_status(report)
            done += 1
        return done

    def heartbeat_payload(self) -> dict:
        """The heartbeat as it would be sent now."""
        summary = self.outbox.summary()
        payload: dict = {"devices": [], "config_version": None}
        if self.heartbeat_extra:
            payload.update(self.heartbeat_extra())
        payload.update({"queue": summary.heartbeat_queue(), "disk_free_bytes": summary.free_bytes,
                        "low_disk": summary.low_disk})
        return payload

    @staticmethod
    def _state_of(payload: dict) -> dict:
        # What counts as a change: not the clock-driven numbers (ages, free bytes, times).
        queue = payload.get("queue") or {}
        return {**{k: v for k, v in payload.items()
                   if k not in ("queue", "disk_free_bytes", "generated_at")},
                "queue": {k: v for k, v in queue.items() if k != "oldest_age_s"}}

    def heartbeat_if_changed(self) -> bool:
        """Send a heartbeat now if what it says changed since the last one (e.g. on stopping,
        so the last visit is reported). True if one was sent."""
        with self._round:
            return self._maybe_heartbeat(only_if_changed=True)

    def _maybe_heartbeat(self, only_if_changed: bool = False) -> bool:
        if self.heartbeat_s <= 0:
            return False
        now = self.clock()
        payload = self.heartbeat_payload()
        due = self._last_heartbeat is None or now - self._last_heartbeat >= self.heartbeat_s
        changed = self._last_sent is None or self._state_of(payload) != self._last_sent
        if not changed and (only_if_changed or not due):
            return False
        try:
            self.port.heartbeat(payload)
        except PlatformError as exc:
            # Not kept: the next round sends the state as it is then (only the latest waits).
            log.info("queue-heartbeat-failed error=%s", exc.summary)
            return False
        self._last_heartbeat = now
        self._last_sent = self._state_of(payload)
        return True
