// Where a screen shows its "aside" (KScreen.aside) in portrait; in landscape the side panel
// shows it instead, so it is never shown twice.
import QtQuick
import ".."

Loader {
    required property Component aside
    width: parent ? parent.width : 0
    active: !Theme.landscape && aside !== null
    sourceComponent: aside
}
