"""The kiosk core: domain rules, the session flow, configuration and the composition root.

Free of Qt: the UI drives it, and a CLI or a test can drive it just as well.
"""
