// The start page (GOV.UK start page): what the service does, one start button, what to bring,
// cost and time. After a session ends it says that the person's data was deleted.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    hasFooter: false
    implicitHeight: col.height

    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5

        Rectangle {
            objectName: "endedMessage"
            visible: Session.endedMessage !== ""
            width: parent.width
            height: visible ? ended.height + Theme.gap * 2 : 0
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.success
            border.width: Theme.fieldBorder
            KText {
                id: ended
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                text: Session.endedMessage
                color: Theme.success
                font.bold: true
            }
        }
        KText {
            width: parent.width
            text: "开办企业，一次办好"
            font.pixelSize: Theme.headingSize * 1.3
            font.bold: true
            Accessible.role: Accessible.Heading
        }
        KText {
            width: parent.width
            text: "在这台机器上，您可以自助申请营业执照，并一并办理免费刻章、税务登记和发票、社保医保登记、公积金登记和银行开户预约。符合条件的申请可以当场审批。"
        }
        KText {
            width: parent.width
            text: "适用于：个体工商户、个人独资企业、自然人投资的有限责任公司、分公司"
            color: Theme.secondaryText
        }
        Rectangle {
            objectName: "outOfOrder"
            visible: Session.startBlocked !== ""
            width: parent.width
            height: visible ? blocked.height + Theme.gap * 2 : 0
            radius: Theme.radius
            color: Theme.errorBackground
            border.color: Theme.errorText
            border.width: Theme.fieldBorder
            KText {
                id: blocked
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                text: Session.startBlocked
                color: Theme.errorText
                font.bold: true
            }
        }
        KButton {
            objectName: "startButton"
            width: parent.width
            implicitHeight: Theme.targetHeight * 1.6
            primary: true
            enabled: Session.startBlocked === ""
            text: "开始办理"
            font.pixelSize: Theme.headingSize
            onClicked: { Session.dismissEnded(); Session.begin() }
        }
        Grid {
            columns: 1
            width: parent.width
            spacing: Theme.gap
            Repeater {
                model: [
                    {"k": "请带好", "v": "本人第二代居民身份证（办理时需要刷脸核验）"},
                    {"k": "费用", "v": "免费"},
                    {"k": "用时", "v": "约 15 分钟"},
                    {"k": "需要帮助", "v": "随时按屏幕右上角的“呼叫工作人员”"}
                ]
                delegate: Row {
                    id: fact
                    required property var modelData
                    spacing: Theme.gap
                    width: col.width
                    KText { text: fact.modelData.k; font.bold: true; width: Theme.bodySize * 5; wrapMode: Text.NoWrap }
                    KText { text: fact.modelData.v; width: col.width - Theme.bodySize * 5 - Theme.gap }
                }
            }
        }
    }
}
