// 就绪检查: every check of the readiness report, then print it or export it to a USB drive.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "reportPage"
    spacing: Theme.gap

    KText {
        width: root.width
        text: Diagnostics.report.summary !== undefined ? Diagnostics.report.summary : "正在检查……"
        font.pixelSize: Theme.headingSize * 0.8
        font.bold: true
        color: Diagnostics.report.ok === true ? Theme.success : Theme.text
    }
    KText {
        width: root.width
        visible: Diagnostics.report.when !== undefined
        text: "检查时间 " + Diagnostics.report.when + " · 软件版本 " + Diagnostics.report.version
        color: Theme.secondaryText
        font.pixelSize: Theme.smallSize
    }
    Row {
        spacing: Theme.gap
        KButton { objectName: "diagRecheck"; text: "重新检查"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
        KButton { objectName: "diagPrintReport"; text: "打印报告"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.printReport() }
    }
    ResultCard { width: root.width; result: Diagnostics.results.printReport }
    Repeater {
        model: Diagnostics.report.checks !== undefined ? Diagnostics.report.checks : []
        delegate: CheckCard {
            required property var modelData
            width: root.width
            check: modelData
        }
    }
    KText {
        width: root.width
        text: "导出到U盘"
        font.bold: true
    }
    KText {
        width: root.width
        visible: (Diagnostics.facts.drives || []).length === 0
        text: "没有找到U盘：插入U盘后点“重新检查”"
        color: Theme.secondaryText
        font.pixelSize: Theme.smallSize
    }
    Repeater {
        model: Diagnostics.facts.drives || []
        delegate: KButton {
            required property var modelData
            width: root.width
            textAlign: Text.AlignLeft
            text: "导出到 " + modelData.mount + "（剩余 " + Math.round(modelData.freeBytes / 1048576) + " MiB）"
            enabled: Diagnostics.busy === ""
            onClicked: Diagnostics.exportReport(modelData.mount)
        }
    }
    ResultCard { width: root.width; result: Diagnostics.results.exportReport }
}
