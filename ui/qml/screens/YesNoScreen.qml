// A yes/no question, as two large choices: 是 / 否.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Session.answer(choices.value === undefined ? null : choices.value) }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        KChoiceList {
            id: choices
            options: [{"value": true, "label": "是"}, {"value": false, "label": "否"}]
            value: screen.initial ?? undefined
        }
    }
}
