// Check your answers: grouped sections, each row with 修改; skipped answers read 未填写; then
// the commitment and the signature as they will be submitted (重新签名), and 确认提交申请.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Session.confirmReview() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        Repeater {
            model: Session.reviewSections
            delegate: Column {
                id: section
                required property var modelData
                width: col.width
                spacing: Theme.gap / 2
                KText { text: section.modelData.title; font.pixelSize: Theme.headingSize * 0.8; font.bold: true; width: parent.width }
                Repeater {
                    model: section.modelData.rows
                    delegate: Rectangle {
                        id: row
                        required property var modelData
                        width: section.width
                        height: Math.max(label.height, value.height, change.height) + Theme.gap
                        color: Theme.background
                        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
                        KText { id: label; width: parent.width * 0.25; text: row.modelData.label; color: Theme.secondaryText; anchors.verticalCenter: parent.verticalCenter }
                        KText {
                            id: value
                            x: parent.width * 0.27
                            width: parent.width * 0.73 - change.width - Theme.gap
                            text: row.modelData.value
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        KButton {
                            id: change
                            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                            implicitHeight: Theme.minTarget * 1.6
                            font.pixelSize: Theme.bodySize
                            text: "修改"
                            Accessible.name: "修改" + row.modelData.label
                            onClicked: Session.change(row.modelData.step)
                        }
                    }
                }
            }
        }
        KText { text: "告知承诺和签名"; font.pixelSize: Theme.headingSize * 0.8; font.bold: true; width: parent.width }
        KText { text: "已阅读告知承诺书，并承诺所填信息真实有效"; width: parent.width; color: Theme.secondaryText }
        Rectangle {
            objectName: "reviewSignature"
            visible: Session.signatureImage !== ""
            width: Math.min(parent.width, Theme.targetHeight * 6)
            height: width * 0.5
            color: Theme.background
            border.color: Theme.border
            border.width: Theme.fieldBorder
            radius: Theme.radius
            Image {
                anchors { fill: parent; margins: Theme.fieldBorder }
                source: Session.signatureImage
                fillMode: Image.PreserveAspectFit
                asynchronous: false
                Accessible.name: "您的签名"
            }
        }
        KButton {
            objectName: "signAgain"
            text: "重新签名"
            onClicked: Session.change("signature")
        }
    }
}
