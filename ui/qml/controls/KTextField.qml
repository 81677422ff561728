// A labelled text field. Personal fields set "personal": the keyboard neither learns nor
// predicts them (ux.md Qt specifics). The error text sits between label and field.
import QtQuick
import QtQuick.Controls.Basic
import Kiosk
import ".."

Column {
    id: root
    property string label: ""
    property string hint: ""
    property string error: ""
    property bool personal: false
    // An identity number shown masked (as on the review page) unless the person is typing it.
    property bool masked: false
    readonly property bool hiding: masked && !input.activeFocus && input.text.length > 10
    property alias text: input.text
    property alias field: input
    property int extraHints: 0
    spacing: Theme.gap / 2
    width: parent ? parent.width : implicitWidth

    function focusField() { input.forceActiveFocus() }

    KText { text: root.label; width: root.width; font.bold: true; visible: text !== "" }
    KText {
        text: root.hint; width: root.width; visible: text !== ""
        color: Theme.secondaryText; font.pixelSize: Theme.smallSize
    }
    KText {
        text: root.error; width: root.width; visible: text !== ""
        color: Theme.errorText; font.bold: true
    }
    TextField {
        id: input
        objectName: root.objectName !== "" ? root.objectName + "Input" : ""
        width: root.width
        implicitHeight: Theme.targetHeight
        font.family: Theme.fontFamily
        font.pixelSize: Theme.bodySize
        color: root.hiding ? "transparent" : Theme.text
        leftPadding: Theme.gap
        inputMethodHints: (root.personal ? (Qt.ImhSensitiveData | Qt.ImhNoPredictiveText) : Qt.ImhNone)
                          | root.extraHints
        Accessible.name: root.label
        background: Rectangle {
            radius: Theme.radius
            color: Theme.background
            border.width: input.activeFocus ? Theme.fieldBorder * 2 : Theme.fieldBorder
            border.color: root.error !== "" ? Theme.errorText : (input.activeFocus ? Theme.primary : Theme.border)
        }
        Text {
            objectName: root.objectName !== "" ? root.objectName + "Masked" : ""
            visible: root.hiding
            anchors { left: parent.left; leftMargin: input.leftPadding; verticalCenter: parent.verticalCenter }
            text: root.hiding ? Services.maskIdNumber(input.text) : ""
            font: input.font
            color: Theme.text
        }
    }
}
