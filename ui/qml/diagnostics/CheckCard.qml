// One line of the readiness report: the part, 正常 or 故障 in words (never colour alone),
// what was found and, for a fault, what to do.
import QtQuick
import "../controls"
import ".."

Rectangle {
    id: card
    property var check: ({})
    readonly property bool known: card.check !== undefined && card.check.name !== undefined
    readonly property bool ok: card.known && card.check.ok === true
    width: parent ? parent.width : 600
    height: column.height + Theme.gap * 2
    radius: Theme.radius
    color: Theme.surface
    border.width: Theme.fieldBorder
    border.color: !card.known ? Theme.border : card.ok ? Theme.success : Theme.errorText

    Column {
        id: column
        x: Theme.gap; y: Theme.gap
        width: card.width - Theme.gap * 2
        spacing: Theme.gap / 3
        KText {
            width: parent.width
            text: !card.known ? "正在检查……" : (card.ok ? "正常　" : "故障　") + card.check.label
            color: !card.known ? Theme.secondaryText : card.ok ? Theme.success : Theme.errorText
            font.bold: true
        }
        KText {
            width: parent.width
            visible: card.known
            text: card.known ? card.check.detail : ""
            font.pixelSize: Theme.smallSize
        }
        KText {
            width: parent.width
            visible: card.known && card.check.fix !== ""
            text: card.known ? "处理：" + card.check.fix : ""
            font.pixelSize: Theme.smallSize
            color: Theme.secondaryText
        }
    }
}
