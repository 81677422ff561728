// What every screen is: it starts from "initial" (the last raw answer on this page), knows
// what its continue button sends, and which field to focus when the error summary is tapped.
// Main.qml calls these and tells it "fitHeight", the height of the page area below the heading
// that shows without scrolling: a screen sizes its big items (the face oval, the signature
// pad) to it so they never run under the footer. "aside" is what the page says beside its
// question (the name page's preview): the landscape side panel shows it, and in portrait the
// screen shows it itself (KAside). The flow decides everything else.
import QtQuick

Item {
    required property var initial
    required property string step
    property bool hasContinue: true
    property bool hasFooter: true
    property real fitHeight: 0
    property Component aside: null
    function submit() {}
    function focusField() {}
}
