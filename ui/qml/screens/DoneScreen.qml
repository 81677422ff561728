// Confirmation: what became of the application (approved with its credit code, received for
// review, needs correction with what to fix, refused, queued until the network returns), where
// the receipt and the licence are, and what happens next. The words come from the session
// (Session.outcome), the same words the receipt prints.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var outcome: Session.outcome
    readonly property string kind: outcome.kind ?? "submitting"
    readonly property bool good: kind === "approved" || kind === "review" || kind === "queued"
    implicitHeight: col.height
    function submit() { Session.finish() }
    aside: Component {
        // 好差评, right after the visit: a face tapped here rates it (a 差评 asks why first).
        Rectangle {
            objectName: "doneRating"
            visible: screen.kind !== "submitting"
            width: parent ? parent.width : 0
            height: visible ? rateBox.height + Theme.gap * 2 : 0
            radius: Theme.radius
            color: Theme.background
            border.color: Theme.border
            border.width: 1
            Column {
                id: rateBox
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                spacing: Theme.gap
                KText { width: parent.width; text: Services.rating.given ? Services.rating.text : "请为本次服务评价"; font.bold: true }
                Flow {                  // five in a row; three and two in the narrow side panel
                    visible: !Services.rating.given
                    width: parent.width
                    spacing: Theme.gap
                    Repeater {
                        model: Services.rating.levels ?? []
                        delegate: KFace {
                            required property var modelData
                            objectName: "doneRate" + modelData.value
                            width: Theme.landscape ? (rateBox.width - Theme.gap * 2) / 3
                                                   : (rateBox.width - Theme.gap * 4) / 5
                            level: modelData.value
                            label: modelData.label
                            onTapped: modelData.negative ? Services.startRating(modelData.value)
                                                         : Services.rate(modelData.value, [], "")
                        }
                    }
                }
            }
        }
    }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5
        Rectangle {
            objectName: "outcomeBox"
            width: parent.width
            height: box.height + Theme.gap * 2
            color: screen.kind === "submitting" ? Theme.primary : screen.good ? Theme.success : Theme.errorText
            radius: Theme.radius
            Column {
                id: box
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                spacing: Theme.gap / 2
                KText {
                    objectName: "outcomeTitle"
                    width: parent.width
                    text: screen.outcome.title ?? ""
                    color: Theme.textOnPrimary; font.bold: true; font.pixelSize: Theme.headingSize
                }
                KText { text: "申请编号"; color: Theme.textOnPrimary; width: parent.width }
                KText {
                    objectName: "applicationId"
                    text: Session.receipt.applicationId ?? ""
                    color: Theme.textOnPrimary; font.bold: true; font.pixelSize: Theme.headingSize; width: parent.width
                }
                KText {
                    visible: text !== ""
                    width: parent.width
                    text: (screen.outcome.creditCode ?? "") !== "" ? "统一社会信用代码：" + screen.outcome.creditCode : ""
                    objectName: "creditCode"
                    color: Theme.textOnPrimary; font.bold: true
                }
            }
        }
        BusyIndicator {
            objectName: "paperBusy"
            running: screen.outcome.pending === true
            visible: running
            width: Theme.targetHeight; height: width
        }
        // Paper: where the licence and the receipt are, in words (not colour alone).
        Repeater {
            model: [screen.outcome.licenceText ?? "", screen.outcome.receiptText ?? ""]
            delegate: KText {
                required property string modelData
                visible: modelData !== ""
                width: col.width
                text: modelData
                font.bold: true
                font.pixelSize: Theme.headingSize * 0.8
                color: Theme.primary
            }
        }
        Repeater {
            model: [
                {"k": "名称", "v": Session.receipt.businessName ?? ""},
                {"k": "类型", "v": Session.receipt.subjectType ?? ""},
                {"k": "申请人", "v": Session.receipt.applicant ?? ""},
                {"k": screen.outcome.deliveryLabel ?? "领取方式", "v": Session.receipt.delivery ?? ""}
            ]
            delegate: Row {
                id: fact
                required property var modelData
                spacing: Theme.gap
                KText { text: fact.modelData.k; color: Theme.secondaryText; width: Theme.bodySize * 5; wrapMode: Text.NoWrap }
                KText { text: fact.modelData.v === "" ? "未填写" : fact.modelData.v; width: col.width - Theme.bodySize * 5 - Theme.gap }
            }
        }
        KAside { aside: screen.aside }       // 好差评: here in portrait, beside in landscape
        KText { width: parent.width; font.bold: true; text: "接下来"; visible: steps.count > 0 }
        Repeater {
            id: steps
            model: screen.outcome.nextSteps ?? []
            delegate: KText {
                required property string modelData
                required property int index
                width: col.width
                text: (index + 1) + ". " + modelData
            }
        }
    }
}
