// Voice guidance in the header: 重听 (read this page again; 停止 while it reads) when voice is
// on and there is room for it, and 语音 for the voice panel (on/off, 重听, volume). The panel is the way in when
// the header is full (portrait 长辈版). Both are narrower than other buttons (still above the
// minimum target) so the header keeps its room for 工作人员正在赶来 in 长辈版.
import QtQuick
import Kiosk
import "controls"

Row {
    id: controls
    signal repeatRequested()
    signal panelRequested()
    property bool roomForRepeat: true
    spacing: Theme.gap

    KButton {
        objectName: "voiceRepeat"
        visible: Voice.on && controls.roomForRepeat
        text: Voice.speaking ? "停止" : "重听"      // repeatable and interruptible (ux.md)
        implicitHeight: Theme.headerHeight - Theme.gap
        implicitWidth: Math.max(Theme.minTarget * 1.6, contentItem.implicitWidth + Theme.gap * 1.5)
        Accessible.name: Voice.speaking ? "停止朗读" : "重听本页"
        onClicked: Voice.speaking ? Voice.stop() : controls.repeatRequested()
    }
    KButton {
        objectName: "voiceButton"
        text: "语音"
        selected: Voice.on
        implicitHeight: Theme.headerHeight - Theme.gap
        implicitWidth: Math.max(Theme.minTarget * 1.6, contentItem.implicitWidth + Theme.gap * 1.5)
        Accessible.name: Voice.on ? "语音播报已开启：重听、音量、关闭" : "语音播报：打开、重听、音量"
        onClicked: controls.panelRequested()
    }
}
