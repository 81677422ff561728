// The home screen: every service the kiosk offers (设立登记 for each subject type, 办件进度查询,
// 营业执照自助打印, 办事指南, 好差评), said honestly: what is out of order right now, and a
// service that cannot be finished is shown but not offered, with why. After a visit it says
// that the person's data was deleted. One column in portrait; landscape puts what to bring
// beside the heading and the other services in a column beside 设立登记, so that even 长辈版's
// large text fits without scrolling.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    hasFooter: false
    implicitHeight: col.height
    readonly property var offers: Services.offers
    readonly property var register: offers.length > 0 ? offers[0] : ({})
    // 长辈版: large titles and few words (适老化: simple pages), and it fits the screen; what a
    // service is for is said on its own first page, and the guide says everything.
    readonly property bool brief: Theme.elderly
    readonly property var facts: [
        {"k": "请带好", "v": "本人第二代居民身份证（办理时需要刷脸核验）"},
        {"k": "费用", "v": "全部免费"},
        {"k": "需要帮助", "v": "随时按屏幕右上角的“呼叫工作人员”"}
    ]
    function offer(service) {
        for (let i = 0; i < offers.length; i++)
            if (offers[i].service === service) return offers[i]
        return ({})
    }

    // What to bring and know, at the end (portrait).
    component Facts: Grid {
        id: grid
        readonly property real cell: (width - columnSpacing * (columns - 1)) / columns
        columnSpacing: Theme.gap * 2
        rowSpacing: Theme.gap
        Repeater {
            model: screen.facts
            delegate: Row {
                id: fact
                required property var modelData
                spacing: Theme.gap
                width: grid.cell
                KText { text: fact.modelData.k; font.bold: true; width: Theme.bodySize * 4; wrapMode: Text.NoWrap }
                KText { text: fact.modelData.v; width: grid.cell - Theme.bodySize * 4 - Theme.gap; color: Theme.secondaryText }
            }
        }
    }

    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 1.5

        Rectangle {         // after a visit: the person's data was deleted
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
        Row {
            width: parent.width
            spacing: Theme.gap * 2
            KText {
                id: heading
                width: Theme.landscape ? undefined : parent.width        // landscape: as wide as it reads
                anchors.verticalCenter: parent.verticalCenter
                text: "开办企业，一次办好"
                font.pixelSize: Theme.headingSize * 1.2
                font.bold: true
                wrapMode: Text.NoWrap
                Accessible.role: Accessible.Heading
            }
            KText {             // landscape: what to bring, in one paragraph beside the heading
                objectName: "factsLine"
                visible: Theme.landscape
                width: parent.width - heading.width - parent.spacing
                anchors.verticalCenter: parent.verticalCenter
                // what to bring and the fee on one line, where to find help on the next: a
                // line break inside "需要帮助" would read badly
                text: screen.facts.map(f => f.k + "：" + f.v).slice(0, 2).join("　") + "\n"
                      + screen.facts.slice(2).map(f => f.k + "：" + f.v).join("　")
                color: Theme.secondaryText
                font.pixelSize: Theme.smallSize
            }
        }
        Rectangle {
            objectName: "notices"
            visible: Services.notices.length > 0
            width: parent.width
            height: visible ? noticeList.height + Theme.gap * 2 : 0
            radius: Theme.radius
            color: Theme.errorBackground
            border.color: Theme.errorText
            border.width: Theme.fieldBorder
            Column {
                id: noticeList
                x: Theme.gap; y: Theme.gap
                width: parent.width - Theme.gap * 2
                spacing: Theme.gap / 2
                KText { text: "暂时无法使用的设备"; font.bold: true; color: Theme.errorText; width: parent.width }
                Repeater {
                    model: Services.notices
                    delegate: KText {
                        required property string modelData
                        width: noticeList.width
                        text: "· " + modelData
                        color: Theme.errorText
                    }
                }
            }
        }

        Grid {                      // landscape: 设立登记 | the other services
            id: offersGrid
            width: parent.width
            columns: Theme.landscape ? 2 : 1
            spacing: Theme.gap * 1.5
            readonly property real mainWidth: Theme.landscape ? (width - spacing) * 0.64 : width
            readonly property real sideWidth: Theme.landscape ? width - spacing - mainWidth : width
            // 设立登记: the subject type is chosen here, first.
            Rectangle {
                objectName: "registerBlock"
                width: offersGrid.mainWidth
                height: reg.height + Theme.gap * 2
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.primary
                border.width: Theme.fieldBorder
                Column {
                    id: reg
                    x: Theme.gap; y: Theme.gap
                    width: parent.width - Theme.gap * 2
                    spacing: Theme.gap
                    KText { width: parent.width; text: screen.register.title ?? "设立登记"; font.pixelSize: Theme.headingSize; font.bold: true }
                    KText { width: parent.width; visible: !screen.brief; text: screen.register.description ?? ""; color: Theme.secondaryText }
                    KText {
                        objectName: "outOfOrder"
                        visible: text !== ""
                        width: parent.width
                        text: screen.register.available === false ? "暂不能办理：" + screen.register.reason : ""
                        color: Theme.errorText
                        font.bold: true
                    }
                    KText { width: parent.width; text: "请选择要办理的类型："; font.bold: true }
                    Grid {
                        width: parent.width
                        columns: 2
                        spacing: Theme.gap
                        Repeater {
                            model: Services.subjectTypes
                            delegate: KButton {
                                required property var modelData
                                objectName: "start_" + modelData.id
                                width: (reg.width - Theme.gap) / 2
                                implicitHeight: Math.max(Theme.targetHeight * 1.3, contentItem.implicitHeight + Theme.gap * 2)
                                primary: true
                                enabled: screen.register.available === true
                                text: modelData.label
                                Accessible.name: "设立登记：" + modelData.label
                                onClicked: { Session.dismissEnded(); Services.begin("register", modelData.id) }
                            }
                        }
                    }
                }
            }
            // The other services.
            Column {
                width: offersGrid.sideWidth
                spacing: Theme.gap
                Repeater {
                    model: ["status", "licence", "guide", "rating"]
                    delegate: KButton {
                        id: service
                        required property string modelData
                        readonly property var info: screen.offer(modelData)
                        objectName: "service_" + modelData
                        width: offersGrid.sideWidth
                        implicitHeight: Math.max(Theme.targetHeight * (screen.brief ? 1.15 : 1.4), contentItem.implicitHeight + Theme.gap * 2)
                        textAlign: Text.AlignLeft
                        leftPadding: Theme.gap * 1.5
                        enabled: service.info.available === true
                        readonly property string detail: service.info.available === false
                            ? "暂不可用：" + service.info.reason : (screen.brief ? "" : (service.info.description ?? ""))
                        text: (service.info.title ?? "") + (detail !== "" ? "\n" + detail : "")
                        Accessible.name: service.info.title ?? ""
                        onClicked: { Session.dismissEnded(); Services.begin(modelData, "") }
                    }
                }
            }
        }
        Facts {
            visible: !Theme.landscape
            width: parent.width
            columns: 1
        }
    }
}
