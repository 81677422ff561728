// 网络与平台: whether the platform answers and how fast, and this kiosk's clock against the
// platform's (the request signatures allow 300 s; beyond that every request is refused).
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "networkPage"
    spacing: Theme.gap
    readonly property var checks: Diagnostics.report.byName || ({})

    CheckCard { width: root.width; check: root.checks.platform || ({}) }
    CheckCard { width: root.width; check: root.checks.clock || ({}) }
    KButton { text: "重新检查"; enabled: Diagnostics.busy === ""; onClicked: Diagnostics.recheck() }
}
