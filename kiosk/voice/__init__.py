"""Voice guidance without Qt: what a page says, the engines that say it, and the worker thread.

``engines`` turns text into a WAV (espeak-ng's Mandarin voice by default, no voice at all, or
any engine a deployment names by path); ``wav`` reads and measures those WAVs; ``script`` words
what a page shows as one utterance; ``speaker`` runs the engine on a thread of its own so the
GUI thread never waits for it, and cancels what is in flight when the page changes. Playing
the sound is the UI's part (``ui/bridges/voice_bridge.py``); nothing here imports Qt.
"""
from kiosk.voice.engines import Engine, VoiceError, engine_for
from kiosk.voice.script import Shown, utterance
from kiosk.voice.speaker import Speaker

__all__ = ["Engine", "Shown", "Speaker", "VoiceError", "engine_for", "utterance"]
