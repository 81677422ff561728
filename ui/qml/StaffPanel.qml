// Hall staff at the kiosk: their PIN on a number pad, then the staff actions: verify the
// person instead of the face check, or finish the visit for them. The PIN goes straight to the
// session's check (a slow hash, off this thread); nothing here keeps it after pressing 确定.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: panel
    objectName: "staffPanel"
    signal closed()
    property string pin: ""
    readonly property var staff: Services.staff
    color: Theme.scrim

    MouseArea { anchors.fill: parent }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.margin * 2, Theme.targetHeight * 9)
        height: box.height + Theme.margin * 2
        radius: Theme.radius
        color: Theme.background
        Column {
            id: box
            x: Theme.margin; y: Theme.margin
            width: parent.width - Theme.margin * 2
            spacing: Theme.gap
            KText {
                width: parent.width
                text: panel.staff.unlocked ? "工作人员操作" : "请工作人员输入密码"
                font.pixelSize: Theme.headingSize
                font.bold: true
                Accessible.role: Accessible.Heading
            }
            KText {
                objectName: "staffMessage"
                width: parent.width
                visible: text !== ""
                text: panel.staff.checking ? "正在核对密码……" : (panel.staff.message ?? "")
                color: panel.staff.checking ? Theme.secondaryText : Theme.errorText
                font.bold: true
            }
            // The PIN: dots only, never the digits.
            KText {
                objectName: "pinDots"
                visible: !panel.staff.unlocked
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: panel.pin.length > 0 ? "●".repeat(panel.pin.length) : "　"
                font.pixelSize: Theme.headingSize
                Accessible.name: "已输入" + panel.pin.length + "位"
            }
            Grid {
                visible: !panel.staff.unlocked
                columns: 3
                spacing: Theme.gap
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "清除", "0", "确定"]
                    delegate: KButton {
                        required property string modelData
                        objectName: modelData === "清除" ? "pinClear" : modelData === "确定" ? "pinEnter" : "pinKey" + modelData
                        width: (box.width - Theme.gap * 2) / 3
                        text: modelData
                        primary: modelData === "确定"
                        enabled: !panel.staff.checking && (modelData !== "确定" || panel.pin.length >= 4)
                        onClicked: {
                            if (modelData === "清除") panel.pin = ""
                            else if (modelData === "确定") { Services.staffPin(panel.pin); panel.pin = "" }
                            else if (panel.pin.length < 12) panel.pin += modelData
                        }
                    }
                }
            }
            KButton {
                objectName: "staffVerify"
                visible: panel.staff.unlocked
                enabled: panel.staff.canVerify === true
                width: parent.width
                primary: true
                text: "已核验本人身份，代替人脸核验"
                onClicked: { Services.staffVerify(); panel.closed() }
            }
            KButton {
                objectName: "staffFinish"
                visible: panel.staff.unlocked && panel.staff.inVisit === true
                width: parent.width
                text: "为办事人结束本次办理（清除信息）"
                onClicked: { Services.staffFinish(); panel.closed() }
            }
            KButton {
                objectName: "staffClose"
                width: parent.width
                text: panel.staff.unlocked ? "关闭，继续办理" : "取消"
                onClicked: panel.closed()
            }
        }
    }
}
