// The voice panel: switch 语音播报 on or off, 重听 this page (or stop the reading), and the
// volume in steps (taps only, no slider to drag). Says so plainly when this kiosk has no voice.
import QtQuick
import Kiosk
import "controls"

Rectangle {
    id: overlay
    objectName: "voicePanel"
    signal repeatRequested()
    signal closed()
    color: Theme.scrim

    MouseArea { anchors.fill: parent; onClicked: overlay.closed() }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.margin * 2, Theme.targetHeight * 9)
        height: box.height + Theme.margin * 2
        radius: Theme.radius
        color: Theme.background
        MouseArea { anchors.fill: parent }      // taps on the panel do not close it
        Column {
            id: box
            x: Theme.margin; y: Theme.margin
            width: parent.width - Theme.margin * 2
            spacing: Theme.gap * 1.5
            KText {
                width: parent.width
                text: "语音播报"
                font.pixelSize: Theme.headingSize
                font.bold: true
                Accessible.role: Accessible.Heading
            }
            KText {
                objectName: "voiceProblem"
                visible: text !== ""
                width: parent.width
                text: Voice.problem !== "" ? Voice.problem
                      : (Voice.available ? "" : "本机未开启语音播报")
                color: Theme.errorText
                font.bold: true
            }
            KText {
                visible: Voice.available
                width: parent.width
                text: Voice.on ? "语音播报已开启：每一页的标题、问题、选项和提示都会读出来。"
                               : "打开后，每一页的标题、问题、选项和提示都会读出来。"
                color: Theme.secondaryText
            }
            KButton {
                objectName: "voiceToggle"
                visible: Voice.available
                width: parent.width
                primary: !Voice.on
                text: Voice.on ? "关闭语音播报" : "打开语音播报"
                onClicked: Voice.setOn(!Voice.on)
            }
            KButton {
                objectName: "voicePanelRepeat"
                visible: Voice.available
                width: parent.width
                text: Voice.speaking ? "停止朗读" : "重听本页"
                onClicked: Voice.speaking ? Voice.stop() : overlay.repeatRequested()
            }
            Row {
                visible: Voice.available
                width: parent.width
                spacing: Theme.gap
                KButton {
                    objectName: "voiceSofter"
                    width: (parent.width - Theme.gap * 2) / 3
                    text: "小声一点"
                    enabled: Voice.volume > 10
                    onClicked: Voice.softer()
                }
                KText {
                    objectName: "voiceVolume"
                    width: (parent.width - Theme.gap * 2) / 3
                    anchors.verticalCenter: parent.verticalCenter
                    horizontalAlignment: Text.AlignHCenter
                    text: "音量 " + Voice.volume + "%"
                    font.bold: true
                }
                KButton {
                    objectName: "voiceLouder"
                    width: (parent.width - Theme.gap * 2) / 3
                    text: "大声一点"
                    enabled: Voice.volume < 100
                    onClicked: Voice.louder()
                }
            }
            KButton {
                objectName: "voicePanelClose"
                width: parent.width
                text: "关闭"
                onClicked: overlay.closed()
            }
        }
    }
}
