// The declaration (告知承诺书): read, tick, then 我已阅读并承诺. Its text is the page's body,
// worded in the table for the person's subject type.
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
                objectName: "commitmentText"
                text: Session.body
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
