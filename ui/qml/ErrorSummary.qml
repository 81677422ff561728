// The page's problems, all together (ux.md 一次告知): each line links to its field, where the
// same problem is said again next to it (KError). Main.qml shows it above the heading in
// portrait and in the side panel in landscape.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: summary
    objectName: "errorSummary"
    signal fieldRequested()
    property bool shown: true
    visible: summary.shown && Session.errors.length > 0
    height: visible ? summaryColumn.height + Theme.gap * 2 : 0
    color: Theme.errorBackground
    border.color: Theme.errorText
    border.width: Theme.fieldBorder * 2
    radius: Theme.radius
    Column {
        id: summaryColumn
        x: Theme.gap; y: Theme.gap
        width: parent.width - Theme.gap * 2
        spacing: Theme.gap / 2
        KText { text: "有以下问题需要处理"; font.bold: true; font.pixelSize: Theme.headingSize * 0.8; width: parent.width }
        Repeater {
            model: Session.errors
            delegate: KText {
                required property string modelData
                required property int index
                objectName: "summaryItem" + index
                width: summaryColumn.width
                text: "· " + modelData
                color: Theme.errorText
                font.underline: true
                Accessible.role: Accessible.Link
                TapHandler { onTapped: summary.fieldRequested() }
            }
        }
    }
}
