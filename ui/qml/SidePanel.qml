// The right-hand column of the landscape layout: where the person is (the step and a bar), the
// help call's state with its buttons (HelpBanner), the page's problems (ErrorSummary), what the
// page says beside its question (KScreen.aside), and how to get help. In portrait the same things sit at the top of the page column instead
// (Main.qml); this panel shows nothing of its own. Long problems and a help call in 长辈版
// scroll inside it rather than spill under the footer.
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: panel
    objectName: "sidePanel"
    signal staffRequested()
    signal fieldRequested()
    property Component aside: null          // the page's own aside (KScreen.aside)
    readonly property var progress: Session.progress
    color: Theme.surface
    radius: Theme.radius

    Flickable {
        objectName: "sidePanelBody"
        anchors.fill: parent
        anchors.margins: Theme.gap * 1.5
        contentHeight: column.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: column
            width: parent.width
            spacing: Theme.gap * 1.5

            KText {
                objectName: "sideProgressText"
                visible: text !== ""
                width: parent.width
                text: Session.progressText
                font.bold: true
            }
            Rectangle {             // the bar: how much of the visit is behind the person
                objectName: "sideProgressBar"
                visible: panel.progress.length === 2 && panel.progress[1] > 0
                width: parent.width
                height: Theme.gap
                radius: height / 2
                color: Theme.secondary
                border.color: Theme.border
                border.width: 1
                Rectangle {
                    width: parent.visible ? parent.width * panel.progress[0] / panel.progress[1] : 0
                    height: parent.height
                    radius: parent.radius
                    color: Theme.primary
                }
            }
            HelpBanner {            // first: what the person can do about the call
                width: parent.width
                onStaffRequested: panel.staffRequested()
            }
            ErrorSummary {
                width: parent.width
                onFieldRequested: panel.fieldRequested()
            }
            Loader {
                width: parent.width
                visible: active                 // no gap for a page without an aside
                active: panel.aside !== null
                sourceComponent: panel.aside
            }
            KText {
                objectName: "sideHelpHint"
                visible: Services.help.status === "none"
                width: parent.width
                text: "遇到问题？按右上角的“呼叫工作人员”，工作人员会过来帮您办理。"
                color: Theme.secondaryText
                font.pixelSize: Theme.smallSize
            }
        }
    }
}
