"""The kiosk's HTTP client for the platform (docs/platform-contract.md), built on requests.

What it does: signs every request with `contract.signing.sign_headers` over the exact bytes and
path that go on the wire, puts a timeout on every call, and turns every failure (refused
connection, timeout, dropped answer, error status, a body that is not what the contract
promises) into one exception type, `PlatformError`, that says whether a retry may help. It
implements the offline queue's `PlatformPort` (post_submission, attachment_offset,
upload_chunk, get_status, heartbeat) and `BatchPort` (post_batch: a backlog in few requests),
and offers the rest of the kiosk `check_name`, `post_rating`, the help calls,
`fetch_repository` (the fleet's TUF repository) and the citizen services at any kiosk
(`citizen_applications`, `citizen_progress`, `citizen_print`: ``contract.citizen``).

Answers are parsed strictly into the shared `contract.wire` models. Every decision is checked
before it is returned: the platform's signature against the decision key this kiosk trusts
(`contract.decisions`), the submission and kiosk it names, and its licence's credit code by
the GB 32100 check (`kiosk.domain.identifiers`). A decision that fails any check is a
`BAD_RESPONSE` from `get_status`; inside a POST answer it is left out (the delivery itself
stands, and the signed decision is asked for again), so it never reaches the outbox, and a
licence is printed only from a decision that passed.

What it does not do: retry (the sync worker decides when), queue anything, or verify
configuration (`kiosk.config.updater` runs TUF over the files `fetch_repository` returns).
"""
from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel

from contract.citizen import (ApplicationList, LicencePrint, PrintSignatureError, Progress,
                              SignedLicencePrint, Verification, verify_print)
from contract.decisions import DecisionSignatureError, verify_decision
from contract.signing import sign_headers
from contract.wire import (AttachmentProgress, BatchAck, Decision, HelpCall, HelpReason,
                           SignedDecision, SubmissionAck, WireError, parse)
from kiosk.domain.identifiers import validate_credit_code
from offline_queue.port import ErrorKind, OutgoingSubmission, PlatformError, WholeSubmission

__all__ = ["PlatformClient", "PlatformError", "ErrorKind", "NameCheck"]

log = logging.getLogger(__name__)

#: (connect, read) seconds. Short connect: a dead township link should fail fast.
DEFAULT_TIMEOUT = (3.05, 15.0)
MAX_REPOSITORY_FILE = 1024 * 1024   # TUF metadata and bundles are a few kB


@dataclass(frozen=True)
class NameCheck:
    """The platform's answer to a business-name self-check (企业名称自主申报查重)."""

    available: bool
    conflicts: tuple[str, ...]
    message: str


def _canonical_json(obj: object) -> bytes:
    # Deterministic bytes: a retried POST must hash to the same body as the first one.
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _retry_after(value: str | None) -> float | None:
    # Only the delta-seconds form; an HTTP date from a platform clock we cannot trust is ignored.
    if value is None or not value.strip().isdigit():
        return None
    return float(int(value.strip()))


