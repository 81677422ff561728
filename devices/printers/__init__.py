"""Paper out of the kiosk: the receipt printer (ESC/POS) and the licence printer (营业执照).

``receipt/`` is Qt-free: encoder, status parser, transport, print queue, simulator.
``licence/`` lays the licence out with QtGui (the one declared Qt exception under ``devices/``).
``fonts`` finds the Simplified Chinese face both of them need.
"""
