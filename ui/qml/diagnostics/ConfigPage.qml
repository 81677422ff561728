// 配置: which configuration is in force: its version, who signed it, when it was applied and
// the one before it (kiosk/diagnostics/config.py says what is known today).
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
}
