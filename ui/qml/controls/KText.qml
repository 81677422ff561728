// Body text in the theme's font, size and line spacing; wraps by default.
import QtQuick
import ".."

Text {
    color: Theme.text
    font.family: Theme.fontFamily
    font.pixelSize: Theme.bodySize
    lineHeight: Theme.lineHeight
    wrapMode: Text.Wrap
}
