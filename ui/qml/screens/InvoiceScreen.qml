// Invoices: needed or not, and if needed the taxpayer kind (the page's options).
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    implicitHeight: col.height
    function submit() { Session.answer({"need": need.value ?? null, "taxpayer": taxpayer.value ?? null}) }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: ["need", ""] }
        KChoiceList {
            id: need
            options: [{"value": true, "label": "需要申领发票"}, {"value": false, "label": "暂不需要"}]
            value: screen.start.need ?? undefined
        }
        KText { visible: need.value === true; text: "纳税人类型"; font.bold: true; width: parent.width }
        KError { width: parent.width; fields: ["taxpayer"] }
        KChoiceList {
            id: taxpayer
            visible: need.value === true
            options: Session.options
            value: screen.start.taxpayer ?? undefined
        }
    }
}
