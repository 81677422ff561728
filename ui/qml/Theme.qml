// Every size and colour the screens use. Elderly mode (长辈版) is a switch of this theme:
// larger text and targets, stronger contrast (ux.md "Size, text, contrast").
pragma Singleton
import QtQuick
import Kiosk

QtObject {
    readonly property bool elderly: Session.elderly
    // Set by Main.qml from the window's shape: wider than tall lays pages out side by side.
    property bool landscape: false

    readonly property string fontFamily: "Noto Sans CJK SC"
    // Text: headings >= 30, body >= 18 normally; elderly larger still.
    readonly property int headingSize: elderly ? 56 : 42
    readonly property int bodySize: elderly ? 38 : 28
    readonly property int smallSize: elderly ? 32 : 24
    readonly property int buttonTextSize: elderly ? 40 : 30
    readonly property real lineHeight: 1.35
    // Touch targets: >= 44 px normally (we use 20 mm ~ 88 px), >= 60 px elderly.
    readonly property int targetHeight: elderly ? 120 : 96
    readonly property int minTarget: elderly ? 60 : 44
    readonly property int gap: elderly ? 24 : 18          // >= 3 mm between targets
    readonly property int margin: elderly ? 40 : 48
    readonly property int radius: 12
    readonly property int fieldBorder: 3
    readonly property int headerHeight: elderly ? 130 : 112

    // Colours: every text/background pair >= 4.5:1, >= 7:1 in elderly mode (tests check).
    readonly property color background: "#ffffff"
    readonly property color surface: elderly ? "#ffffff" : "#f3f5f8"
    readonly property color text: elderly ? "#000000" : "#1b1b1b"
    readonly property color secondaryText: elderly ? "#1b1b1b" : "#4b4f55"
    readonly property color primary: elderly ? "#063d75" : "#0b5cad"
    readonly property color textOnPrimary: "#ffffff"
    readonly property color secondary: elderly ? "#ffffff" : "#e8edf3"
    readonly property color textOnSecondary: elderly ? "#000000" : "#0b3a6b"
    readonly property color border: elderly ? "#000000" : "#5a6470"
    readonly property color errorText: elderly ? "#8a1c14" : "#b3261e"
    readonly property color errorBackground: "#fdeceb"
    readonly property color selected: elderly ? "#063d75" : "#0b5cad"
    readonly property color headerBackground: elderly ? "#000000" : "#0b3a6b"
    readonly property color textOnHeader: "#ffffff"
    readonly property color help: elderly ? "#7a3d00" : "#9a4a00"
    readonly property color textOnHelp: "#ffffff"
    readonly property color success: elderly ? "#0b4d1f" : "#176b2c"
    readonly property color focus: "#ffbf47"
    readonly property color scrim: "#cc000000"
}
