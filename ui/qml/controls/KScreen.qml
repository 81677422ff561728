// What every screen is: it starts from "initial" (the last raw answer on this page), knows
// what its continue button sends, and which field to focus when the error summary is tapped.
// Main.qml calls these; the flow decides everything else.
import QtQuick

Item {
    required property var initial
    required property string step
    property bool hasContinue: true
    property bool hasFooter: true
    function submit() {}
    function focusField() {}
}
