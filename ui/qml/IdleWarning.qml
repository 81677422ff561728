// The idle warning (ux.md "Time"): seconds left and one large 继续办理 button.
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: overlay
    objectName: "idleWarning"
    color: Theme.scrim

    // Swallow touches so nothing behind is pressed by accident.
    MouseArea { anchors.fill: parent }

    Rectangle {
        anchors.centerIn: parent
        width: parent.width - Theme.margin * 2
        height: box.height + Theme.margin * 2
        radius: Theme.radius
        color: Theme.background
        Column {
            id: box
            x: Theme.margin; y: Theme.margin
            width: parent.width - Theme.margin * 2
            spacing: Theme.gap * 1.5
            KText {
                width: parent.width
                text: "您还在办理吗？"
                font.pixelSize: Theme.headingSize
                font.bold: true
            }
            KText {
                objectName: "secondsLeft"
                width: parent.width
                text: "由于较长时间没有操作，本次办理将在 " + Session.secondsLeft
                      + " 秒后结束，您填写的信息将被删除。如需继续，请按下方按钮。"
            }
            KButton {
                objectName: "extendButton"
                width: parent.width
                implicitHeight: Theme.targetHeight * 1.4
                primary: true
                text: "继续办理"
                enabled: Session.extensionsLeft > 0
                onClicked: Session.extend()
            }
            KButton {
                width: parent.width
                text: "结束办理"
                onClicked: Session.cancel()
            }
        }
    }
}
