// The Qt Virtual Keyboard (pinyin for 简体中文), loaded only when the module is installed.
// Learned words go to this session's directory, which the wipe removes.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import Kiosk

InputPanel {
    id: panel
    visible: active
    Component.onCompleted: {
        VirtualKeyboardSettings.locale = "zh_CN"
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
    }
    Binding {
        target: VirtualKeyboardSettings
        property: "userDataPath"
        value: Session.keyboardDir
        when: Session.keyboardDir !== ""
    }
}
