// One person (the supervisor): name and ID number. Optional: the footer offers 跳过.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    implicitHeight: col.height
    function submit() { Session.answer({"name": pname.text, "id_number": number.text}) }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { (Session.errorField === "id_number" ? number : pname).focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: [""] }
        KTextField { id: pname; label: "姓名"; personal: true; error: screen.errorFor("name"); text: screen.start.name ?? "" }
        KTextField { id: number; label: "身份证号码"; personal: true; masked: true; error: screen.errorFor("id_number"); extraHints: Qt.ImhPreferUppercase; text: screen.start.id_number ?? "" }
    }
}
