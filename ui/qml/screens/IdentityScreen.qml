// Who the card says, masked as on every screen and paper: the person confirms it is them
// (是本人，继续) or takes it away to lay their own card down.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    hasContinue: false
    implicitHeight: col.height
    readonly property var who: Services.identity
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5
        Rectangle {
            objectName: "identityCard"
            width: Math.min(parent.width, Theme.targetHeight * 9)
            height: facts.height + Theme.gap * 3
            radius: Theme.radius * 2
            color: Theme.surface
            border.color: Theme.primary
            border.width: Theme.fieldBorder * 2
            Column {
                id: facts
                x: Theme.gap * 1.5; y: Theme.gap * 1.5
                width: parent.width - Theme.gap * 3
                spacing: Theme.gap
                Repeater {
                    model: [{"k": "姓名", "v": screen.who.name ?? ""},
                            {"k": "证件号码", "v": screen.who.number ?? ""},
                            {"k": "证件类型", "v": screen.who.cardType ?? ""}]
                    delegate: Row {
                        id: fact
                        required property var modelData
                        spacing: Theme.gap
                        KText { text: fact.modelData.k; color: Theme.secondaryText; width: Theme.bodySize * 5; wrapMode: Text.NoWrap }
                        KText { text: fact.modelData.v; font.bold: true; font.pixelSize: Theme.headingSize * 0.8; width: facts.width - Theme.bodySize * 5 - Theme.gap }
                    }
                }
            }
        }
        KText { width: parent.width; text: "为保护您的隐私，姓名和证件号码已隐去部分内容。"; color: Theme.secondaryText }
        KButton {
            objectName: "confirmIdentity"
            width: parent.width
            primary: true
            text: "是本人，继续"
            onClicked: Services.confirmIdentity()
        }
        KButton {
            objectName: "notMe"
            width: parent.width
            text: "不是本人，重新读卡"
            onClicked: Services.notMe()
        }
    }
}
