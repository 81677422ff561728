// The enterprise a branch belongs to: its name and unified social credit code.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    implicitHeight: col.height
    function submit() { Session.answer({"name": pname.text, "credit_code": code.text}) }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { (Session.errorField === "credit_code" ? code : pname).focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: [""] }
        KTextField { id: pname; label: "隶属企业名称"; hint: "与其营业执照一致"; error: screen.errorFor("name"); text: screen.start.name ?? "" }
        KTextField {
            id: code; label: "统一社会信用代码"; hint: "18位，在营业执照左上方"
            error: screen.errorFor("credit_code")
            extraHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
            text: screen.start.credit_code ?? ""
        }
    }
}
