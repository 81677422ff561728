// The Qt Virtual Keyboard (pinyin for 简体中文), loaded only when the module is installed.
// Learned words go to this session's directory, which the wipe removes. 长辈版 enlarges the
// keys, their labels and the candidate strip together (ux.md: the keyboard grows with it).
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import QtQuick.VirtualKeyboard.Styles
import Kiosk

InputPanel {
    id: panel
    objectName: "keyboard"
    readonly property string userDataPath: VirtualKeyboardSettings.userDataPath
    // The style lays the keyboard out at its design size scaled to the width, and sizes every
    // key, label and the candidate strip by scaleHint (height / design height): a narrower
    // design width makes all of it larger at once. At most half the window's height, so in
    // landscape (already large) the page keeps its room.
    readonly property real elderlyScale: 1.3
    readonly property KeyboardStyle style: panel.keyboard.style as KeyboardStyle
    property real designWidth: 0            // the style's own, read once when it loads
    property real designHeight: 0
    readonly property real standardHeight: designWidth > 0 ? designHeight * width / designWidth : 0
    readonly property real growth: standardHeight > 0
        ? Math.max(1, Math.min(elderlyScale, Window.height * 0.5 / standardHeight)) : 1
    visible: active
    onStyleChanged: {
        // Read before the Binding below applies (it waits for designWidth), so these are the
        // style's own values even when the kiosk starts in 长辈版.
        panel.designWidth = 0
        if (panel.style !== null) {
            panel.designWidth = panel.style.keyboardDesignWidth
            panel.designHeight = panel.style.keyboardDesignHeight
        }
    }
    Binding {
        target: panel.style
        property: "keyboardDesignWidth"
        value: panel.designWidth / panel.growth
        when: Session.elderly && panel.style !== null && panel.designWidth > 0
    }
    function useSessionDirectory() {
        if (Session.keyboardDir !== "")
            VirtualKeyboardSettings.userDataPath = Session.keyboardDir
    }
    Component.onCompleted: {
        useSessionDirectory()       // before the pinyin engine starts and opens its dictionary
        VirtualKeyboardSettings.locale = "zh_CN"
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
    }
    Connections {
        target: Session
        function onKeyboardDirChanged() { panel.useSessionDirectory() }
    }
}
