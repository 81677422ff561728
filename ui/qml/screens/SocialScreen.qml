// Social and medical insurance enrolment for employees: yes/no and how many.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    implicitHeight: col.height
    function submit() { Session.answer({"enrol": enrol.value ?? null, "employees": employees.text}) }
    function focusField() { employees.focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: ["enrol", ""] }
        KChoiceList {
            id: enrol
            options: [{"value": true, "label": "需要办理"}, {"value": false, "label": "暂不需要"}]
            value: screen.start.enrol ?? undefined
        }
        KTextField {
            id: employees
            visible: enrol.value === true
            label: "参保员工人数"
            error: Session.errorField === "employees" && Session.errors.length > 0 ? Session.errors[0] : ""
            extraHints: Qt.ImhDigitsOnly
            text: screen.start.employees ? String(screen.start.employees) : ""
        }
    }
}
