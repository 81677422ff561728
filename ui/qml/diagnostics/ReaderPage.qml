// 身份证阅读器: its state and SAM number, and a test read that shows only the card type and a
// masked number.
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "readerPage"
    spacing: Theme.gap
    readonly property var facts: Diagnostics.facts.reader || ({})

    CheckCard { width: root.width; check: Diagnostics.report.byName ? Diagnostics.report.byName.idcard_reader : ({}) }
    KText { width: root.width; text: "安全模块号（SAM）：" + (root.facts.samId || "……"); font.pixelSize: Theme.smallSize }
    KText { width: root.width; text: "状态代码：" + (root.facts.code || "……"); font.pixelSize: Theme.smallSize; color: Theme.secondaryText }
    KText {
        width: root.width
        text: "测试读卡：把一张测试用身份证放在读卡区，再点下面的按钮。屏幕只显示证件类型和隐去大部分数字的号码。"
        font.pixelSize: Theme.smallSize
    }
    KButton { objectName: "diagTestRead"; primary: true; text: "测试读卡"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.testRead() }
    ResultCard { width: root.width; result: Diagnostics.results.testRead }
}
