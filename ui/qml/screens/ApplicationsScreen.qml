// 办理进度: each application with its state (in words, not colour alone), the reasons and what
// to do next. By card: every application of this person at any kiosk; by number: one
// application's public progress, nothing personal on it.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var lookup: Services.lookup
    implicitHeight: col.height
    function submit() { Session.finish() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KLookupState { lookup: screen.lookup; empty: "没有查到您的申请记录。在自助机或窗口提交的申请，上传后即可查询。" }
        Repeater {
            model: screen.lookup.items ?? []
            delegate: Rectangle {
                id: card
                required property var modelData
                required property int index
                objectName: "application" + index
                width: col.width
                height: facts.height + Theme.gap * 2
                radius: Theme.radius
                color: Theme.surface
                border.color: modelData.good ? Theme.success : Theme.errorText
                border.width: Theme.fieldBorder
                Column {
                    id: facts
                    x: Theme.gap; y: Theme.gap
                    width: parent.width - Theme.gap * 2
                    spacing: Theme.gap / 2
                    KText { objectName: "applicationState" + card.index; width: parent.width; text: card.modelData.state; font.bold: true; font.pixelSize: Theme.headingSize * 0.8; color: card.modelData.good ? Theme.success : Theme.errorText }
                    KText { width: parent.width; visible: text !== ""; text: card.modelData.businessName ?? ""; font.bold: true }
                    KText { width: parent.width; text: "申请编号：" + card.modelData.applicationId; color: Theme.secondaryText }
                    KText { width: parent.width; text: [card.modelData.subjectType, card.modelData.received ? card.modelData.received + "提交" : ""].filter(t => t).join("，"); color: Theme.secondaryText }
                    KText { width: parent.width; visible: (card.modelData.creditCode ?? "") !== ""; text: "统一社会信用代码：" + card.modelData.creditCode }
                    Repeater {
                        model: card.modelData.reasons ?? []
                        delegate: KText {
                            required property string modelData
                            width: facts.width
                            text: "原因：" + modelData
                            color: Theme.errorText
                        }
                    }
                    KText { width: parent.width; text: "下一步：" + card.modelData.nextStep }
                }
            }
        }
        KText {
            width: parent.width
            visible: screen.lookup.by !== "card" && (screen.lookup.items ?? []).length > 0
            text: "按编号查询只显示办理状态。如需查看原因或打印营业执照，请返回首页后刷身份证办理。"
            color: Theme.secondaryText
        }
        Flow {
            width: parent.width
            spacing: Theme.gap
            KButton { objectName: "statusAgain"; text: "重新查询"; onClicked: Services.statusAgain() }
            KButton { objectName: "rateVisit"; text: "评价本次服务"; visible: !Services.rating.given; onClicked: Services.startRating(0) }
        }
    }
}
