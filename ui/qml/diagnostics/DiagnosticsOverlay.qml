// The technicians' diagnostics mode over the whole window: the PIN pad, then the pages.
// Opened and closed by Diagnostics.state (kiosk/diagnostics/mode.py decides); while it shows,
// nothing of the citizen's screens below can be touched.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

Rectangle {
    id: overlay
    objectName: "diagnosticsOverlay"
    color: Theme.background

    MouseArea { anchors.fill: parent }          // touches stop here
    PointHandler {
        target: null
        onActiveChanged: if (active) Diagnostics.touch()
    }

    PinPad {
        anchors.fill: parent
        visible: Diagnostics.state === "pin"
    }

    Item {
        id: pages
        anchors.fill: parent
        visible: Diagnostics.state === "open"

        Rectangle {
            id: bar
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: Theme.headerHeight
            color: Theme.headerBackground
            KText {
                anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
                text: "维护模式 · " + Diagnostics.secondsLeft + " 秒无操作后自动退出"
                color: Theme.textOnHeader
                font.bold: true
                wrapMode: Text.NoWrap
            }
            KButton {
                objectName: "diagLeave"
                anchors { right: parent.right; rightMargin: Theme.margin / 2; verticalCenter: parent.verticalCenter }
                implicitHeight: Theme.headerHeight - Theme.gap
                text: "退出维护"
                onClicked: Diagnostics.leave()
            }
        }

        Flow {
            id: tabs
            anchors { left: parent.left; right: parent.right; top: bar.bottom; margins: Theme.gap }
            spacing: Theme.gap / 2
            Repeater {
                model: Diagnostics.pages
                delegate: KButton {
                    required property var modelData
                    objectName: "diagPage_" + modelData.id
                    text: modelData.title
                    implicitHeight: Theme.targetHeight * 0.8
                    width: (tabs.width - Theme.gap * 2) / 3
                    font.pixelSize: Theme.smallSize + 2
                    selected: Diagnostics.page === modelData.id
                    onClicked: Diagnostics.show(modelData.id)
                }
            }
        }

        KText {
            id: working
            objectName: "diagBusy"
            anchors { left: parent.left; right: parent.right; top: tabs.bottom; margins: Theme.gap }
            visible: Diagnostics.busy !== ""
            text: "正在检查，请稍候……"
            color: Theme.secondaryText
        }

        Flickable {
            id: body
            anchors {
                left: parent.left; right: parent.right; bottom: parent.bottom
                top: working.visible ? working.bottom : tabs.bottom
                leftMargin: Theme.margin; rightMargin: Theme.margin; topMargin: Theme.gap
            }
            contentHeight: page.height + Theme.margin
            clip: true
            boundsBehavior: Flickable.StopAtBounds
            Loader {
                id: page
                objectName: "diagPageLoader"
                width: body.width
                source: Diagnostics.state === "open" ? Diagnostics.page.charAt(0).toUpperCase()
                                                       + Diagnostics.page.slice(1) + "Page.qml" : ""
            }
        }
    }
}
