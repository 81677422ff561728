// The technician PIN on a numeric pad: digits only, shown as dots; 确认 sends it to the core,
// which checks it (and locks out after repeated failures); 取消 returns to the start page.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Item {
    id: pad
    objectName: "pinPad"
    property string digits: ""
    readonly property int maxDigits: 12

    Connections {
        target: Diagnostics
        function onChanged() { if (Diagnostics.state !== "pin") pad.digits = "" }
    }

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.margin * 2, Theme.targetHeight * 7)
        spacing: Theme.gap

        KText {
            width: parent.width
            text: "技术维护"
            font.pixelSize: Theme.headingSize
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            Accessible.role: Accessible.Heading
        }
        KText {
            width: parent.width
            text: "请输入维护密码（仅限技术人员）"
            color: Theme.secondaryText
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            width: parent.width
            height: Theme.targetHeight
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            border.width: Theme.fieldBorder
            KText {
                objectName: "pinDots"
                anchors.centerIn: parent
                text: pad.digits.length > 0 ? "●".repeat(pad.digits.length) : " "
                font.pixelSize: Theme.headingSize
                wrapMode: Text.NoWrap
            }
        }
        KText {
            objectName: "pinMessage"
            width: parent.width
            visible: text !== ""
            text: Diagnostics.pinMessage
            color: Theme.errorText
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Grid {
            id: keys
            columns: 3
            spacing: Theme.gap
            width: parent.width
            readonly property real key: (width - spacing * 2) / 3
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
                delegate: KButton {
                    required property string modelData
                    objectName: "pinKey" + modelData
                    width: keys.key
                    implicitHeight: Theme.targetHeight * 1.1
                    text: modelData === "del" ? "删除" : modelData === "ok" ? "确认" : modelData
                    primary: modelData === "ok"
                    enabled: Diagnostics.lockedSeconds === 0
                             && (modelData !== "ok" || pad.digits.length > 0)
                    font.pixelSize: modelData.length === 1 ? Theme.headingSize : Theme.buttonTextSize
                    onClicked: {
                        if (modelData === "del")
                            pad.digits = pad.digits.slice(0, -1)
                        else if (modelData === "ok") {
                            Diagnostics.submitPin(pad.digits)
                            pad.digits = ""
                        } else if (pad.digits.length < pad.maxDigits)
                            pad.digits += modelData
                    }
                }
            }
        }
        KButton {
            objectName: "pinCancel"
            width: parent.width
            text: "取消，返回首页"
            onClicked: Diagnostics.cancelPin()
        }
    }
}
