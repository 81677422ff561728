"""Thin QObjects that expose the Qt-free core to QML; they translate and hold no rules."""
