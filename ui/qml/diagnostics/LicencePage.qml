// 营业执照打印机: the CUPS queue's state (lpstat) or the PDF folder, and a test page.
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "licencePage"
    spacing: Theme.gap

    CheckCard { width: root.width; check: Diagnostics.report.byName ? Diagnostics.report.byName.licence_printer : ({}) }
    KText {
        width: root.width
        text: "测试页按营业执照的版式打印，用于检查纸张、位置和字体；每一栏都注明“测试页”，不具有任何效力。"
        font.pixelSize: Theme.smallSize
    }
    Row {
        spacing: Theme.gap
        KButton { objectName: "diagLicenceTestPage"; primary: true; text: "打印测试页"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.licenceTestPage() }
        KButton { text: "重新检查"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
    }
    ResultCard { width: root.width; result: Diagnostics.results.licenceTestPage }
}
