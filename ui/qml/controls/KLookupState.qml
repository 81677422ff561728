// What a status or licence page says while the platform is asked, and when it cannot answer:
// in words, with 再试一次 where trying again can help (no dead end).
import QtQuick
import Kiosk
import ".."

Column {
    id: box
    required property var lookup
    property string empty: ""
    readonly property string phase: lookup.state ?? "idle"
    readonly property bool ready: phase === "ready" && (lookup.items ?? []).length > 0
    spacing: Theme.gap
    width: parent ? parent.width : implicitWidth
    KText {
        objectName: "lookupState"
        width: box.width
        visible: text !== ""
        font.bold: true
        font.pixelSize: Theme.headingSize * 0.8
        color: box.phase === "loading" || box.phase === "ready" ? Theme.primary : Theme.errorText
        text: box.phase === "loading" ? "正在查询，请稍候……"
            : box.phase === "offline" ? "网络暂时中断，未能查询。请稍后再试，或到窗口咨询。"
            : box.phase === "failed" ? "查询暂时出错，请再试一次，或按“呼叫工作人员”。"
            : box.phase === "not_found" ? "没有找到申请编号为 " + (box.lookup.number ?? "") + " 的申请。请核对回执上的编号。"
            : box.phase === "ready" && !box.ready ? box.empty : ""
    }
    KButton {
        objectName: "retryLookup"
        visible: box.phase === "offline" || box.phase === "failed"
        text: "再试一次"
        onClicked: Services.retryLookup()
    }
}
