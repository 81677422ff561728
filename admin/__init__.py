"""``kiosk-admin``: the administrators' tool for the fleet's signed configuration.

``admin.repo`` builds and signs the TUF repository (tuf's Metadata API), ``admin.platform``
publishes it to the platform and reads back what each kiosk applied, ``admin.cli`` is the
command. It validates bundles with the kiosk's own settings schema (``kiosk.config``) and
imports no other part of the kiosk (``.importlinter``).
"""
