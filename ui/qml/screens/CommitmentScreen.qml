// The declaration (告知承诺书): read, tick, then 我已阅读并承诺.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    property bool agreed: screen.initial === true
    implicitHeight: col.height
    function submit() { Session.answer(screen.agreed) }
    function focusField() { tick.forceActiveFocus() }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        Rectangle {
            width: parent.width
            height: letter.height + Theme.gap * 2
            color: Theme.surface
            radius: Theme.radius
            KText {
                id: letter
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                text: "本人承诺：\n1. 所填写的信息和提交的材料真实、合法、有效，与原件一致；\n2. 经营场所可以合法使用，符合安全要求；\n3. 经营范围中的许可项目，取得许可证件后再开展经营；\n4. 如有不实，愿意承担相应的法律责任，登记机关可依法撤销登记。"
            }
        }
        KButton {
            id: tick
            objectName: "agreeBox"
            width: parent.width
            selected: screen.agreed
            text: (screen.agreed ? "☑ " : "☐ ") + "我已阅读以上内容，同意承诺"
            onClicked: screen.agreed = !screen.agreed
        }
    }
}
