"""The technicians' side: checks, the readiness report, device tests, the touch mode's rules.

One module per concern: ``idcard_reader``, ``camera``, ``receipt_printer``, ``licence_printer``,
``platform`` (reachability and latency), ``clock`` (offset against the platform), ``queue``,
``config`` (the configuration channel's facts; ``config_history`` reads the versions applied
before, ``channel`` records the repository's reads), ``system`` (disk, memory, uptime, version)
each make their check and their test;
``report`` holds the readiness report; ``pin`` and ``mode`` are the touch mode's PIN and
states; ``drives`` finds USB drives and exports the report; ``service.Diagnostics`` puts them
over one kiosk's parts; ``server`` is the local socket a running kiosk answers ``kiosk diag`` on;
``cli`` is ``kiosk diag``. No Qt here: the touch pages are ``ui/qml/diagnostics/`` and their
bridge ``ui/bridges/diagnostics_bridge.py``.
"""
