"""Reference central platform (一窗通) for development, tests and demos.

A real HTTP service (FastAPI on uvicorn, SQLite in WAL mode) that implements the platform
contract of ``docs/platform-contract.md``: signed kiosk requests, idempotent sealed
submissions, resumable attachments, 秒批 decisions with the kiosk's own domain rules, the name
check, ratings, signed config bundles and heartbeats, plus seeded fault injection.

It is not a production registration system: one process, one authority, no clerk UI.
Start it with ``kiosk-central`` (``central.__main__``) or, in tests,
``central.testing.running_platform``.
"""
