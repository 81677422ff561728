"""What the kiosk, its offline queue and the platform share: the platform contract in code.

- ``contract.signing``: every request a kiosk sends is signed with its Ed25519 key
  (headers, canonical request, verification with freshness); Ed25519 key text.
- ``contract.envelope``: a submission sealed for the platform's X25519 key (ODK-style).
- ``contract.wire``: the shapes that cross HTTP (submission statuses, the platform's decision
  and its licence, the POST answer, attachment progress), as pydantic models that the platform
  serves and the kiosk parses.
- ``contract.decisions``: the platform's signature over a decision, and its verification.
- ``contract.canonical``: the one canonical JSON that signatures are made over.

A leaf: it imports no other package of this project and no Qt, requests or FastAPI
(``.importlinter`` holds this). Rules that need the domain (the GB 32100 check character, the
review of a record) live in ``kiosk.domain``; the platform runs that same code.
``docs/platform-contract.md`` is the prose; ``central/openapi.json`` is generated from these
models and the platform's routes.
"""
