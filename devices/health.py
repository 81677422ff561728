"""The one shape every device uses to say how it is.

A device's own status is a closed enum in its package (``ReaderStatus``, ``PrinterStatus``...);
``Health`` is what it reports upward to the device manager, in words a technician can act on.
No I/O here.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class DeviceState(enum.Enum):
    """Coarse state the rest of the kiosk decides on."""

    READY = "ready"                # can be used now
    STARTING = "starting"          # coming up (connecting, first frames): soon usable, no fault
    DEGRADED = "degraded"          # usable, but a technician should look (paper near end)
    UNAVAILABLE = "unavailable"    # present but cannot be used now (paper out, cover open, no card SAM)
    DISCONNECTED = "disconnected"  # not reachable: unplugged, port missing, network printer down
    DISABLED = "disabled"          # not configured on this kiosk


@dataclass(frozen=True)
class Health:
    """A device's health at one moment.

    Attributes:
        device: stable id, e.g. ``"idcard"``, ``"camera"``, ``"receipt_printer"``, ``"licence_printer"``.
        state: the coarse state.
        code: the device's own closed status value, e.g. ``"paper_out"``.
        message: Chinese text for a technician (and, where suitable, a citizen).
    """

    device: str
    state: DeviceState
    code: str
    message: str

    @property
    def usable(self) -> bool:
        return self.state in (DeviceState.READY, DeviceState.DEGRADED)