class PlatformClient:
    """Signed, time-limited calls to the platform.

    Args:
        base_url: e.g. ``http://127.0.0.1:8700`` (no trailing path needed).
        kiosk_id: this kiosk's registered id.
        private_key: this kiosk's Ed25519 signing key.
        decision_key: the platform's decision key this kiosk trusts (``[platform]
            decision_key``). Without one no decision verifies: statuses stay unverified and no
            licence is printed, though submissions are still delivered.
        timeout: (connect, read) seconds for every call.
        session: a requests session to reuse (keep-alive across a sync round).
    """

    def __init__(self, base_url: str, kiosk_id: str, private_key: Ed25519PrivateKey, *,
                 decision_key: Ed25519PublicKey | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self._key = private_key
        self._decision_key = decision_key
        self.timeout = timeout
        self._session = session or requests.Session()
        if self._session.trust_env:
            # The environment's proxy and CA settings, read once: requests reads them on every
            # call otherwise (about a third of a millisecond each, every os.environ entry).
            env = self._session.merge_environment_settings(self.base_url, {}, None, None, None)
            self._session.proxies.update(env["proxies"])
            self._session.verify = env["verify"]
            self._session.trust_env = False

    def close(self) -> None:
        self._session.close()

    # ------------------------------------------------------------------ PlatformPort

    def post_submission(self, submission: OutgoingSubmission) -> SubmissionAck:
        """POST /v1/submissions with ``Idempotency-Key`` = the submission id.

        Returns:
            the platform's answer; ``replayed`` is true when it repeats the answer to an earlier
            POST of this body, and ``decision`` is the verified decision when it came with it.
        Raises:
            PlatformError: ``CONFLICT`` on 409 (an id this body cannot use), ``REFUSED`` on other
                4xx, ``SERVER``/``NETWORK``/``AUTH``/``BAD_RESPONSE`` as described in the class.
        """
        resp = self._call("POST", "/v1/submissions", self._submission_body(submission),
                          {"Idempotency-Key": submission.submission_id,
                           "Content-Type": "application/json"})
        return self._checked_ack(self._parse(resp, SubmissionAck), submission.submission_id)

    def post_batch(self, items: Sequence[WholeSubmission]) -> list[SubmissionAck | PlatformError]:
        """POST /v1/submission-batches: many submissions with their attachments inline, stored
        by the platform in one durable transaction. Each item's ``body`` is the very bytes
        `post_submission` would send, so idempotency holds across both ways of delivering.

        Returns:
            per item, in order: its ack (decision verified as in `post_submission`) or the
            `PlatformError` a single POST of it would have raised.
        Raises:
            PlatformError: the call as a whole failed; ``batch_unsupported`` (REFUSED) when
                the platform has no batch endpoint (an older platform: deliver one by one).
        """
        body = {"submissions": [
            {"body": self._submission_body(item.submission).decode(),
             "attachments": [{"name": name, "data": base64.b64encode(data).decode()}
                             for name, data in sorted(item.attachments.items())]}
            for item in items]}
        try:
            resp = self._call("POST", "/v1/submission-batches", _canonical_json(body),
                              {"Content-Type": "application/json"})
        except PlatformError as exc:
            if exc.http_status in (404, 405):
                raise PlatformError(ErrorKind.REFUSED, "batch_unsupported",
                                    "the platform has no batch endpoint",
                                    http_status=exc.http_status) from None
            raise
        batch: BatchAck = self._parse(resp, BatchAck)
        if len(batch.items) != len(items):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_batch",
                                "the platform answered for another number of submissions")
        answers: list[SubmissionAck | PlatformError] = []
        for item, answer in zip(items, batch.items):
            sid = item.submission.submission_id
            if answer.ack is not None:
                try:
                    answers.append(self._checked_ack(answer.ack, sid))
                except PlatformError as exc:
                    answers.append(exc)
            else:
                assert answer.error is not None, "BatchItemAnswer holds one of them"
                answers.append(self._classify(answer.error.status, answer.error.model_dump()))
        return answers

    def _submission_body(self, submission: OutgoingSubmission) -> bytes:
        body = {
            "submission_id": submission.submission_id, "kiosk_id": self.kiosk_id,
            "created_at": submission.created_at, "subject_type": submission.subject_type,
            "envelope": submission.envelope,
            "record": base64.b64encode(submission.record).decode(),
            "attachments": [{"name": a.name, "size": a.size, "sha256": a.sha256}
                            for a in submission.attachments],
        }
        return _canonical_json(body)

    def _checked_ack(self, ack: SubmissionAck, submission_id: str) -> SubmissionAck:
        if ack.submission_id != submission_id:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_submission",
                                "platform acknowledged another submission id")
        if ack.decision is not None:
            try:
                self._verified(ack.decision, submission_id)
            except PlatformError as exc:
                # The delivery stands; the decision is asked for again and must verify then.
                log.warning("platform-decision-refused submission=%s error=%s",
                            submission_id, exc.summary)
                ack = ack.model_copy(update={"decision": None})
        return ack

    def attachment_offset(self, submission_id: str, name: str) -> AttachmentProgress:
        """GET how many bytes of an attachment the platform holds."""
        resp = self._call("GET", self._attachment_path(submission_id, name))
        return self._progress(resp, name)

    def upload_chunk(self, submission_id: str, name: str, offset: int,
                     chunk: bytes) -> AttachmentProgress:
        """PUT one chunk at ``offset``.

        Raises:
            PlatformError: ``OFFSET`` with ``.offset`` set when the platform expects another
                offset; ``CHECKSUM`` when the completed upload's SHA-256 did not match.
        """
        resp = self._call("PUT", self._attachment_path(submission_id, name), chunk,
                          {"Upload-Offset": str(offset),
                           "Content-Type": "application/octet-stream"})
        progress = self._progress(resp, name)
        if progress.decision is not None:
            try:
                self._verified(progress.decision, submission_id)
            except PlatformError as exc:   # the upload stands; the decision is asked for again
                log.warning("platform-decision-refused submission=%s error=%s", submission_id,
                            exc.summary)
                progress = progress.model_copy(update={"decision": None})
        return progress

    def get_status(self, submission_id: str) -> Decision:
        """GET /v1/submissions/{id}: the platform's decision, reasons and licence.

        Raises:
            PlatformError: ``BAD_RESPONSE`` when the answer is not a signed decision on this
                submission for this kiosk that verifies against the trusted decision key, or
                its licence does not pass the kiosk's own checks.
        """
        resp = self._call("GET", f"/v1/submissions/{quote(submission_id, safe='')}")
        return self._verified(self._parse(resp, SignedDecision), submission_id)

    def heartbeat(self, payload: dict) -> None:
        """POST /v1/kiosks/{id}/heartbeat."""
        self._call("POST", f"/v1/kiosks/{quote(self.kiosk_id, safe='')}/heartbeat",
                   _canonical_json(payload), {"Content-Type": "application/json"})

    # ------------------------------------------------------------------ the rest of the kiosk

    def check_name(self, name: str, subject_type: str | None = None) -> NameCheck:
        """GET /v1/names/check?name=...&subject_type=...: is this business name free to use
        for that kind of subject? (Its naming rules differ: a 个体工商户 name is no company's.)"""
        query = {"name": name, **({"subject_type": subject_type} if subject_type else {})}
        resp = self._call("GET", "/v1/names/check?" + urlencode(query))
        data = self._json(resp, dict)
        conflicts = data.get("conflicts", [])
        if not isinstance(data.get("available"), bool) or not isinstance(conflicts, list):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_name_check_shape",
                                "available must be a boolean and conflicts a list")
        return NameCheck(data["available"], tuple(str(c) for c in conflicts),
                         str(data.get("message", "")))

    def post_rating(self, rating: dict) -> dict:
        """POST /v1/ratings (好差评); idempotent on ``rating_id``. Returns the platform's answer."""
        resp = self._call("POST", "/v1/ratings", _canonical_json(rating),
                          {"Content-Type": "application/json"})
        return self._json(resp, dict)

    def call_help(self, call_id: str, page: str, reason: HelpReason = HelpReason.HELP) -> HelpCall:
        """POST /v1/help-calls (帮办): ask the hall's staff to come; idempotent on ``call_id``.
        Carries the page and the reason, nothing about the person."""
        resp = self._call("POST", "/v1/help-calls",
                          _canonical_json({"call_id": call_id, "page": page,
                                           "reason": reason.value}),
                          {"Content-Type": "application/json"})
        return self._own_call(self._parse(resp, HelpCall), call_id)

    def help_call(self, call_id: str) -> HelpCall:
        """GET /v1/help-calls/{id}: open, answered (who is coming), cancelled or closed."""
        resp = self._call("GET", f"/v1/help-calls/{quote(call_id, safe='')}")
        return self._own_call(self._parse(resp, HelpCall), call_id)

    def cancel_help(self, call_id: str) -> HelpCall:
        """POST /v1/help-calls/{id}/cancel: staff need not come any more."""
        resp = self._call("POST", f"/v1/help-calls/{quote(call_id, safe='')}/cancel")
        return self._own_call(self._parse(resp, HelpCall), call_id)

    def _own_call(self, call: HelpCall, call_id: str) -> HelpCall:
        if call.call_id != call_id or call.kiosk_id != self.kiosk_id:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_help_call",
                                "the platform answered about another help call")
        return call

    def fetch_repository(self, rel: str) -> bytes | None:
        """GET /v1/tuf/{rel}: one file of the TUF repository (``metadata/timestamp.json``,
        ``targets/bundles/...``), as the platform holds it; None when it has no such file.
        Nothing is verified here: tuf.ngclient does that with the kiosk's trusted root.

        Raises:
            PlatformError: the platform could not be reached or answered otherwise.
        """
        try:
            resp = self._call("GET", "/v1/tuf/" + quote(rel, safe="/"))
        except PlatformError as exc:
            if exc.http_status == 404:
                return None
            raise
        if len(resp.content) > MAX_REPOSITORY_FILE:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "too_large",
                                f"repository file larger than {MAX_REPOSITORY_FILE} bytes")
        return resp.content
    # ------------------------------------------------------------------ citizen services

    def citizen_applications(self, person: str, verified_by: Verification) -> ApplicationList:
        """POST /v1/citizen/applications: the applications of the verified person, at any
        kiosk. ``person`` is ``contract.citizen.person_key`` of the card's number."""
        resp = self._call("POST", "/v1/citizen/applications",
                          _canonical_json({"person_key": person,
                                           "verified_by": verified_by.value}),
                          {"Content-Type": "application/json"})
        return self._parse(resp, ApplicationList)

    def citizen_progress(self, application_id: str) -> Progress:
        """GET /v1/citizen/applications/{id}/progress: its state, nothing personal.

        Raises:
            PlatformError: ``REFUSED`` with ``http_status`` 404 for a number nobody filed.
        """
        resp = self._call("GET", f"/v1/citizen/applications/{quote(application_id, safe='')}"
                                 "/progress")
        progress = self._parse(resp, Progress)
        if progress.application_id != application_id:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_application",
                                "the platform answered about another application")
        return progress

    def citizen_print(self, application_id: str, print_id: str, person: str | None,
                      verified_by: Verification | None) -> LicencePrint:
        """POST /v1/citizen/applications/{id}/prints: count one licence print (the first is
        the original, later ones 补打) and get the licence, signed for this kiosk.

        ``person`` None: this kiosk submitted the application and prints it on the spot.

        Raises:
            PlatformError: ``REFUSED`` (404) when it is not this person's (or this kiosk's),
                ``CONFLICT`` when it has no licence, ``BAD_RESPONSE`` when the answer is not a
                verified print of this application for this kiosk with a licence that passes.
        """
        body = {"print_id": print_id, "person_key": person,
                "verified_by": verified_by.value if verified_by else None}
        resp = self._call("POST", f"/v1/citizen/applications/{quote(application_id, safe='')}"
                                  "/prints", _canonical_json(body),
                          {"Content-Type": "application/json"})
        signed: SignedLicencePrint = self._parse(resp, SignedLicencePrint)
        if (signed.application_id, signed.kiosk_id, signed.print_id) != (
                application_id, self.kiosk_id, print_id):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_print",
                                "the platform answered about another print")
        if self._decision_key is None:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "no_decision_key",
                                "no platform decision key is configured: cannot verify")
        try:
            grant = verify_print(self._decision_key, signed)
        except PrintSignatureError:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_print_signature",
                                "the licence print's signature does not verify") from None
        self._check_licence(grant.licence.uscc)
        return grant

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    def _attachment_path(submission_id: str, name: str) -> str:
        return (f"/v1/submissions/{quote(submission_id, safe='')}"
                f"/attachments/{quote(name, safe='')}")

    def _call(self, method: str, path: str, body: bytes = b"",
              headers: dict[str, str] | None = None) -> requests.Response:
        request = requests.Request(method, self.base_url + path, data=body or None,
                                   headers=dict(headers or {}))
        prepared = self._session.prepare_request(request)
        # Sign what requests will actually send: its path (after any re-quoting) and body.
        sent_body = prepared.body or b""
        if isinstance(sent_body, str):
            sent_body = sent_body.encode()
        prepared.headers.update(sign_headers(self._key, self.kiosk_id, method,
                                             prepared.path_url, sent_body))
        try:
            resp = self._session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            raise PlatformError(ErrorKind.NETWORK, "timeout", f"{method} timed out") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            raise PlatformError(ErrorKind.NETWORK, "connection",
                                f"{method} could not reach the platform") from None
        except requests.RequestException as exc:
            raise PlatformError(ErrorKind.NETWORK, "request_failed", type(exc).__name__) from None
        if resp.status_code >= 300:
            raise self._error(resp)
        return resp

    @classmethod
    def _error(cls, resp: requests.Response) -> PlatformError:
        try:
            data = resp.json()
        except ValueError:
            data = None
        return cls._classify(resp.status_code, data,
                             _retry_after(resp.headers.get("Retry-After")))

    @staticmethod
    def _classify(status: int, data: Any, retry_after: float | None = None) -> PlatformError:
        """The `PlatformError` for an error answer: its HTTP status and JSON body."""
        code = ""
        if isinstance(data, dict):
            code = str(data.get("error") or data.get("code") or "")
            detail = data.get("detail")   # FastAPI wraps HTTPException bodies in "detail"
            if not code and isinstance(detail, dict):
                data, code = detail, str(detail.get("error") or "")
        code = code or f"http_{status}"
        if status == 401:
            return PlatformError(ErrorKind.AUTH, code, http_status=status)
        if status == 409 and code == "offset_mismatch":
            offset = data.get("received", data.get("offset")) if isinstance(data, dict) else None
            if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
                return PlatformError(ErrorKind.BAD_RESPONSE, code, "offset missing",
                                     http_status=status)
            return PlatformError(ErrorKind.OFFSET, code, http_status=status, offset=offset)
        if status == 409:
            return PlatformError(ErrorKind.CONFLICT, code, http_status=status)
        if status == 422 and code == "checksum_mismatch":
            return PlatformError(ErrorKind.CHECKSUM, code, http_status=status)
        if status in (408, 425, 429) or status >= 500:
            return PlatformError(ErrorKind.SERVER, code, http_status=status,
                                 retry_after=retry_after)
        if status < 400:   # a redirect: the contract has none, so the base URL is wrong
            return PlatformError(ErrorKind.BAD_RESPONSE, code, "unexpected redirect",
                                 http_status=status)
        return PlatformError(ErrorKind.REFUSED, code, http_status=status)

    def _verified(self, signed: SignedDecision, submission_id: str) -> Decision:
        """The decision, once its signature, addressee and licence have passed."""
        if signed.submission_id != submission_id or signed.kiosk_id != self.kiosk_id:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_submission",
                                "the decision is about another submission or kiosk")
        if self._decision_key is None:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "no_decision_key",
                                "no platform decision key is configured: cannot verify")
        try:
            decision = verify_decision(self._decision_key, signed)
        except DecisionSignatureError:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_decision_signature",
                                "the decision's signature does not verify") from None
        if decision.licence is not None:
            self._check_licence(decision.licence.uscc)
        return decision

    @staticmethod
    def _check_licence(uscc: str) -> None:
        # The wire model checked the code's shape; the check character is the domain's rule.
        check = validate_credit_code(uscc)
        if not check.valid or check.code != uscc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_licence",
                                "the licence's credit code fails the GB 32100 check")

    @staticmethod
    def _parse(resp: requests.Response, model: type[BaseModel]) -> Any:
        try:
            return parse(model, resp.content)
        except WireError as exc:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_shape",
                                f"answer is not a {model.__name__}: {exc}",
                                http_status=resp.status_code) from None

    @staticmethod
    def _json(resp: requests.Response, kind: type) -> dict:
        try:
            data = resp.json()
        except ValueError:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "not_json", "answer is not JSON",
                                http_status=resp.status_code) from None
        if not isinstance(data, kind):
            raise PlatformError(ErrorKind.BAD_RESPONSE, "bad_shape",
                                f"answer is not a JSON {kind.__name__}",
                                http_status=resp.status_code)
        return data

    def _progress(self, resp: requests.Response, name: str) -> AttachmentProgress:
        progress = self._parse(resp, AttachmentProgress)
        if progress.name != name:
            raise PlatformError(ErrorKind.BAD_RESPONSE, "wrong_attachment",
                                "the platform answered about another attachment")
        return progress
