"""Listeners that turn what other parts report into audit entries.

``DeviceFaults`` listens to the device manager: a device whose health changes to a fault
(unavailable or disconnected) is recorded as ``device-fault`` with its state and code, and one
that becomes usable again after a fault as ``device-recovered``. A device still starting, or
not configured, is no fault. The manager tells only changes, so a standing fault is one entry.
"""
from __future__ import annotations

from devices.health import DeviceState, Health
from kiosk.audit import Audit

_NOT_FAULTS = (DeviceState.STARTING, DeviceState.DISABLED)


class DeviceFaults:
    def __init__(self, audit: Audit) -> None:
        self._audit = audit
        self._down: set[str] = set()

    def __call__(self, health: Health) -> None:
        if health.usable:
            if health.device in self._down:
                self._down.discard(health.device)
                self._audit.record("device-recovered", device=health.device,
                                   state=health.state.value, code=health.code)
        elif health.state not in _NOT_FAULTS:
            self._down.add(health.device)
            self._audit.record("device-fault", device=health.device, state=health.state.value,
                               code=health.code)
