// 回执打印机: paper, cover and error as the printer reports them, and a test print.
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "receiptPage"
    spacing: Theme.gap

    CheckCard { width: root.width; check: Diagnostics.report.byName ? Diagnostics.report.byName.receipt_printer : ({}) }
    KText {
        width: root.width
        text: "测试页打印中文、数字字母、二维码并切纸。打印机不能打印时，测试页会被撤回，不会在之后突然打出来。"
        font.pixelSize: Theme.smallSize
    }
    Row {
        spacing: Theme.gap
        KButton { objectName: "diagTestPrint"; primary: true; text: "打印测试页"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.testPrint() }
        KButton { text: "重新检查"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
    }
    ResultCard { width: root.width; result: Diagnostics.results.testPrint }
}
