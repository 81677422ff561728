// 帮办 on every page: where the help call stands (being sent, staff coming, who is coming, or
// not reached), with 取消呼叫, and the way in for staff who have arrived (工作人员操作).
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: banner
    objectName: "helpBanner"
    signal staffRequested()
    property bool shown: true           // Main.qml: false where the landscape side panel has it
    readonly property var call: Services.help
    visible: banner.shown && banner.call.status !== "none"
    height: visible ? box.height + Theme.gap * 2 : 0
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.help
    border.width: Theme.fieldBorder
    Accessible.role: Accessible.AlertMessage
    Accessible.name: banner.call.text ?? ""

    Column {
        id: box
        x: Theme.gap; y: Theme.gap
        width: parent.width - Theme.gap * 2
        spacing: Theme.gap
        KText {
            objectName: "helpText"
            width: parent.width
            text: banner.call.text ?? ""
            font.bold: true
            color: Theme.help
        }
        Flow {
            width: parent.width
            spacing: Theme.gap
            KButton {
                objectName: "cancelHelp"
                visible: banner.call.waiting === true
                text: "取消呼叫"
                onClicked: Services.cancelHelp()
            }
            KButton {
                objectName: "staffButton"
                visible: banner.call.status === "open" || banner.call.status === "answered"
                text: "工作人员操作"
                Accessible.name: "工作人员到达后，由工作人员输入密码"
                onClicked: banner.staffRequested()
            }
            KButton {
                objectName: "helpAgain"
                visible: banner.call.status === "unreached"
                text: "再呼叫一次"
                onClicked: Services.callHelp()
            }
            KButton {
                objectName: "helpDismiss"
                visible: banner.call.status === "unreached"
                text: "知道了"
                onClicked: Services.cancelHelp()
            }
        }
    }
}
