// 营业执照自助打印: the person's licences already issued, at any kiosk; the first print of each
// is the original, every later one a 补打 (the platform counts them).
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    readonly property var lookup: Services.lookup
    hasContinue: false
    implicitHeight: col.height
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KLookupState { lookup: screen.lookup; empty: "没有查到您名下已核发的营业执照。正在审核的申请请用“办件进度查询”查看。" }
        Repeater {
            model: screen.lookup.items ?? []
            delegate: Rectangle {
                id: card
                required property var modelData
                required property int index
                width: col.width
                height: facts.height + Theme.gap * 2
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                border.width: Theme.fieldBorder
                Column {
                    id: facts
                    x: Theme.gap; y: Theme.gap
                    width: parent.width - Theme.gap * 2
                    spacing: Theme.gap / 2
                    KText { width: parent.width; text: card.modelData.businessName; font.bold: true; font.pixelSize: Theme.headingSize * 0.8 }
                    KText { width: parent.width; text: "统一社会信用代码：" + card.modelData.creditCode }
                    KText { width: parent.width; text: card.modelData.prints > 0 ? "已打印" + card.modelData.prints + "次，再次打印为补打" : "尚未打印"; color: Theme.secondaryText }
                    KButton {
                        objectName: "printLicence" + card.index
                        width: parent.width
                        primary: true
                        text: card.modelData.prints > 0 ? "补打营业执照" : "打印营业执照"
                        onClicked: Services.chooseLicence(card.modelData.applicationId)
                    }
                }
            }
        }
    }
}
