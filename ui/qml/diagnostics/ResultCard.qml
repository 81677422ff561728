// What the last action on a page found (a test read, a test print, an export...).
import QtQuick
import "../controls"
import ".."

Rectangle {
    id: card
    property var result: undefined
    readonly property bool known: card.result !== undefined && card.result.title !== undefined
    visible: card.known
    width: parent ? parent.width : 600
    height: visible ? column.height + Theme.gap * 2 : 0
    radius: Theme.radius
    color: card.known && card.result.ok ? Theme.surface : Theme.errorBackground
    border.width: Theme.fieldBorder
    border.color: card.known && card.result.ok ? Theme.success : Theme.errorText

    Column {
        id: column
        x: Theme.gap; y: Theme.gap
        width: card.width - Theme.gap * 2
        spacing: Theme.gap / 3
        KText {
            objectName: "resultTitle"
            width: parent.width
            text: card.known ? (card.result.ok ? "成功：" : "未成功：") + card.result.title : ""
            color: card.known && card.result.ok ? Theme.success : Theme.errorText
            font.bold: true
        }
        KText {
            width: parent.width
            visible: card.known && card.result.detail !== ""
            text: card.known ? card.result.detail : ""
            font.pixelSize: Theme.smallSize
        }
    }
}
