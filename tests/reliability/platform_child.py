"""The platform for the crash campaign: ``kiosk-central`` itself, run as its own process, with
kill points inside its transactions (see ``points.py``).

Run as ``python tests/reliability/platform_child.py --data DIR --port 0``: the same arguments
and the same ``central.__main__.main`` as ``kiosk-central``; each ``Store`` connection it opens
announces

- ``accept``: inside the transaction that accepts a new submission (before its commit);
- ``chunk``: inside the transaction that stores an attachment chunk.

With ``CAMPAIGN_BROKEN_IDEMPOTENCY=1`` it forgets the idempotency rule (every POST is treated as
new and overwrites the row): only for the test that shows the campaign's duplicate check fails.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from central import __main__ as central_main  # noqa: E402
from central import batches, idempotency, routes  # noqa: E402
from central.store import Store  # noqa: E402
from tests.reliability.points import Points  # noqa: E402

RULES = (("INSERT INTO accept_log", "accept"), ("INSERT INTO attachment_chunks", "chunk"))


def main() -> int:
    points = Points()
    opened = Store.__init__

    def traced(self: Store, path: Path) -> None:
        opened(self, path)
        points.trace(self.conn, RULES)

    Store.__init__ = traced   # type: ignore[method-assign]
    if os.environ.get("CAMPAIGN_BROKEN_IDEMPOTENCY") == "1":
        routes.idempotency = batches.idempotency = _Forgetful()   # type: ignore[assignment]
        inserted = Store.insert_submission

        def overwrite(self: Store, row: dict, attachments: list[dict], key: str) -> None:
            for table in ("attachment_chunks", "attachments"):
                self.conn.execute(f"DELETE FROM {table} WHERE submission_id = ?",
                                  (row["submission_id"],))
            self.conn.execute("DELETE FROM submissions WHERE submission_id = ?",
                              (row["submission_id"],))
            inserted(self, row, attachments, key)

        Store.insert_submission = overwrite   # type: ignore[method-assign]
    return central_main.main(sys.argv[1:])


class _Forgetful:
    """``central.idempotency`` without its rule: every POST is new."""

    CONFLICT_MESSAGE = idempotency.CONFLICT_MESSAGE

    @staticmethod
    def replay(existing: object, kiosk_id: str, body_sha256: str) -> None:
        return None

    replayed_answer = replay


if __name__ == "__main__":
    sys.exit(main())
