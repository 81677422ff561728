// One choice from the page's options (subject type, operation form, delivery...).
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Session.answer(choices.value === undefined ? "" : choices.value) }
    function focusField() { choices.forceActiveFocus() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        KChoiceList { id: choices; options: Session.options; value: screen.initial ?? undefined }
    }
}
