"""``LatestImage``: an image provider that serves the newest picture set from any thread.

The camera pictures (the face page's live preview, the technicians' camera page) arrive on
worker threads and are read by QML's ``Image`` on the GUI or the scene graph's thread; only
the newest is kept, and an empty ``QImage`` means there is none to show.
"""
from __future__ import annotations

import threading

from ui.qt import QImage, QQuickImageProvider, QSize


class LatestImage(QQuickImageProvider):
    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._lock = threading.Lock()
        self._image = QImage()

    def set(self, image: QImage) -> None:
        with self._lock:
            self._image = image

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:  # noqa: N802
        with self._lock:
            image = self._image
        if size is not None:
            size.setWidth(image.width())
            size.setHeight(image.height())
        return image
