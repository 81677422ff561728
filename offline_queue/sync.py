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
waiting. Time is the outbox's clock (`Outbox.clock`): one clock for what the outbox stores and
what the worker compares.

A round takes up to `batch_size` due submissions. When the port is a `BatchPort` they go in as
few requests as fit (`batch_bytes` of ciphertext and the contract's `MAX_BATCH_ITEMS` each,
attachments inline), their attempts opened in one commit and their deliveries recorded in
one: a backlog costs a request and two syncs to disk per batch instead of several of each per
submission (an outage then charges the batch in flight an attempt, not the batches after it).
A submission too big to travel inline, or a platform without batches, is delivered one by one
as above.

What it does not do: HTTP or signing (the injected `PlatformPort` does), or decryption.
"""
from __future__ import annotations

import enum
import logging
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from contract.wire import MAX_BATCH_ITEMS, AttachmentProgress, Decision, SubmissionAck
from offline_queue.backoff import Backoff
from offline_queue.model import QueueError, QueueState, SubmissionStatus
from offline_queue.outbox import Outbox
from offline_queue.port import BatchPort, ErrorKind, PlatformError, PlatformPort, WholeSubmission
from offline_queue.ratings import RatingBox, RatingPort, RatingState, RatingStatus

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 256 * 1024   # below the platform's 1 MiB chunk limit; resumes lose little
#: Ciphertext per batch request: base64 and JSON make it about 4/3 of this on the wire, well
#: below the platform's 1 MiB body limit. A submission bigger than this is uploaded in chunks.
DEFAULT_BATCH_BYTES = 640 * 1024


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
        batch_bytes: ciphertext one batch request carries at most, when the port is a
            `BatchPort`; a bigger submission is delivered alone, its attachments in chunks.
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
                 chunk_size: int = DEFAULT_CHUNK, batch_bytes: int = DEFAULT_BATCH_BYTES,
                 backoff: Backoff | None = None,
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
        self.batch_bytes = batch_bytes
        self._batching = True      # until the platform says it has no batch endpoint
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
            for outcome in self._deliveries(due):
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

    def _deliveries(self, due: list[str]) -> Iterator[Delivery]:
        """Deliver ``due`` (oldest first), in batches when the port and platform can, else one
        by one; yields each submission's outcome. The caller stops at the first NETWORK."""
        if not (self._batching and isinstance(self.port, BatchPort)):
            for sid in due:
                yield self._deliver(sid)
            return
        group: list[str] = []
        size = 0
        for sid, item_size in self.outbox.sizes(due):
            if item_size > self.batch_bytes:   # too big to travel inline: resumable upload
                yield from self._flush(group)
                group, size = [], 0
                yield self._deliver(sid)
                continue
            if size + item_size > self.batch_bytes or len(group) == MAX_BATCH_ITEMS:
                yield from self._flush(group)
                group, size = [], 0
            group.append(sid)
            size += item_size
        yield from self._flush(group)

    def _flush(self, group: list[str]) -> list[Delivery]:
        if not group:
            return []
        if not self._batching:     # the platform said it has no batches: one by one
            return [self._deliver(sid) for sid in group]
        return self._deliver_batch(group)

    def _deliver_batch(self, ids: list[str]) -> list[Delivery]:
        """One request for ``ids``, attachments inline; every state change of the batch in
        two commits (attempts opened, deliveries recorded), whatever its size."""
        opened = self.outbox.begin_attempts(ids)
        outcomes: dict[str, Delivery] = {}
        items: list[WholeSubmission] = []
        for sid in ids:
            try:
                out, whole = self.outbox.outgoing_whole(sid)
            except QueueError as exc:
                outcomes[sid] = self._failed(sid, *opened[sid], exc)
                continue
            items.append(WholeSubmission(out, whole))
        try:
            answers: list[SubmissionAck | PlatformError] = (
                self.port.post_batch(items) if items else [])  # type: ignore[attr-defined]
        except PlatformError as exc:
            if exc.code == "batch_unsupported":
                self._batching = False
                log.info("queue-batch-unsupported: delivering one by one")
            answers = [exc] * len(items)
        delivered = []
        for item, answer in zip(items, answers):
            sid = item.submission.submission_id
            if isinstance(answer, PlatformError):
                outcomes[sid] = self._failed(sid, *opened[sid], answer)
            elif answer.pending_attachments:    # it lacks a part: the next attempt completes it
                outcomes[sid] = self._failed(sid, *opened[sid], PlatformError(
                    ErrorKind.BAD_RESPONSE, "parts_pending", "the batch left attachments pending"))
            else:
                delivered.append((sid, opened[sid][0], answer.decision))
                outcomes[sid] = Delivery.DELIVERED
        # Marked sent only now: the platform answered, so it holds each of them durably.
        self.outbox.finish_delivered_many(delivered)
        for sid, _, _ in delivered:
            log.info("queue-sent submission=%s attempt=%d batch=%d", sid, opened[sid][1],
                     len(items))
        return [outcomes[sid] for sid in ids]

    def _failed(self, sid: str, attempt_id: int, attempts: int,
                exc: PlatformError | QueueError) -> Delivery:
        """Record a failed attempt: backed off when a retry may help, else held."""
        if isinstance(exc, QueueError):
            self.outbox.finish_failed(sid, attempt_id, f"local: {type(exc).__name__}", None)
            log.error("queue-send-local-error submission=%s error=%s", sid, type(exc).__name__)
            return Delivery.HELD
        if exc.code == "batch_unsupported":   # not the submission's fault: alone, at once
            self.outbox.finish_failed(sid, attempt_id, exc.summary, self.clock())
            return Delivery.FAILED
        if exc.retryable:
            delay = self.backoff.delay(attempts, self._rng)
            if exc.retry_after is not None:   # the platform's wish, within our own cap
                delay = max(delay, min(exc.retry_after, self.backoff.cap_s))
            self.outbox.finish_failed(sid, attempt_id, exc.summary, self.clock() + delay)
            log.info("queue-send-retry submission=%s attempt=%d error=%s", sid, attempts,
                     exc.summary)
            return Delivery.NETWORK if exc.kind is ErrorKind.NETWORK else Delivery.FAILED
        self.outbox.finish_failed(sid, attempt_id, exc.summary, None)
        log.warning("queue-send-refused submission=%s error=%s", sid, exc.summary)
        return Delivery.HELD

    def _deliver(self, sid: str) -> Delivery:
        attempt_id, attempts = self.outbox.begin_attempt(sid)
        try:
            out, parts = self.outbox.outgoing(sid)
            ack = self.port.post_submission(out)
            decided = ack.decision
            for part in parts:
                if not part["complete"]:
                    # A first POST (not a replay) means the platform holds none of it yet: start
                    # at 0 without asking; a wrong guess is answered 409 with the right offset.
                    fresh = not ack.replayed and part["uploaded"] == 0
                    decided = self._upload(sid, part["name"], part["size"], fresh) or decided
        except (PlatformError, QueueError) as exc:
            return self._failed(sid, attempt_id, attempts, exc)
        # Decided with the POST or with the last chunk (verified by the port): one commit.
        self.outbox.finish_delivered(sid, attempt_id, decided)
        log.info("queue-sent submission=%s attempt=%d", sid, attempts)
        return Delivery.DELIVERED

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
