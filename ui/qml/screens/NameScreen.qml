// The business name in its four parts: region + trade name + industry + form (组织形式). After a
// pause in typing, a preview (NamePreview): the full name, the naming rules it does not meet yet
// as hints, and the platform's name check when online. A preview, not an error: errors come
// when the person presses continue.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    property string form: start.form ?? ""
    // 行政区划 is picked, not typed: the hall's county first, then each level up.
    property string region: start.region ?? (Services.nameRegions.length > 0 ? Services.nameRegions[0] : "")
    readonly property var regions: Services.nameRegions.indexOf(region) >= 0 || region === ""
                                   ? Services.nameRegions : [region].concat(Services.nameRegions)
    implicitHeight: col.height
    function answer() {
        return {"region": screen.region, "trade_name": trade.text,
                "industry": industry.text, "form": screen.form}
    }
    function submit() { Session.answer(screen.answer()) }
    function typed() { NamePreview.typed(screen.answer()) }
    onRegionChanged: screen.typed()
    onFormChanged: screen.typed()
    Component.onCompleted: screen.typed()
    Component.onDestruction: NamePreview.clear()
    // The preview: below the fields in portrait, in the side panel in landscape.
    aside: Component {
        Rectangle {
            objectName: "namePreview"
            width: parent ? parent.width : 0
            height: previewColumn.height + Theme.gap * 2
            radius: Theme.radius
            color: Theme.background
            border.color: Theme.border
            border.width: 1
            Column {
                id: previewColumn
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                spacing: Theme.gap / 2
                KText {
                    objectName: "namePreviewName"
                    width: parent.width
                    text: "名称预览：" + screen.region + trade.text + industry.text + screen.form
                    font.bold: true
                }
                Repeater {
                    model: NamePreview.hints
                    delegate: KText {
                        required property string modelData
                        width: previewColumn.width
                        text: "提示：" + modelData
                        color: Theme.secondaryText
                        font.pixelSize: Theme.smallSize
                    }
                }
                KText {
                    objectName: "nameCheckText"
                    visible: text !== ""
                    width: parent.width
                    text: NamePreview.checkText
                    color: NamePreview.checkState === "available" ? Theme.success : Theme.text
                    font.pixelSize: Theme.smallSize
                }
            }
        }
    }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { (Session.errorField === "industry" ? industry : trade).focusField() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: [""] }
        KText { text: "行政区划"; font.bold: true; width: parent.width }
        KText { text: "名称中的地名：默认为本服务大厅所在的区县，也可以选择上一级"; width: parent.width; color: Theme.secondaryText; font.pixelSize: Theme.smallSize }
        KError { width: parent.width; fields: ["region"] }
        Flow {
            objectName: "nameRegions"
            width: parent.width
            spacing: Theme.gap
            Repeater {
                model: screen.regions
                delegate: KButton {
                    required property string modelData
                    required property int index
                    objectName: "nameRegion" + index
                    text: modelData
                    selected: screen.region === modelData
                    onClicked: screen.region = modelData
                }
            }
        }
        KTextField { id: trade; objectName: "tradeName"; label: "字号"; hint: Services.tradeNameHint; error: screen.errorFor("trade_name"); text: screen.start.trade_name ?? ""; onTextChanged: screen.typed() }
        KTextField { id: industry; label: "行业或经营特点"; hint: "例如：百货、餐饮、服装"; error: screen.errorFor("industry"); text: screen.start.industry ?? ""; onTextChanged: screen.typed() }
        KText { text: "组织形式"; font.bold: true; width: parent.width }
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
        KAside { aside: screen.aside }
    }
}
