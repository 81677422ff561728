"""The durable, encrypted outbox: where a finalized application lives until the platform has it.

What it does: seals each submission for the platform (`contract.envelope.seal`) and commits the
ciphertext to SQLite before `enqueue` returns; keeps explicit states and a history of attempts;
hands the sync worker what to send and records what happened; keeps the platform's verdict for
the receipt and the status query; purges bodies after the retention time; refuses new
applications when the disk is nearly full. What it does not do: HTTP (see `sync.py`), or ever
decrypt a queued submission (it holds only the platform's public key).

The platform's decision (reasons, licence data) names the legal person, so it is sealed under a
kiosk-local key (`localseal.py`); it is kept for status queries after the body is purged. Only a
decision whose platform signature verified is recorded (`record_status`): a delivered submission
is `received`, unverified, until the signed decision comes, and a verified final decision is
never replaced. So a final ``remote_status`` is always a verified one.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from contract import envelope
from contract.wire import Decision, DecisionStatus
from offline_queue.localseal import LocalSealer
from offline_queue.model import (
    ATTACHMENT_NAME_RE, SUBJECT_TYPE_RE, UNSENT_STATES, Admission, AdmissionReason,
    AttemptOutcome, DuplicateSubmission, InvalidSubmission, LocalCorruption, OutboxFull,
    QueueError, QueueState, QueueSummary, SchemaError, SubmissionStatus, UnknownSubmission,
    check_submission_id,
)
from offline_queue.port import AttachmentMeta, OutgoingSubmission
from offline_queue.schema import (decode_parts, encode_parts, open_database, part_checksum,
                                  part_intact)

log = logging.getLogger(__name__)

MiB = 1024 * 1024
LOW_DISK_MESSAGE_ZH = ("本机存储空间不足，暂时不能受理新的申请。已经提交的申请不受影响，会在联网后继续上传。"
                       "请联系大厅工作人员处理，或到其他自助机、人工窗口办理。")


class AuditSink(Protocol):
    """Where the outbox records what a technician or its retention did (the kiosk's audit
    log; this package never imports it). Ids and counts only."""

    def record(self, event: str, **fields: str | int | None) -> None: ...


class Outbox:
    """The kiosk's outbox of sealed submissions in one SQLite file.

    Args:
        path: the database file (created on first use).
        platform_key: the platform's X25519 public key; submissions are sealed for it. None
            opens the outbox read-only for technicians' commands: `enqueue` then refuses.
        retention_s: how long an encrypted body is kept after the platform confirmed receipt.
        application_bytes: the disk space one more application is assumed to need.
        reserve_applications: new applications stop when fewer than this many would fit.
        headroom_bytes: space kept free for the system on top of that reserve.
        disk_free: returns free bytes on the database's file system (injectable for tests).
        clock: seconds since the epoch; every time the outbox stores or compares is read from
            it, and the sync worker reads ``outbox.clock`` too, so there is one clock.
        audit: records releases (``queue-released``) and purges (``queue-purged``).
    Raises:
        SchemaError: the file is not a usable outbox.
    """

    def __init__(self, path: Path | str, platform_key: X25519PublicKey | None, *,
                 retention_s: float = 7 * 86400, application_bytes: int = 4 * MiB,
                 reserve_applications: int = 5, headroom_bytes: int = 32 * MiB,
                 disk_free: Callable[[], int] | None = None,
                 clock: Callable[[], float] = time.time, audit: AuditSink | None = None) -> None:
        self.path = Path(path)
        self._audit = audit
        self._platform_key = platform_key
        self.retention_s = retention_s
        self.application_bytes = application_bytes
        self.reserve_applications = reserve_applications
        self.headroom_bytes = headroom_bytes
        self._disk_free = disk_free or (lambda: shutil.disk_usage(self.path.parent).free)
        self._clock = clock
        self._lock = threading.RLock()
        self._body = bytearray()   # the last body sealed, reused (ciphertext only)
        self._db = open_database(self.path)
        self._local = LocalSealer(self.path.with_name(self.path.name + ".key"))
        self._low_disk_reported = False

    @property
    def clock(self) -> Callable[[], float]:
        """The outbox's clock (seconds since the epoch)."""
        return self._clock

    # ------------------------------------------------------------------ citizen-facing API

    def can_accept(self) -> Admission:
        """Whether a new application may start: enough disk for a few more of them.

        A refusal is logged for technicians (once per episode) and shows in `summary()` and so
        in the heartbeat.
        """
        free = self._free_bytes()
        needed = self.application_bytes * self.reserve_applications + self.headroom_bytes
        if free >= needed:
            if self._low_disk_reported:
                log.info("queue-low-disk-cleared free_bytes=%d", free)
                self._low_disk_reported = False
            return Admission(True, "", AdmissionReason.OK, free, needed)
        if not self._low_disk_reported:
            log.warning("queue-low-disk free_bytes=%d needed_bytes=%d: new applications stopped",
                        free, needed)
            self._low_disk_reported = True
        return Admission(False, LOW_DISK_MESSAGE_ZH, AdmissionReason.LOW_DISK, free, needed)

    def enqueue(self, submission_id: str, record: dict, attachments: dict[str, bytes],
                subject_type: str, *, same_as: str | None = None) -> str:
        """Seal a finalized application and commit it durably; returns once it is on disk.

        Args:
            submission_id: the application number (URL-safe, 3-64 characters).
            record: the application record, JSON-serialisable, with its ``subject_type``.
            attachments: name (``face``, ``signature``, ...) to raw bytes.
            subject_type: the subject type code (non-personal, stored in clear).
            same_as: what makes this the application it is, whatever its id (the kiosk's
                ``same_application(record)``; personal: only its keyed fingerprint is kept).
                When an earlier submission of the same application is here and was not sent
                back for correction or refused, nothing is stored and that one's id returned:
                a person who submits again after a crash, in a new visit, keeps one application.
        Returns:
            the id the application is kept under: ``submission_id``, or the earlier one's.
        Raises:
            InvalidSubmission: a malformed id, name, type or record; nothing stored.
            DuplicateSubmission: the id is already queued; nothing changed.
            OutboxFull: not enough disk to store it durably; nothing stored.
        """
        check_submission_id(submission_id)
        if self._platform_key is None:
            raise QueueError("this outbox was opened without the platform key: cannot seal")
        if not isinstance(subject_type, str) or not SUBJECT_TYPE_RE.fullmatch(subject_type):
            raise InvalidSubmission("subject type must be a lower-case code such as 'individual'")
        if not isinstance(record, dict):
            raise InvalidSubmission("record must be a dict")
        if record.get("subject_type") != subject_type:
            # The platform checks the sealed record against the clear type; a mismatch would
            # be refused there and sit held forever, so refuse it here, while someone can act.
            raise InvalidSubmission("record['subject_type'] must equal subject_type")
        if not isinstance(attachments, dict):
            raise InvalidSubmission("attachments must be a dict of name to bytes")
        for name, data in attachments.items():
            if not isinstance(name, str) or not ATTACHMENT_NAME_RE.fullmatch(name):
                raise InvalidSubmission(f"attachment name {name!r} must be a lower-case code")
            if not isinstance(data, (bytes, bytearray)):
                raise InvalidSubmission(f"attachment {name} must be bytes")
        try:
            plain = json.dumps(record, ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"), allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise InvalidSubmission(f"record is not JSON-serialisable: {exc}") from None
        sealer = envelope.Sealer(self._platform_key, submission_id)
        record_ct = sealer.part("record", plain)
        key = self._local.fingerprint(same_as) if same_as is not None else None
        with self._lock:   # the body buffer is the outbox's own: one enqueue at a time seals
            # The attachments are sealed end to end into the body it stores, in name order.
            named = sorted(attachments.items())
            sizes = [envelope.sealed_size(len(data)) for _, data in named]
            body = self._body_buffer(sum(sizes))
            parts, offset = [], 0
            for (name, data), n in zip(named, sizes):
                part = body[offset:offset + n]
                sealer.part_into("attachment:" + name, data, part)
                parts.append((name, n, part_checksum(part)))
                offset += n
            size = len(record_ct) + offset
            # The WAL holds a second copy until a checkpoint; keep the system headroom untouched.
            if self._free_bytes() < 2 * size + self.headroom_bytes // 4:
                raise OutboxFull("not enough disk space to store this submission")
            now = self._clock()
            row = {
                "submission_id": submission_id, "subject_type": subject_type, "created_at": now,
                "created_iso": datetime.fromtimestamp(now, timezone.utc).isoformat(
                    timespec="milliseconds"),
                "state": QueueState.QUEUED.value,
                "envelope": json.dumps(sealer.header, sort_keys=True), "record": record_ct,
                "record_size": len(record_ct), "attachments_size": offset,
                "attempts": 0, "next_attempt_at": now, "application_key": key,
                "parts": encode_parts(parts),
            }
            try:
                # Plain statements, one commit: this runs while the person waits at submit.
                conn = self._db.conn
                with self._db.atomic():
                    earlier = self._same_application(key)
                    if earlier is not None:
                        log.info("queue-same-application submission=%s kept=%s",
                                 submission_id, earlier)
                        return earlier
                    row["body_id"] = self._write_body(body) if named else None
                    # The row last, as it names its body; a crash before COMMIT leaves neither.
                    conn.execute(_insert_sql("submissions", row), tuple(row.values()))
            except sqlite3.IntegrityError:
                raise DuplicateSubmission(f"submission {submission_id} is already queued") from None
            except sqlite3.OperationalError as exc:
                if "full" in str(exc).lower():
                    raise OutboxFull("the disk filled up while storing this submission") from None
                raise
        log.info("queue-enqueued submission=%s size=%d", submission_id, size)
        return submission_id

    def _body_buffer(self, size: int) -> memoryview:
        # Sealing into fresh memory each time cost a tenth of the enqueue in page faults and
        # copies (0.86 against 0.97 of persist-queue's throughput, bench/queue_enqueue.py).
        if len(self._body) < size:
            self._body = bytearray(size)
        return memoryview(self._body)[:size]

    def _write_body(self, body: memoryview) -> int:
        # Inside the caller's transaction. The row is made at its final size and the body is
        # written into its pages straight from the buffer it was sealed into: binding it would
        # copy 300 KB once more, into fresh memory, while the person waits.
        conn = self._db.conn
        body_id = conn.execute("INSERT INTO bodies (data) VALUES (zeroblob(?))",
                               [len(body)]).lastrowid
        with conn.blobopen("bodies", "data", body_id) as blob:
            blob.write(body)
        return body_id

    def _same_application(self, key: str | None) -> str | None:
        # Inside the caller's transaction. A correction or a refusal ends that application:
        # what the person submits then is a new one.
        if key is None:
            return None
        row = self._db.conn.execute(
            "SELECT submission_id FROM submissions WHERE application_key = ? AND "
            "(remote_status IS NULL OR remote_status NOT IN (?, ?)) "
            "ORDER BY created_at LIMIT 1",
            [key, DecisionStatus.NEEDS_CORRECTION.value, DecisionStatus.REJECTED.value]).fetchone()
        return row[0] if row else None

    def status(self, submission_id: str) -> SubmissionStatus:
        """The stored state and the platform's last known verdict for one submission.

        Raises:
            UnknownSubmission: no such id in the outbox.
        """
        with self._lock:
            rows = list(self._db["submissions"].rows_where("submission_id = ?", [submission_id]))
        if not rows:
            raise UnknownSubmission(submission_id)
        row = rows[0]
        detail = self._open_detail(row)
        remote = row["remote_status"]
        return SubmissionStatus(
            submission_id=row["submission_id"], subject_type=row["subject_type"],
            state=_state(row["state"]), created_at=row["created_at"], attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"], last_error=row["last_error"],
            sent_at=row["sent_at"], purged=row["purged_at"] is not None,
            remote_status=DecisionStatus(remote) if remote else None,
            reasons=tuple(detail.get("reasons") or ()), licence=detail.get("licence"),
            remote_updated_at=row["remote_updated_at"], verified=bool(row["remote_verified"]))

    def summary(self) -> QueueSummary:
        """Counts by state, depth, the oldest unsent item's age, the last error, disk state."""
        now = self._clock()
        with self._lock:
            counts = {s: 0 for s in QueueState}
            for row in self._db.execute("SELECT state, COUNT(*) FROM submissions GROUP BY state"):
                counts[_state(row[0])] = row[1]
            remote = {s: 0 for s in DecisionStatus}
            for row in self._db.execute("SELECT remote_status, COUNT(*) FROM submissions "
                                        "WHERE remote_status IS NOT NULL GROUP BY remote_status"):
                remote[DecisionStatus(row[0])] = row[1]
            marks = ",".join("?" * len(UNSENT_STATES))
            oldest = self._db.execute(f"SELECT MIN(created_at) FROM submissions WHERE state IN ({marks})",
                                      [s.value for s in UNSENT_STATES]).fetchone()[0]
            last = self._db.execute("SELECT finished_at, error FROM attempts WHERE error IS NOT NULL "
                                    "ORDER BY finished_at DESC, id DESC LIMIT 1").fetchone()
        admission = self.can_accept()
        return QueueSummary(
            counts=counts, depth=sum(counts[s] for s in UNSENT_STATES),
            oldest_age_s=None if oldest is None else round(max(0.0, now - oldest), 3),
            last_error=last[1] if last else None, free_bytes=admission.free_bytes,
            low_disk=not admission.ok, remote_counts=remote)

    def history(self, submission_id: str) -> list[dict]:
        """Every delivery attempt of a submission, oldest first."""
        with self._lock:
            return list(self._db["attempts"].rows_where("submission_id = ?", [submission_id],
                                                        order_by="id"))

    def report_rows(self) -> list[dict]:
        """One redacted row per submission: ids, times, sizes, states and error codes only."""
        cols = ("submission_id", "subject_type", "created_iso", "state", "record_size",
                "attachments_size", "attempts", "next_attempt_at", "last_error", "sent_at",
                "purged_at", "remote_status", "remote_verified", "remote_updated_at")
        with self._lock:
            return list(self._db["submissions"].rows_where(select=", ".join(cols),
                                                           order_by="created_at"))

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()

    # ------------------------------------------------------------------ sync worker API

    def recover_interrupted(self) -> list[str]:
        """After a restart: every submission left in `sending` becomes due again at once, and
        its open attempt is closed as interrupted. Returns their ids."""
        now = self._clock()
        with self._lock, self._db.atomic():
            ids = [r[0] for r in self._db.execute(
                "SELECT submission_id FROM submissions WHERE state = ?", [QueueState.SENDING.value])]
            for sid in ids:
                self._db.execute("UPDATE attempts SET finished_at = ?, outcome = ? WHERE "
                                 "submission_id = ? AND finished_at IS NULL",
                                 [now, AttemptOutcome.INTERRUPTED.value, sid])
                self._db.execute("UPDATE submissions SET state = ?, next_attempt_at = ? "
                                 "WHERE submission_id = ?", [QueueState.FAILED.value, now, sid])
        return ids

    def due(self, limit: int) -> list[str]:
        """Ids ready for an attempt now, oldest first."""
        with self._lock:
            return [r[0] for r in self._db.execute(
                "SELECT submission_id FROM submissions WHERE state IN (?, ?, ?) AND "
                "next_attempt_at <= ? ORDER BY created_at, submission_id LIMIT ?",
                [QueueState.QUEUED.value, QueueState.FAILED.value, QueueState.SENDING.value,
                 self._clock(), limit])]

    def sizes(self, submission_ids: Iterable[str]) -> list[tuple[str, int]]:
        """``(submission_id, ciphertext bytes of its record and attachments)``, in the order
        given; ids not in the outbox are left out."""
        ids = list(submission_ids)
        marks = ",".join("?" * len(ids))
        with self._lock:
            found = dict(self._db.execute(
                f"SELECT submission_id, record_size + attachments_size FROM submissions "
                f"WHERE submission_id IN ({marks})", ids).fetchall()) if ids else {}
        return [(sid, found[sid]) for sid in ids if sid in found]

    def begin_attempt(self, submission_id: str) -> tuple[int, int]:
        """Mark a submission `sending` and open an attempt.

        Returns:
            ``(attempt_id, attempts)``: the new attempt's id and how many attempts there have
            been, this one included (the backoff grows with it).
        """
        return self.begin_attempts([submission_id])[submission_id]

    def begin_attempts(self, submission_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
        """`begin_attempt` for several submissions in one commit (a round's batch).

        Returns:
            ``{submission_id: (attempt_id, attempts)}``.
        """
        now = self._clock()
        opened: dict[str, tuple[int, int]] = {}
        with self._lock, self._db.atomic():
            for sid in submission_ids:
                self._db.execute("UPDATE submissions SET state = ?, attempts = attempts + 1 "
                                 "WHERE submission_id = ?", [QueueState.SENDING.value, sid])
                attempts = self._db.execute("SELECT attempts FROM submissions WHERE "
                                            "submission_id = ?", [sid]).fetchone()[0]
                cur = self._db.execute("INSERT INTO attempts (submission_id, started_at) "
                                       "VALUES (?, ?)", [sid, now])
                opened[sid] = (cur.lastrowid, attempts)
        return opened

    def outgoing(self, submission_id: str) -> tuple[OutgoingSubmission, list[dict]]:
        """What to POST, and the attachment rows (name, size, checksum, uploaded, complete).

        Each part is read back and checked against the checksum taken when it was sealed; the
        SHA-256 the platform asks for is then taken of those bytes.

        Raises:
            UnknownSubmission: no such id, or its body was already purged.
            LocalCorruption: a part was damaged on this disk since it was sealed.
        """
        out, parts, _ = self._outgoing(submission_id)
        return out, parts

    def outgoing_whole(self, submission_id: str) -> tuple[OutgoingSubmission, dict[str, bytes]]:
        """What to POST with each attachment's ciphertext inline (a batch): the bytes `outgoing`
        read and checked, by name, not read a second time. Raises as `outgoing` does."""
        out, _, whole = self._outgoing(submission_id)
        return out, whole

    def _outgoing(self, submission_id: str
                  ) -> tuple[OutgoingSubmission, list[dict], dict[str, bytes]]:
        with self._lock:
            rows = list(self._db["submissions"].rows_where("submission_id = ?", [submission_id]))
        if not rows or rows[0]["record"] is None:
            raise UnknownSubmission(submission_id)
        row = rows[0]
        # The platform holds every part of a sent submission, and of no other (a part's progress
        # is asked of the platform, which knows: see `SyncWorker._upload`).
        sent = row["state"] == QueueState.SENT.value
        parts = [{**p, "uploaded": p["size"] if sent else 0, "complete": int(sent)}
                 for p in decode_parts(row["parts"])]
        whole = {}
        for p in parts:
            blob = self.attachment_chunk(submission_id, p["name"], 0, p["size"] + 1)
            if not part_intact(p, blob):   # damaged on this disk: held, not sent to be refused
                raise LocalCorruption(f"attachment {p['name']} no longer matches its checksum")
            whole[p["name"]] = blob
        out = OutgoingSubmission(
            submission_id=submission_id, created_at=row["created_iso"],
            subject_type=row["subject_type"], envelope=json.loads(row["envelope"]),
            record=row["record"],
            attachments=tuple(AttachmentMeta(p["name"], p["size"],
                                              hashlib.sha256(whole[p["name"]]).hexdigest())
                              for p in parts))
        return out, parts, whole

    def attachment_chunk(self, submission_id: str, name: str, offset: int, size: int) -> bytes:
        """Bytes [offset, offset+size) of an attachment ciphertext, read without loading it all."""
        if offset < 0 or size < 0:
            raise ValueError("offset and size must not be negative")
        with self._lock:
            row = self._db.execute("SELECT parts, body_id FROM submissions WHERE submission_id = ?",
                                   [submission_id]).fetchone()
            parts = decode_parts(row[0]) if row is not None and row[1] is not None else []
            start = 0
            for part in parts:
                if part["name"] == name:
                    break
                start += part["size"]
            else:
                raise UnknownSubmission(f"{submission_id}/{name}")
            try:
                body = self._db.conn.blobopen("bodies", "data", row[1], readonly=True)
            except sqlite3.OperationalError:   # a body row gone from a damaged file
                raise UnknownSubmission(f"{submission_id}/{name}") from None
            with body:
                # Within this part, however long the row is: a body cut short on this disk
                # reads short, and the sync worker holds it (its size and digest are checked).
                begin = min(start + offset, len(body))
                body.seek(begin)
                return body.read(max(0, min(size, part["size"] - offset, len(body) - begin)))

    def finish_delivered(self, submission_id: str, attempt_id: int,
                         decision: Decision | None = None) -> None:
        """The platform holds the record and every attachment: state `sent`, and the platform's
        status `received` until its signed decision says more; ``decision``, when the delivery
        came back with one (verified by the port), is kept in the same commit.

        The POST answer's own ``status`` is unsigned, so it is not kept: a final status here
        always comes from a verified decision.
        """
        self.finish_delivered_many([(submission_id, attempt_id, decision)])

    def finish_delivered_many(self, delivered: Iterable[tuple[str, int, Decision | None]],
                              ) -> None:
        """`finish_delivered` for each ``(submission_id, attempt_id, decision)``, in one commit
        (what a round's batch delivered: one sync to disk instead of one each)."""
        now = self._clock()
        rows = [(sid, attempt_id, decision, self._sealed_detail(decision) if decision else None)
                for sid, attempt_id, decision in delivered]
        with self._lock, self._db.atomic():
            for sid, attempt_id, decision, sealed in rows:
                self._close_attempt(attempt_id, now, AttemptOutcome.DELIVERED, None)
                self._db.execute(
                    "UPDATE submissions SET state = ?, sent_at = ?, next_attempt_at = NULL, "
                    "remote_status = COALESCE(remote_status, ?) WHERE submission_id = ?",
                    [QueueState.SENT.value, now, DecisionStatus.RECEIVED.value, sid])
                if decision is not None and sealed is not None:
                    self._keep_decision(decision, sealed)

    def finish_failed(self, submission_id: str, attempt_id: int, error: str,
                      retry_at: float | None) -> None:
        """A failed attempt: `failed` until `retry_at`, or `held` when `retry_at` is None."""
        now = self._clock()
        held = retry_at is None
        with self._lock, self._db.atomic():
            self._close_attempt(attempt_id, now,
                                AttemptOutcome.REFUSED if held else AttemptOutcome.RETRY, error)
            self._db.execute(
                "UPDATE submissions SET state = ?, next_attempt_at = ?, last_error = ? "
                "WHERE submission_id = ?",
                [(QueueState.HELD if held else QueueState.FAILED).value, retry_at, error,
                 submission_id])

    def retry_now(self) -> int:
        """Make every `failed` submission due now, whatever its backoff said (the network is
        back, or a technician forces a sync). Held ones stay held. Returns how many."""
        with self._lock, self._db.atomic():
            return self._db.execute("UPDATE submissions SET next_attempt_at = ? WHERE state = ?",
                                    [self._clock(), QueueState.FAILED.value]).rowcount

    def release_held(self, submission_ids: Iterable[str] | None = None) -> int:
        """Technician action: make `held` submissions due again. Returns how many."""
        now = self._clock()
        with self._lock, self._db.atomic():
            where, args = "state = ?", [QueueState.HELD.value]
            if submission_ids is not None:
                ids = list(submission_ids)
                where += f" AND submission_id IN ({','.join('?' * len(ids))})"
                args += ids
            cur = self._db.execute(f"UPDATE submissions SET state = ?, next_attempt_at = ? "
                                   f"WHERE {where}", [QueueState.FAILED.value, now, *args])
            released = cur.rowcount
        if self._audit is not None:
            one = ids[0] if submission_ids is not None and len(ids) == 1 else None
            self._audit.record("queue-released", submission_id=one, count=released)
        return released

    def needs_status(self, poll_interval_s: float, limit: int) -> list[str]:
        """Sent submissions without a final decision, not checked recently."""
        cutoff = self._clock() - poll_interval_s
        with self._lock:
            # Through the partial index of the undecided (spelled as its WHERE is): without
            # statistics SQLite would pick the state index and walk every sent row.
            return [r[0] for r in self._db.execute(
                "SELECT submission_id FROM submissions INDEXED BY submissions_undecided "
                "WHERE state = 'sent' AND "
                "(remote_status IS NULL OR remote_status = 'received') AND "
                "(status_checked_at IS NULL OR status_checked_at <= ?) "
                "ORDER BY status_checked_at IS NOT NULL, status_checked_at, created_at LIMIT ?",
                [cutoff, limit])]

    def record_status(self, decision: Decision) -> None:
        """Keep the platform's decision, marked verified (reasons and licence sealed under the
        local key).

        The caller vouches that the decision's signature verified: the `PlatformPort` contract
        says every decision a port returns did. A verified final decision already kept is
        final: a later answer (e.g. a replayed POST answer) never replaces it.
        """
        sealed = self._sealed_detail(decision)
        with self._lock, self._db.atomic():
            self._keep_decision(decision, sealed)

    def _sealed_detail(self, decision: Decision) -> bytes:
        licence = decision.licence.model_dump(mode="json") if decision.licence else None
        detail = json.dumps({"reasons": list(decision.reasons), "licence": licence},
                            ensure_ascii=False).encode()
        return self._local.seal(decision.submission_id, detail)

    def _keep_decision(self, decision: Decision, sealed: bytes) -> None:
        # Inside the caller's transaction.
        self._db.execute(
            "UPDATE submissions SET remote_status = ?, remote_detail = ?, remote_verified = 1, "
            "remote_updated_at = ?, status_checked_at = ? WHERE submission_id = ? AND "
            "NOT (remote_verified = 1 AND remote_status != ?)",
            [decision.status.value, sealed, decision.updated_at, self._clock(),
             decision.submission_id, DecisionStatus.RECEIVED.value])

    def note_status_checked(self, submission_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE submissions SET status_checked_at = ? WHERE submission_id = ?",
                             [self._clock(), submission_id])

    def purge_expired(self) -> int:
        """Drop the encrypted body of submissions confirmed longer than `retention_s` ago.

        Metadata and the verdict stay for status queries. The WAL is checkpointed afterwards so
        the old pages do not linger in it. Returns how many were purged.
        """
        now = self._clock()
        cutoff = now - self.retention_s
        with self._lock:
            with self._db.atomic():
                rows = self._db.execute(
                    "SELECT submission_id, body_id FROM submissions WHERE state = ? AND "
                    "sent_at <= ? AND purged_at IS NULL", [QueueState.SENT.value, cutoff]).fetchall()
                ids = [sid for sid, _ in rows]
                for sid, body_id in rows:
                    self._db.execute("UPDATE submissions SET record = NULL, envelope = NULL, "
                                     "body_id = NULL, purged_at = ? WHERE submission_id = ?",
                                     [now, sid])
                    self._db.execute("DELETE FROM bodies WHERE id = ?", [body_id])
            if ids:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if ids:
            log.info("queue-purged count=%d", len(ids))
            if self._audit is not None:
                self._audit.record("queue-purged", count=len(ids))
        return len(ids)

    def vacuum_if_idle(self) -> bool:
        """Rebuild the file (``VACUUM``) if nothing is waiting to be sent or being sent.

        For the nightly maintenance window: purged bodies leave free pages (overwritten, as
        ``secure_delete`` is on) that only a VACUUM gives back to the disk. It holds the
        outbox for as long as it takes, so it runs only when no submission is in flight;
        held ones (waiting for a technician) do not count. Returns whether it ran.
        """
        busy = (QueueState.QUEUED.value, QueueState.SENDING.value, QueueState.FAILED.value)
        with self._lock:
            waiting = self._db.execute(
                "SELECT COUNT(*) FROM submissions WHERE state IN (?, ?, ?)", busy).fetchone()[0]
            if waiting:
                return False
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
        log.info("queue-vacuumed")
        return True

    # ------------------------------------------------------------------ helpers

    def _close_attempt(self, attempt_id: int, now: float, outcome: AttemptOutcome,
                       error: str | None) -> None:
        self._db.execute("UPDATE attempts SET finished_at = ?, outcome = ?, error = ? WHERE id = ?",
                         [now, outcome.value, error, attempt_id])

    def _open_detail(self, row: dict) -> dict:
        blob = row["remote_detail"]
        if not blob:
            return {}
        plain = self._local.open(row["submission_id"], blob)
        if plain is None:   # a replaced key file loses only the cached verdict, not a submission
            log.warning("queue-detail-unreadable submission=%s", row["submission_id"])
            return {}
        return json.loads(plain)

    def _free_bytes(self) -> int:
        return int(self._disk_free())


def _state(value: str) -> QueueState:
    try:
        return QueueState(value)
    except ValueError:
        raise SchemaError(f"unknown queue state {value!r} in the database") from None


def _insert_sql(table: str, row: dict) -> str:
    return (f"INSERT INTO {table} ({', '.join(row)}) "
            f"VALUES ({', '.join('?' for _ in row)})")

