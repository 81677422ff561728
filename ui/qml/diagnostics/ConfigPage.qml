// 配置: the configuration in force and since when, the versions applied before on this kiosk,
// the last check of the platform's repository and its result, when the TUF timestamp
// metadata expires (kiosk/diagnostics/config.py words every row and its tone); and importing
// a signed configuration copy from a USB drive (kiosk/diagnostics/usb_config.py verifies it).
// A row's words say what is wrong (注意, 拒绝, 过期); its colour only repeats them.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "configPage"
    spacing: Theme.gap
    readonly property var facts: Diagnostics.facts.config || ({})
    readonly property real labelWidth: Theme.bodySize * 6.5

    component FactRow: Row {
        id: fact
        required property var modelData
        spacing: Theme.gap
        width: root.width
        KText {
            text: fact.modelData.k
            font.bold: true
            width: root.labelWidth
            wrapMode: Text.NoWrap
            elide: Text.ElideRight
        }
        KText {
            objectName: "configFact"
            width: root.width - root.labelWidth - Theme.gap
            text: fact.modelData.v
            textFormat: Text.PlainText        // what came from disk is shown, never interpreted
            color: fact.modelData.tone === "bad" ? Theme.errorText
                 : fact.modelData.tone === "warn" ? Theme.help      // the theme's amber
                 : fact.modelData.tone === "ok" ? Theme.success : Theme.text
            font.bold: fact.modelData.tone === "bad" || fact.modelData.tone === "warn"
        }
    }

    KText {
        width: root.width
        visible: root.facts.rows === undefined
        text: "正在读取配置……"
        color: Theme.secondaryText
    }
    Repeater {
        model: root.facts.rows || []
        delegate: FactRow {}
    }

    KText {
        width: root.width
        visible: root.facts.rows !== undefined
        text: "以前用过的配置（最近的在前）"
        font.bold: true
    }
    Repeater {
        model: root.facts.history || []
        delegate: FactRow {}
    }
    KText {
        width: root.width
        visible: (root.facts.historyNote || "") !== ""
        text: root.facts.historyNote || ""
        color: Theme.secondaryText
        font.pixelSize: Theme.smallSize
    }

    KText {
        width: root.width
        text: "从U盘导入配置"
        font.bold: true
    }
    KText {
        width: root.width
        text: (Diagnostics.facts.drives || []).length === 0
              ? "没有找到U盘：插入管理员用 kiosk-admin export 导出的U盘，再点“重新检查”"
              : "只导入经过签名验证的配置；U盘上的程序不会被运行"
        color: Theme.secondaryText
        font.pixelSize: Theme.smallSize
    }
    KButton {
        objectName: "diagConfigRecheck"
        text: "重新检查"
        enabled: Diagnostics.busy === ""
        onClicked: Diagnostics.recheck()
    }
    Repeater {
        model: Diagnostics.facts.drives || []
        delegate: KButton {
            required property var modelData
            objectName: "diagImportConfig"
            width: root.width
            textAlign: Text.AlignLeft
            text: "从 " + modelData.mount + " 导入配置"
            enabled: Diagnostics.busy === ""
            onClicked: Diagnostics.importConfig(modelData.mount)
        }
    }
    ResultCard { width: root.width; result: Diagnostics.results.importConfig }
}
