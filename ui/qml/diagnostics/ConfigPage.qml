// 配置: which configuration is in force: its version, who signed it, when it was applied and
// the one before it (kiosk/diagnostics/config.py says what is known today); and importing a
// signed configuration copy from a USB drive (kiosk/diagnostics/usb_config.py verifies it).
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

    Repeater {
        model: [{"k": "来源", "v": "source"}, {"k": "版本", "v": "version"}, {"k": "签发", "v": "signedBy"},
                {"k": "生效时间", "v": "appliedAt"}, {"k": "上一版本", "v": "previous"}]
        delegate: Row {
            id: fact
            required property var modelData
            spacing: Theme.gap
            width: root.width
            KText { text: fact.modelData.k; font.bold: true; width: Theme.bodySize * 5; wrapMode: Text.NoWrap }
            KText { text: root.facts[fact.modelData.v] || "……"; width: root.width - Theme.bodySize * 5 - Theme.gap }
        }
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
