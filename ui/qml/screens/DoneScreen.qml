// Confirmation: the application number, what happens next and when, the hotline, the receipt.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Session.finish() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5
        Rectangle {
            width: parent.width
            height: box.height + Theme.gap * 2
            color: Theme.success
            radius: Theme.radius
            Column {
                id: box
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                KText { text: "申请编号"; color: Theme.textOnPrimary; width: parent.width }
                KText {
                    objectName: "applicationId"
                    text: Session.receipt.applicationId ?? ""
                    color: Theme.textOnPrimary; font.bold: true; font.pixelSize: Theme.headingSize; width: parent.width
                }
            }
        }
        Repeater {
            model: [
                {"k": "名称", "v": Session.receipt.businessName ?? ""},
                {"k": "类型", "v": Session.receipt.subjectType ?? ""},
                {"k": "申请人", "v": Session.receipt.applicant ?? ""},
                {"k": "领取方式", "v": Session.receipt.delivery ?? ""}
            ]
            delegate: Row {
                id: fact
                required property var modelData
                spacing: Theme.gap
                KText { text: fact.modelData.k; color: Theme.secondaryText; width: Theme.bodySize * 5; wrapMode: Text.NoWrap }
                KText { text: fact.modelData.v === "" ? "未填写" : fact.modelData.v; width: col.width - Theme.bodySize * 5 - Theme.gap }
            }
        }
        KText { width: parent.width; font.bold: true; text: "接下来" }
        KText {
            width: parent.width
            text: "1. 请取走打印的回执，扫描回执上的二维码可以查看办理进度。\n2. 符合条件的申请会在几分钟内审批，我们会发短信通知您；需要人工审核的，一般在3个工作日内办结。\n3. 有疑问请拨打政务服务热线 12345。"
        }
    }
}
