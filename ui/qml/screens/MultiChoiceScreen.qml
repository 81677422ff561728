// Several choices (the free seals): each a large check box; all ticked to start with.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    property var chosen: (screen.initial && typeof screen.initial === "object") ? Array.from(screen.initial) : Session.options.map(o => o.value)
    implicitHeight: col.height
    function submit() { Session.answer(screen.chosen) }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        Repeater {
            model: Session.options
            delegate: KButton {
                required property var modelData
                width: col.width
                selected: screen.chosen.indexOf(modelData.value) >= 0
                text: (selected ? "☑ " : "☐ ") + modelData.label
                onClicked: screen.chosen = selected ? screen.chosen.filter(v => v !== modelData.value)
                                                    : screen.chosen.concat([modelData.value])
            }
        }
    }
}
