// 离线队列: counts by state, the oldest unsent age and the last error; send now; release a
// submission the platform refused; reprint a receipt by application number (staff only: the
// mode is behind the PIN, and every reprint goes to the audit log).
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "queuePage"
    spacing: Theme.gap
    readonly property var q: Diagnostics.facts.queue || ({})

    Flow {
        width: root.width
        spacing: Theme.gap
        Repeater {
            model: root.q.counts || []
            delegate: KText {
                required property var modelData
                text: modelData.label + " " + modelData.count
                font.bold: modelData.state === "held" && modelData.count > 0
                color: modelData.state === "held" && modelData.count > 0 ? Theme.errorText : Theme.text
                wrapMode: Text.NoWrap
            }
        }
    }
    KText { width: root.width; text: "最早未送达：" + (root.q.oldest || "……"); font.pixelSize: Theme.smallSize }
    KText { width: root.width; text: "最近错误：" + (root.q.lastError || "……"); font.pixelSize: Theme.smallSize }
    KButton { objectName: "diagForceSync"; primary: true; text: "立即同步"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.forceSync() }
    ResultCard { width: root.width; result: Diagnostics.results.sync }

    KText { width: root.width; text: "被平台拒收的申请（查明原因后放行重发）"; font.bold: true }
    KText { width: root.width; visible: (root.q.held || []).length === 0; text: "没有"; color: Theme.secondaryText }
    Repeater {
        model: root.q.held || []
        delegate: KButton {
            required property string modelData
            width: root.width
            textAlign: Text.AlignLeft
            text: "放行 " + modelData
            enabled: Diagnostics.busy === ""
            onClicked: Diagnostics.release(modelData)
        }
    }
    ResultCard { width: root.width; result: Diagnostics.results.release }

    KText { width: root.width; text: "补打回执（按申请编号，只打印编号、事项和办理状态）"; font.bold: true }
    Repeater {
        model: root.q.heldReceipts || []
        delegate: KButton {
            required property var modelData
            width: root.width
            textAlign: Text.AlignLeft
            text: "补打 " + modelData.applicationId + (modelData.reprinted ? "（已补打过）" : "（回执未打出）")
            enabled: Diagnostics.busy === ""
            onClicked: Diagnostics.reprint(modelData.applicationId)
        }
    }
    KTextField {
        id: number
        objectName: "diagReprintNumber"
        width: root.width
        label: "或输入申请编号"
        hint: "形如 20261121-7KQ4M2XP"
    }
    KButton {
        objectName: "diagReprint"
        text: "补打这张回执"
        enabled: Diagnostics.busy === "" && number.text.trim() !== ""
        onClicked: Diagnostics.reprint(number.text)
    }
    ResultCard { width: root.width; result: Diagnostics.results.reprint }
}
