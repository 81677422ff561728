// The licence printing: progress, then 请取走营业执照 (补打 said so), or where to get it instead.
import QtQuick
import QtQuick.Controls.Basic
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var job: Services.job
    readonly property bool printing: (job.state ?? "printing") === "printing"
    hasContinue: !printing
    implicitHeight: col.height
    function submit() { Session.finish() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5
        KText {
            objectName: "printHeading"
            width: parent.width
            text: screen.job.heading ?? ""
            font.pixelSize: Theme.headingSize
            font.bold: true
            color: screen.job.state === "failed" ? Theme.errorText : Theme.success
        }
        BusyIndicator { running: screen.printing; visible: screen.printing; width: Theme.targetHeight; height: width }
        KText { objectName: "printText"; width: parent.width; text: screen.job.text ?? "" }
        KButton {
            objectName: "rateVisit"
            visible: !screen.printing && !Services.rating.given
            text: "评价本次服务"
            onClicked: Services.startRating(0)
        }
    }
}
