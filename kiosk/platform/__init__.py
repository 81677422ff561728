"""The kiosk's side of the platform contract: request signing and the HTTP client."""
