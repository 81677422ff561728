"""Kiosk peripherals: ID-card reader, camera and face check, receipt and licence printers.

Each device is a package with a pure protocol/codec core, a transport, a driver and a simulator
that speaks the real protocol. Nothing here imports ``kiosk``, ``ui`` or ``offline_queue``.
"""
