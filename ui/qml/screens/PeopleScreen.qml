// A list of people (family members, shareholders): name and ID number, plus the subscribed
// amount for shareholders. Personal fields: the keyboard neither learns nor predicts them.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property bool withAmount: screen.step === "shareholders"
    readonly property string role: withAmount ? "股东" : "家庭成员"
    implicitHeight: col.height
    ListModel { id: people }
    Component.onCompleted: {
        let start = (screen.initial && typeof screen.initial === "object") ? Array.from(screen.initial) : []
        for (let i = 0; i < start.length; i++)
            people.append({"name": start[i].name ?? "", "id_number": start[i].id_number ?? "",
                           "amount": String(start[i].amount ?? "")})
        if (people.count === 0)
            people.append({"name": "", "id_number": "", "amount": ""})
    }
    function submit() {
        let out = []
        for (let i = 0; i < people.count; i++) {
            let p = people.get(i)
            if (p.name === "" && p.id_number === "" && p.amount === "") continue
            let item = {"name": p.name, "id_number": p.id_number}
            if (screen.withAmount) item.amount = p.amount
            out.push(item)
        }
        Session.answer(out)
    }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: [""] }
        Repeater {
            model: people
            delegate: Rectangle {
                id: card
                required property int index
                required property string name
                required property string id_number
                required property string amount
                width: col.width
                height: fields.height + Theme.gap * 2
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                border.width: 1
                Column {
                    id: fields
                    x: Theme.gap; y: Theme.gap
                    width: parent.width - Theme.gap * 2
                    spacing: Theme.gap / 2
                    Row {
                        width: parent.width
                        KText { text: "第" + (card.index + 1) + "位" + screen.role; font.bold: true; width: parent.width - remove.width; anchors.verticalCenter: parent.verticalCenter }
                        KButton { id: remove; text: "删除"; visible: people.count > 1; onClicked: people.remove(card.index) }
                    }
                    KTextField { label: "姓名"; personal: true; error: screen.errorFor(card.index + ".name"); text: card.name; field.onTextEdited: people.setProperty(card.index, "name", field.text) }
                    KTextField { objectName: "idNumber" + card.index; label: "身份证号码"; personal: true; masked: true; error: screen.errorFor(card.index + ".id_number"); text: card.id_number; extraHints: Qt.ImhPreferUppercase; field.onTextEdited: people.setProperty(card.index, "id_number", field.text) }
                    KTextField { visible: screen.withAmount; label: "认缴出资额（万元）"; error: screen.errorFor(card.index + ".amount"); text: card.amount; extraHints: Qt.ImhFormattedNumbersOnly; field.onTextEdited: people.setProperty(card.index, "amount", field.text) }
                }
            }
        }
        KButton { text: "＋ 添加一位" + screen.role; width: col.width; onClicked: people.append({"name": "", "id_number": "", "amount": ""}) }
    }
}
