// The business name in its four parts: region + trade name + industry + form (组织形式).
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
    function submit() {
        Session.answer({"region": region.text, "trade_name": trade.text,
                        "industry": industry.text, "form": screen.form})
    }
    function focusField() { trade.focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        KTextField { id: region; label: "行政区划"; hint: "例如：杭州市西湖区"; text: screen.start.region ?? "" }
        KTextField { id: trade; objectName: "tradeName"; label: "字号"; hint: "2到4个汉字，例如：青禾"; text: screen.start.trade_name ?? "" }
        KTextField { id: industry; label: "行业或经营特点"; hint: "例如：百货、餐饮、服装"; text: screen.start.industry ?? "" }
        KText { text: "组织形式"; font.bold: true; width: parent.width }
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
        KText {
            width: parent.width
            text: "名称预览：" + region.text + trade.text + industry.text + screen.form
            font.bold: true
        }
    }
}
