// A bank-account appointment: yes/no, then the bank and a day within the next 30 days.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    property string date: start.date ?? ""
    implicitHeight: col.height
    function submit() {
        Session.answer({"appointment": want.value ?? null, "bank": bank.value ?? "", "date": screen.date})
    }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: ["appointment", ""] }
        KChoiceList {
            id: want
            options: [{"value": true, "label": "预约开户"}, {"value": false, "label": "暂不预约"}]
            value: screen.start.appointment ?? undefined
        }
        KText { visible: want.value === true; text: "开户银行"; font.bold: true; width: parent.width }
        KError { width: parent.width; fields: ["bank"] }
        Grid {
            visible: want.value === true
            columns: 2
            spacing: Theme.gap
            Repeater {
                model: Session.options
                delegate: KButton {
                    required property var modelData
                    width: (col.width - Theme.gap) / 2
                    selected: bank.value === modelData.value
                    text: modelData.label
                    onClicked: bank.value = modelData.value
                }
            }
        }
        QtObject { id: bank; property var value: screen.start.bank }
        KText { visible: want.value === true; text: "预约日期"; font.bold: true; width: parent.width }
        KError { width: parent.width; fields: ["date"] }
        Grid {
            visible: want.value === true
            columns: 5
            spacing: Theme.gap / 2
            Repeater {
                model: want.value === true ? Session.appointmentDates() : []
                delegate: KButton {
                    required property string modelData
                    width: (col.width - 4 * Theme.gap / 2) / 5
                    font.pixelSize: Theme.smallSize
                    selected: screen.date === modelData
                    text: Number(modelData.substring(5, 7)) + "月" + Number(modelData.substring(8)) + "日"
                    onClicked: screen.date = modelData
                }
            }
        }
    }
}
