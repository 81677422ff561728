// Business scope: search the catalogue (keyword or pinyin initials), tap to add; the first
// item is the main business. Licensed items are marked in words, not colour alone.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    property var codes: (screen.initial && typeof screen.initial === "object") ? Array.from(screen.initial) : []
    readonly property var chosen: Session.scopeItems(codes)
    property var results: []
    implicitHeight: col.height
    function submit() { Session.answer(screen.codes) }
    function focusField() { search.focusField() }
    function add(code) { if (codes.indexOf(code) < 0) codes = codes.concat([code]) }
    function remove(code) { codes = codes.filter(c => c !== code) }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        KText { text: "已选 " + screen.chosen.length + " 项" + (screen.chosen.length ? "（第一项为主营）" : ""); font.bold: true; width: parent.width }
        Repeater {
            model: screen.chosen
            delegate: KButton {
                required property var modelData
                required property int index
                width: col.width
                selected: true
                text: (index === 0 ? "主营：" : "") + modelData.name + (modelData.licensed ? "（许可）" : "") + "　✕ 移除"
                onClicked: screen.remove(modelData.code)
            }
        }
        KTextField {
            id: search
            objectName: "scopeSearch"
            label: "搜索经营项目"
            hint: "输入关键词或拼音首字母，例如：百货 或 bh"
            field.onTextChanged: screen.results = Session.searchScope(search.text)
        }
        Repeater {
            model: screen.results
            delegate: KButton {
                required property var modelData
                width: col.width
                visible: screen.codes.indexOf(modelData.code) < 0
                text: "＋ " + modelData.name + (modelData.licensed ? "（许可，需另办许可证）" : "")
                onClicked: screen.add(modelData.code)
            }
        }
    }
}
