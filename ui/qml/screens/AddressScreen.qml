// An address: province, city and county picked by tapping (no typing), then the street and
// number typed. Used for the premises and the mailing address.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var start: screen.initial ?? ({})
    // The picker starts from the hall's county; 选择其他地区 goes up one level at a time.
    property string code: start.region_code ?? Services.hallRegion
    readonly property var picked: code === "" ? ({}) : Session.region(code)
    // The next level to pick from; none left means the region is complete.
    readonly property var choices: code === "" ? Session.regions("")
        : picked.level === "county" ? []
        : Session.regions(picked.level === "province" ? code.substring(0, 2) : code.substring(0, 4))
    readonly property bool done: code !== "" && choices.length === 0
    implicitHeight: col.height
    function submit() { Session.answer({"region_code": screen.done ? screen.code : "", "detail": detail.text}) }
    function errorFor(field) { return Session.errorField === field && Session.errors.length > 0 ? Session.errors[0] : "" }
    function focusField() { detail.focusField() }
    function up() {
        if (picked.level === "county") code = code.substring(0, 4) + "00"
        else if (picked.level === "city") code = code.substring(0, 2) + "0000"
        else code = ""
    }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width; fields: ["region_code", ""] }
        Row {
            spacing: Theme.gap
            width: parent.width
            KText {
                width: parent.width - again.width - Theme.gap
                text: screen.code === "" ? "请选择省（自治区、直辖市）" : "已选：" + (screen.picked.fullName ?? "")
                font.bold: true
            }
            KButton { id: again; objectName: "regionUp"; text: "选择其他地区"; visible: screen.code !== ""; onClicked: screen.up() }
        }
        Grid {
            columns: 3
            spacing: Theme.gap
            width: parent.width
            visible: !screen.done
            Repeater {
                model: screen.choices
                delegate: KButton {
                    required property var modelData
                    width: (col.width - 2 * Theme.gap) / 3
                    text: modelData.name
                    font.pixelSize: Theme.bodySize
                    onClicked: screen.code = modelData.code
                }
            }
        }
        KTextField {
            id: detail
            objectName: "addressDetail"
            visible: screen.done
            label: "详细地址"
            hint: "街道、路名和门牌号，例如：文三路200号1幢101室"
            personal: true
            error: screen.errorFor("detail")
            text: screen.start.detail ?? ""
        }
    }
}
