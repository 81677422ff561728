// The receipt's QR code held up to the camera; the camera's reading moves the flow on.
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
        spacing: Theme.gap * 1.5
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width * 0.6, Theme.targetHeight * 6); height: width
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.primary
            border.width: Theme.fieldBorder * 2
            KText { anchors.centerIn: parent; text: "二维码对准这里"; wrapMode: Text.NoWrap; color: Theme.secondaryText }
        }
        KText {
            objectName: "scanNotice"
            width: parent.width
            visible: text !== ""
            text: Session.notice
            font.bold: true
            color: Theme.primary
        }
        KText { width: parent.width; text: "摄像头在屏幕上方。读取成功后会自动显示办理进度；读不出来时，可以按“上一步”改为输入申请编号。"; color: Theme.secondaryText }
    }
}
