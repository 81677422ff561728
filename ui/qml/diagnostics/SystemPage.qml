// 系统: disk, memory, uptime, software version, and the audit log's chain.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "systemPage"
    spacing: Theme.gap
    readonly property var checks: Diagnostics.report.byName || ({})

    Repeater {
        model: ["disk", "memory", "uptime", "version", "audit"]
        delegate: CheckCard {
            required property string modelData
            width: root.width
            check: root.checks[modelData] || ({})
        }
    }
    KButton { text: "重新检查"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
}
