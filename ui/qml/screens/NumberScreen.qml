// A whole number (people working in the business).
import QtQuick
import Kiosk
import "../controls"

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Session.answer(field.text) }
    function focusField() { field.focusField() }
    Column {
        id: col
        width: parent.width
        KTextField {
            id: field
            objectName: "numberField"
            label: Session.label !== "" ? Session.label : "人数"
            hint: "填写整数，例如 3"
            extraHints: Qt.ImhDigitsOnly
            error: Session.errors.length > 0 ? Session.errors[0] : ""
            text: screen.initial === null || screen.initial === undefined ? "" : String(screen.initial)
        }
    }
}
