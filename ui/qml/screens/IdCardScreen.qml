// Waiting for the ID card: instructions only; the reader's event moves the flow on.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    hasContinue: false
    implicitHeight: col.height
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 2
        KError { width: parent.width }
        Rectangle {
            width: parent.width
            height: width * 0.5
            radius: Theme.radius * 2
            color: Theme.surface
            border.color: Theme.primary
            border.width: Theme.fieldBorder * 2
            Rectangle {   // a card outline, pointing at the reader below the screen
                anchors.centerIn: parent
                width: parent.width * 0.5; height: width * 0.63
                radius: Theme.radius
                color: Theme.background
                border.color: Theme.border
                border.width: Theme.fieldBorder
                KText { anchors.centerIn: parent; text: "身份证"; font.pixelSize: Theme.headingSize; wrapMode: Text.NoWrap }
            }
        }
        KText { width: parent.width; text: "↓ 读卡区在屏幕下方，有身份证图标的位置"; font.bold: true }
        KText {
            objectName: "cardNotice"
            width: parent.width
            visible: text !== ""
            text: Session.notice
            font.bold: true
            color: Theme.primary
        }
        KText { width: parent.width; text: "读取成功后会自动进入下一步。如果读不出来，请拿起身份证换个方向再放一次，或按“呼叫工作人员”。"; color: Theme.secondaryText }
    }
}
