"""The one place ui/ imports PySide6 from, as Anki's ``aqt.qt``.

Every other module in ``ui/`` takes its Qt names from here, so a binding upgrade (or a swap)
touches one file. It re-exports names only; it builds nothing and sets no environment.
"""
from __future__ import annotations

from types import ModuleType

from PySide6.QtCore import (  # noqa: F401 - re-exported
    Property,
    QByteArray,
    QBuffer,
    QCoreApplication,
    QEvent,
    QEventLoop,
    Q_ARG,
    QIODevice,
    QLibraryInfo,
    QMetaObject,
    QObject,
    QPoint,
    QPointF,
    QSize,
    QSizeF,
    QSocketNotifier,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
    QtMsgType,
)
from PySide6.QtGui import (  # noqa: F401 - re-exported
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtQml import (  # noqa: F401 - re-exported
    QJSValue,
    QQmlApplicationEngine,
    QQmlComponent,
    QQmlEngine,
    qmlRegisterSingletonInstance,
)
from PySide6.QtQuick import QQuickImageProvider, QQuickItem, QQuickWindow  # noqa: F401 - re-exported

QML_MODULE = "Kiosk"
QML_MAJOR, QML_MINOR = 1, 0


def multimedia() -> ModuleType:
    """``PySide6.QtMultimedia``, imported on first use: loading it looks for every sound and
    video library (and says so on stderr), which only voice guidance needs, when it plays."""
    import PySide6.QtMultimedia as module
    return module
