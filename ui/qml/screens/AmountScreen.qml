// An amount in 万元: 注册资本, 出资额 or 资金数额, named by the page's label.
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
            objectName: "amountField"
            label: (Session.label !== "" ? Session.label : "金额") + "（万元）"
            hint: "只填数字，例如 10 或 10.5"
            extraHints: Qt.ImhFormattedNumbersOnly
            error: Session.errors.length > 0 ? Session.errors[0] : ""
            text: screen.initial ?? ""
        }
    }
}
