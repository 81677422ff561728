// The Qt Virtual Keyboard (pinyin for 简体中文), loaded only when the module is installed.
// Learned words go to this session's directory, which the wipe removes.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import Kiosk

InputPanel {
    id: panel
    objectName: "keyboard"
    readonly property string userDataPath: VirtualKeyboardSettings.userDataPath
    visible: active
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
