// 日志: the latest log lines, newest last; ID numbers, phone numbers and names are already
// taken out by the log's redaction filter before a line is kept.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "logPage"
    spacing: Theme.gap / 3

    KButton { text: "刷新"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
    KText {
        width: root.width
        visible: (Diagnostics.facts.log || []).length === 0
        text: "还没有日志"
        color: Theme.secondaryText
    }
    Repeater {
        model: Diagnostics.facts.log || []
        delegate: Text {
            required property string modelData
            width: root.width
            text: modelData
            wrapMode: Text.WrapAnywhere
            font.family: Theme.fontFamily
            font.pixelSize: Theme.smallSize - 4
            color: Theme.text
        }
    }
}
