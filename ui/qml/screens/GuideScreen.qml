// 办事指南（一次告知）: for the subject type chosen here, everything to bring and to know, and a
// button that prints the same on the receipt printer.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var guide: Services.guide
    readonly property var job: Services.job
    readonly property bool printing: screen.job.what === "guide" && screen.job.state === "printing"
    implicitHeight: col.height
    function submit() { Session.finish() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        Flow {
            width: parent.width
            spacing: Theme.gap
            Repeater {
                model: Services.subjectTypes
                delegate: KButton {
                    required property var modelData
                    objectName: "guideType_" + modelData.id
                    text: modelData.label
                    selected: screen.guide.subjectType === modelData.id
                    onClicked: Services.chooseGuide(modelData.id)
                }
            }
        }
        KText { objectName: "guideTitle"; width: parent.width; text: screen.guide.title ?? ""; font.pixelSize: Theme.headingSize * 0.9; font.bold: true }
        KText { width: parent.width; text: screen.guide.summary ?? ""; color: Theme.secondaryText }
        Repeater {
            model: screen.guide.sections ?? []
            delegate: Column {
                id: section
                required property var modelData
                width: col.width
                spacing: Theme.gap / 2
                KText { width: parent.width; text: section.modelData.title; font.bold: true; font.pixelSize: Theme.headingSize * 0.75; color: Theme.primary }
                KText { width: parent.width; visible: text !== ""; text: section.modelData.lead }
                Repeater {
                    model: section.modelData.items
                    delegate: KText {
                        required property string modelData
                        required property int index
                        width: section.width
                        text: (index + 1) + ". " + modelData
                    }
                }
            }
        }
        KText {
            objectName: "guidePrintState"
            width: parent.width
            visible: text !== ""
            text: screen.job.what === "guide" ? (screen.job.heading ?? "") + " " + (screen.job.text ?? "") : ""
            font.bold: true
            color: screen.job.state === "failed" ? Theme.errorText : Theme.success
        }
        Flow {
            width: parent.width
            spacing: Theme.gap
            KButton {
                objectName: "printGuide"
                text: screen.printing ? "正在打印……" : "打印办事指南"
                enabled: !screen.printing
                onClicked: Services.printGuide()
            }
            KButton { objectName: "rateVisit"; text: "评价本次服务"; visible: !Services.rating.given; onClicked: Services.startRating(0) }
        }
    }
}
