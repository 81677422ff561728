// A large touch button. "primary" for the one main action of a page; never colour alone:
// the label always says what happens.
import QtQuick
import QtQuick.Controls.Basic
import ".."

Button {
    id: control
    property bool primary: false
    property bool selected: false
    property int textAlign: Text.AlignHCenter
    property color fill: primary || selected ? Theme.primary : Theme.secondary
    property color ink: primary || selected ? Theme.textOnPrimary : Theme.textOnSecondary

    implicitHeight: Theme.targetHeight
    implicitWidth: Math.max(Theme.targetHeight * 2, contentItem.implicitWidth + 2 * Theme.gap)
    font.family: Theme.fontFamily
    font.pixelSize: Theme.buttonTextSize
    Accessible.name: control.text

    contentItem: Text {
        text: control.text
        font: control.font
        color: control.enabled ? control.ink : Theme.secondaryText
        horizontalAlignment: control.textAlign
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
    }
    background: Rectangle {
        radius: Theme.radius
        color: control.enabled ? control.fill : Theme.surface
        opacity: control.down ? 0.85 : 1
        border.width: control.primary && control.enabled ? 0 : Theme.fieldBorder   // a disabled main action still looks like a button
        border.color: control.selected ? Theme.primary : Theme.border
    }
}
