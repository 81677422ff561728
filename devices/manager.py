"""The device manager: starts the configured devices, watches their health, isolates failures.

One place answers "can I read a card / capture a face / print now?". Each device is started
and polled on its own; a device whose ``start`` or ``health`` raises is reported
DISCONNECTED and retried with exponential backoff, and never stops the others. Listeners hear
a device's health only when it changes. ``poll_once`` is the whole algorithm and takes the
time as an argument, so tests run it without threads; ``start_polling`` runs it in a thread.
Nothing here knows a particular device.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from devices.health import DeviceState, Health

log = logging.getLogger(__name__)

IDCARD, CAMERA, RECEIPT_PRINTER, LICENCE_PRINTER = (
    "idcard", "camera", "receipt_printer", "licence_printer")


class ManagedDevice(Protocol):
    """What the manager needs of a device driver: ``health()``, and ``start()``/``stop()``
    where the driver has a lifecycle (a PDF licence printer has none)."""

    def health(self) -> Health: ...


@dataclass
class _Slot:
    name: str
    device: ManagedDevice
    started: bool = False
    failures: int = 0
    next_try: float = 0.0
    last: Health | None = None


class DeviceManager:
    """Owns the devices' lifecycle and health.

    Args:
        devices: device id -> driver (ids as in ``Health.device``).
        on_change: called with a device's new ``Health`` whenever it differs from the last one.
        poll_interval_s: how often ``start_polling`` polls.
        backoff_s / max_backoff_s: retry delay after the first failure, doubling up to the cap.
        clock: monotonic seconds.
    """

    def __init__(self, devices: dict[str, ManagedDevice], *,
                 on_change: Callable[[Health], None] | None = None,
                 poll_interval_s: float = 2.0, backoff_s: float = 1.0, max_backoff_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._slots = {name: _Slot(name, dev) for name, dev in devices.items()}
        self._listeners: list[Callable[[Health], None]] = [on_change] if on_change else []
        self.poll_interval_s = poll_interval_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def subscribe(self, listener: Callable[[Health], None]) -> None:
        self._listeners.append(listener)

    # ----- the algorithm ------------------------------------------------------------------
    def poll_once(self, now: float | None = None) -> list[Health]:
        """Start what is not started (when its backoff allows), read every health.

        Returns:
            The health reports that changed, in device order.
        """
        now = self._clock() if now is None else now
        changed = []
        with self._lock:
            for slot in self._slots.values():
                health = self._poll(slot, now)
                if health != slot.last:
                    slot.last = health
                    changed.append(health)
        for health in changed:
            log.info("device-health-changed device=%s state=%s code=%s",
                     health.device, health.state.value, health.code)
            for listener in self._listeners:
                try:
                    listener(health)
                except Exception:  # noqa: BLE001 - a listener's bug must not stop polling
                    log.exception("device health listener failed")
        return changed

    def _poll(self, slot: _Slot, now: float) -> Health:
        if not slot.started:
            if now < slot.next_try:
                return slot.last or self._down(slot, "设备正在重试连接")
            try:
                getattr(slot.device, "start", lambda: None)()
                slot.started = True
            except Exception as exc:  # noqa: BLE001 - any driver failure is isolated here
                return self._failed(slot, now, f"启动失败：{type(exc).__name__}")
        try:
            health = slot.device.health()
        except Exception as exc:  # noqa: BLE001
            self._stop_quietly(slot)
            return self._failed(slot, now, f"状态查询失败：{type(exc).__name__}")
        if health.state is DeviceState.DISCONNECTED:
            # The driver reconnects by itself where it can (the card reader does); keep polling.
            return health
        slot.failures = 0
        return health

    def _failed(self, slot: _Slot, now: float, message: str) -> Health:
        slot.failures += 1
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** (slot.failures - 1))
        slot.next_try = now + delay
        log.warning("device-failed device=%s failures=%d retry_in_s=%.0f", slot.name,
                    slot.failures, delay)
        return self._down(slot, f"{message}，{delay:.0f}秒后重试")

    @staticmethod
    def _down(slot: _Slot, message: str) -> Health:
        return Health(slot.name, DeviceState.DISCONNECTED, "failed", message)

    @staticmethod
    def _stop_quietly(slot: _Slot) -> None:
        slot.started = False
        try:
            getattr(slot.device, "stop", lambda: None)()
        except Exception:  # noqa: BLE001
            log.exception("device stop failed: %s", slot.name)

    # ----- questions the kiosk asks ----------------------------------------------------------
    def health(self, name: str) -> Health:
        with self._lock:
            slot = self._slots.get(name)
            if slot is None:
                return Health(name, DeviceState.DISABLED, "not_configured", "本机未配置该设备")
            return slot.last or Health(name, DeviceState.STARTING, "not_started", "设备正在启动")

    def all_health(self) -> list[Health]:
        return [self.health(name) for name in self._slots]

    def usable(self, name: str) -> bool:
        return self.health(name).usable

    def can_read_card(self) -> bool:
        return self.usable(IDCARD)

    def can_capture_face(self) -> bool:
        return self.usable(CAMERA)

    def can_print_receipt(self) -> bool:
        return self.usable(RECEIPT_PRINTER)

    def can_print_licence(self) -> bool:
        return self.usable(LICENCE_PRINTER)

    def device(self, name: str) -> ManagedDevice | None:
        slot = self._slots.get(name)
        return slot.device if slot else None

    # ----- thread ------------------------------------------------------------------------------
    def start_polling(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="device-manager", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self.poll_interval_s)

    def stop(self, names: Iterable[str] | None = None) -> None:
        """Stop polling and stop every started device."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        with self._lock:
            for slot in self._slots.values():
                if slot.started and (names is None or slot.name in names):
                    self._stop_quietly(slot)
