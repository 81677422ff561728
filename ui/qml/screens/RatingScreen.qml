// 好差评: five large faces with their words; for 不满意 and 非常不满意, reasons to tap and a
// few words (optional). Sent at once when the network allows, else kept on this kiosk.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var rating: Services.rating
    property int level: (screen.initial && screen.initial.level) ? screen.initial.level : 0
    property var reasons: []
    readonly property bool negative: level > 0 && level < 3
    hasContinue: false
    implicitHeight: col.height
    function focusField() { comment.focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5
        KError { width: parent.width }
        Row {
            visible: !screen.rating.given
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.gap
            Repeater {
                model: screen.rating.levels ?? []
                delegate: KFace {
                    required property var modelData
                    objectName: "rate" + modelData.value
                    width: (col.width - Theme.gap * 4) / 5
                    level: modelData.value
                    label: modelData.label
                    selected: screen.level === modelData.value
                    onTapped: screen.level = modelData.value
                }
            }
        }
        KText { visible: screen.negative && !screen.rating.given; width: parent.width; text: "请告诉我们哪里做得不好（可多选，选填）"; font.bold: true }
        Flow {
            visible: screen.negative && !screen.rating.given
            width: parent.width
            spacing: Theme.gap
            Repeater {
                model: screen.rating.reasons ?? []
                delegate: KButton {
                    required property string modelData
                    required property int index
                    objectName: "reason" + index
                    readonly property bool on: screen.reasons.indexOf(modelData) >= 0
                    selected: on
                    text: (on ? "☑ " : "☐ ") + modelData
                    onClicked: screen.reasons = on ? screen.reasons.filter(r => r !== modelData) : screen.reasons.concat([modelData])
                }
            }
        }
        KTextField {
            id: comment
            objectName: "ratingComment"
            visible: screen.negative && !screen.rating.given
            label: "意见和建议（选填）"
            hint: "最多" + (screen.rating.maxComment ?? 200) + "个字，请不要填写身份证号码等个人信息"
            personal: true
            text: screen.initial && screen.initial.comment ? screen.initial.comment : ""
        }
        KButton {
            objectName: "submitRating"
            visible: !screen.rating.given
            width: parent.width
            primary: true
            enabled: screen.level > 0
            text: screen.level > 0 ? "提交评价" : "请先点选一个表情"
            onClicked: Services.rate(screen.level, screen.reasons, comment.text)
        }
        KText {
            objectName: "ratingThanks"
            visible: screen.rating.given === true
            width: parent.width
            text: screen.rating.text ?? ""
            font.pixelSize: Theme.headingSize
            font.bold: true
            color: Theme.success
        }
        KButton {
            objectName: "ratingDone"
            visible: screen.rating.given === true && screen.rating.delivery !== "saving"
            width: parent.width
            primary: true
            text: "完成"
            onClicked: Session.finish()
        }
    }
}
