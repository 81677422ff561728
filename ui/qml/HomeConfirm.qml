// 返回首页 asks once: going home ends the visit and deletes what the person filled in.
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: overlay
    objectName: "homeConfirm"
    signal confirmed()
    signal declined()
    color: Theme.scrim

    MouseArea { anchors.fill: parent }     // nothing behind is pressed by accident

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.margin * 2, Theme.targetHeight * 11)
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
                text: "确定返回首页吗？"
                font.pixelSize: Theme.headingSize
                font.bold: true
                Accessible.role: Accessible.Heading
            }
            KText {
                width: parent.width
                text: "返回首页将结束本次办理，您填写的信息、身份证信息和照片会从本机删除。已经提交的申请不受影响。"
            }
            KButton {
                objectName: "confirmHome"
                width: parent.width
                text: "返回首页，删除本次信息"
                onClicked: overlay.confirmed()
            }
            KButton {
                objectName: "keepGoing"
                width: parent.width
                primary: true
                text: "继续办理"
                onClicked: overlay.declined()
            }
        }
    }
}
