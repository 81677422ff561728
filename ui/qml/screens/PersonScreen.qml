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
    function focusField() { pname.focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        KTextField { id: pname; label: "姓名"; personal: true; text: screen.start.name ?? "" }
        KTextField { id: number; label: "身份证号码"; personal: true; masked: true; extraHints: Qt.ImhPreferUppercase; text: screen.start.id_number ?? "" }
    }
}
