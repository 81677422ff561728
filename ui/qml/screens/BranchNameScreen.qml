// A branch's name: the parent's name + a place word + 分公司/分店/分厂.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    property string form: start.form ?? ""
    implicitHeight: col.height
    function submit() { Session.answer({"place": place.text, "form": screen.form}) }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { place.focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: [""] }
        KTextField { id: place; label: "地名或特色用语（可不填）"; hint: "例如：西湖"; error: screen.errorFor("place"); text: screen.start.place ?? "" }
        KText { text: "名称结尾"; font.bold: true; width: parent.width }
        KError { width: parent.width; fields: ["form"] }
        Flow {
            width: parent.width
            spacing: Theme.gap
            Repeater {
                model: Session.nameForms
                delegate: KButton {
                    required property string modelData
                    text: modelData
                    selected: screen.form === modelData
                    onClicked: screen.form = modelData
                }
            }
        }
    }
}
