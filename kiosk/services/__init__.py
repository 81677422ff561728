"""The citizen services' side effects, off the GUI thread: help calls (帮办), the staff PIN,
status lookups and licence prints at any kiosk (全城通办), the QR code of a receipt, the printed
办事指南 and the 好差评 ratings.

``desk.ServiceDesk`` runs them and posts results to the session; ``staff`` checks the staff
PIN; ``scanner`` reads QR codes from the camera; ``words`` words the pages and the paper.
The session (``kiosk.flow``) decides; nothing here draws or imports Qt.
"""
