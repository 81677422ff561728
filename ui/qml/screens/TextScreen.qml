// One line of text (the phone number). Personal: the keyboard does not learn it.
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
            objectName: "textField"
            label: Session.label !== "" ? Session.label : "手机号码"
            personal: true
            extraHints: Qt.ImhDialableCharactersOnly
            error: Session.errors.length > 0 ? Session.errors[0] : ""
            text: screen.initial ?? ""
        }
    }
}
