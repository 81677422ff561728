// The application number, typed: spaces and hyphens are fine; the check comes on 查询.
import QtQuick
import Kiosk
import "../controls"

KScreen {
    id: screen
    implicitHeight: col.height
    function submit() { Services.enterNumber(field.text) }
    function focusField() { field.focusField() }
    Column {
        id: col
        width: parent.width
        KTextField {
            id: field
            objectName: "applicationNumber"
            label: "申请编号"
            hint: "例如：20261121-7KQ4M2XP（字母不分大小写）"
            extraHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
            error: Session.errors.length > 0 ? Session.errors[0] : ""
            text: screen.initial ?? ""
        }
    }
}
