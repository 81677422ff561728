"""The kiosk's side of the platform contract: its signing identity, the HTTP client, and
the embedded platform. What both sides share lives in ``contract/``."""
