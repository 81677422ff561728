// The kiosk window: a fixed header (返回首页, voice, elderly switch, call staff), the help banner, the
// error summary, the progress, the page heading, one screen per page kind (chosen by
// Session.screen), and a fixed footer (上一步 / 跳过 / continue). Overlays: the idle warning,
// the 返回首页 confirmation, the staff panel, the voice panel and the technicians' diagnostics
// mode (five taps on the header's corner of the start page; diagnostics/). The flow decides
// what shows. Voice guidance reads each page as PageReader sees it (Kiosk.Voice).
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "controls"

Window {
    id: root
    // Exposed for tests and tools: the theme in force.
    readonly property QtObject theme: Theme
    readonly property KScreen currentScreen: loader.item as KScreen
    readonly property bool onAttract: Session.screen === "AttractScreen"
    // Landscape (wider than tall): the page on the left, progress and help on the right (SidePanel).
    readonly property bool landscape: width > height
    readonly property bool sideShown: landscape && !onAttract
    property bool confirmingHome: false
    property bool staffOpen: false
    property bool voiceOpen: false

    width: 1080
    height: 1920
    visible: true
    color: Theme.background
    title: "自助申报一体机"

    // A fresh screen for every page, even when two pages share a screen file; it starts from
    // what the person typed last on that page (or what the card / earlier pages offer).
    function showPage() {
        body.contentY = 0                   // every page starts at its top
        loader.setSource(Qt.resolvedUrl("screens/" + Session.screen + ".qml"),
                         {"initial": Session.rawValue, "step": Session.step})
        Qt.callLater(root.pageShown)
    }
    // The page as if the person had filled it in with "value" (the same shape the screen's
    // submit() sends): for scripted visits and tests, which then press the real buttons.
    function fillPage(value: var) {
        loader.setSource(Qt.resolvedUrl("screens/" + Session.screen + ".qml"),
                         {"initial": value, "step": Session.step})
    }
    Component.onCompleted: showPage()
    Binding { target: Theme; property: "landscape"; value: root.landscape }
    // Voice guidance hears each new page once it is drawn (it reads it when voice is on).
    function pageShown() { Voice.show(reader.read()) }
    PageReader {
        id: reader
        screen: root.currentScreen
        heading: Session.title
        question: Session.hint
        errors: Session.errors
        footer: footer
        forward: continueButton
    }
    Connections {
        target: Session
        function onStepChanged() { Qt.callLater(root.showPage) }
        function onScreenChanged() { Qt.callLater(root.showPage) }
        function onErrorsChanged() { if (Session.errors.length > 0) Voice.showErrors(Session.errors) }
        function onPhaseChanged() {
            if (Session.phase === "warning")     // time is running out: say so, aloud too
                Qt.callLater(() => { if (idleWarning.item !== null)   // not closed since
                                         Voice.show(reader.readItem(idleWarning.item as Item)) })
            if (Session.phase === "idle") {
                root.confirmingHome = false; root.staffOpen = false; root.voiceOpen = false
            }
        }
    }
    Connections {
        target: Diagnostics
        function onClosed() { Session.dismissEnded(); Qt.callLater(root.showPage) }
    }

    // Any touch anywhere means the person is here (resets the idle timer).
    PointHandler {
        target: null
        onActiveChanged: if (active) Session.touch()
    }

    BurnIn {                        // sized by [screen] (Kiosk.App); 0 px turns it off
        id: burnIn
        active: root.onAttract && Diagnostics.state === "closed" && App.burnInShift > 0
        maxShift: App.burnInShift
        idleSteps: App.burnInIdleSteps
        stepMs: App.burnInStepMs
    }

    Rectangle {
        id: header
        objectName: "header"
        anchors { left: parent.left; right: parent.right; top: parent.top }
        transform: Translate { x: burnIn.dx; y: burnIn.dy }       // burn-in drift (BurnIn.qml)
        height: Theme.headerHeight
        color: Theme.headerBackground

        KButton {
            objectName: "homeButton"
            anchors { left: parent.left; leftMargin: Theme.margin / 2; verticalCenter: parent.verticalCenter }
            visible: !root.onAttract
            text: "返回首页"
            implicitHeight: Theme.headerHeight - Theme.gap
            Accessible.name: "返回首页（会删除本次填写的信息）"
            onClicked: root.confirmingHome = true
        }
        KText {
            anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
            visible: root.onAttract
            text: "政务服务自助办理"
            color: Theme.textOnHeader
            font.pixelSize: Theme.bodySize
            font.bold: true
            wrapMode: Text.NoWrap
            lineHeight: 1.0
        }
        Row {
            anchors { right: parent.right; rightMargin: Theme.margin / 2; verticalCenter: parent.verticalCenter }
            spacing: Theme.gap
            VoiceControls {
                // 重听 has room beside the other buttons unless the window is narrow for its text
                roomForRepeat: root.width >= Theme.targetHeight * 10
                onRepeatRequested: Voice.speak(reader.read())
                onPanelRequested: root.voiceOpen = true
            }
            KButton {
                objectName: "elderlySwitch"
                text: Session.elderly ? "标准版" : "长辈版"
                implicitHeight: Theme.headerHeight - Theme.gap
                selected: Session.elderly
                Accessible.name: Session.elderly ? "切换到标准版" : "切换到长辈版（大字模式）"
                onClicked: Session.setElderly(!Session.elderly)
            }
            KButton {
                objectName: "helpButton"
                text: Services.help.waiting ? "工作人员正在赶来" : "呼叫工作人员"
                implicitHeight: Theme.headerHeight - Theme.gap
                fill: Theme.help
                ink: Theme.textOnHelp
                Accessible.name: Services.help.waiting ? "已呼叫工作人员，查看或取消" : "呼叫工作人员"
                onClicked: if (!Services.help.waiting) Services.callHelp()
            }
        }
        Item {      // the hidden gesture: the corner counts taps; kiosk/diagnostics/mode.py decides
            objectName: "diagnosticsCorner"
            visible: root.onAttract      // never over 返回首页: the mode opens between visits only
            anchors { left: parent.left; top: parent.top }
            width: Theme.headerHeight; height: Theme.headerHeight
            TapHandler { onTapped: Diagnostics.cornerTapped() }
        }
    }

    Flickable {
        id: body
        objectName: "pageBody"
        anchors {
            left: parent.left; right: parent.right; top: header.bottom; bottom: footer.top
            leftMargin: Theme.margin
            rightMargin: root.sideShown ? side.width + Theme.margin * 2 : Theme.margin
        }
        contentHeight: content.height + Theme.margin * 2
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: content
            y: Theme.margin
            width: body.width
            spacing: Theme.gap

            HelpBanner {
                width: parent.width
                shown: !root.sideShown
                onStaffRequested: root.staffOpen = true
            }

            ErrorSummary {
                width: parent.width
                shown: !root.onAttract && !root.sideShown
                onFieldRequested: if (root.currentScreen) root.currentScreen.focusField()
            }

            KText {
                objectName: "progressText"
                visible: !root.onAttract && !root.sideShown && text !== ""
                width: parent.width
                text: Session.progressText
                color: Theme.secondaryText
                font.bold: true
            }
            KText {
                objectName: "pageTitle"
                visible: !root.onAttract && text !== ""
                width: parent.width
                text: Session.title
                font.pixelSize: Theme.headingSize
                font.bold: true
                Accessible.role: Accessible.Heading
            }
            KText {
                objectName: "pageHint"
                visible: !root.onAttract && text !== ""
                width: parent.width
                text: Session.hint
                color: Theme.secondaryText
            }

            Loader {
                id: loader
                objectName: "screenLoader"
                width: parent.width
                height: root.currentScreen ? Math.max(root.currentScreen.implicitHeight, body.height - y - Theme.margin) : 0
            }
            Binding {
                when: root.currentScreen !== null
                target: root.currentScreen
                property: "fitHeight"
                value: body.height - loader.y - Theme.margin
            }
        }
    }

    SidePanel {
        id: side
        anchors {
            right: parent.right; top: header.bottom; bottom: footer.top
            rightMargin: Theme.margin; topMargin: Theme.margin; bottomMargin: Theme.margin
        }
        width: Math.round(root.width * 0.28)
        visible: root.sideShown
        aside: root.currentScreen ? root.currentScreen.aside : null
        onStaffRequested: root.staffOpen = true
        onFieldRequested: if (root.currentScreen) root.currentScreen.focusField()
    }

    Rectangle {
        id: footer
        objectName: "footer"
        anchors { left: parent.left; right: parent.right; bottom: keyboardSlot.top }
        transform: Translate { x: burnIn.dx; y: burnIn.dy }
        height: visible ? Theme.targetHeight + Theme.margin * (root.landscape ? 0.75 : 1.5) : 0   // landscape: height is short
        visible: root.currentScreen !== null && root.currentScreen.hasFooter
                 && (root.currentScreen.hasContinue || Session.canGoBack || Session.optional)
        color: Theme.surface
        Row {
            anchors { left: parent.left; leftMargin: Theme.margin; verticalCenter: parent.verticalCenter }
            spacing: Theme.gap
            KButton {
                objectName: "backButton"
                text: "上一步"
                visible: Session.canGoBack
                onClicked: Session.back()
            }
            KButton {
                objectName: "skipButton"
                text: "跳过，不填写"
                visible: Session.optional
                onClicked: Session.skip()
            }
        }
        KButton {
            id: continueButton
            objectName: "continueButton"
            anchors { right: parent.right; rightMargin: Theme.margin; verticalCenter: parent.verticalCenter }
            primary: true
            visible: root.currentScreen !== null && root.currentScreen.hasContinue
            text: Session.continueLabel
            onClicked: { body.contentY = 0; root.currentScreen.submit() }
        }
    }

    // The on-screen keyboard when the Qt Virtual Keyboard is installed (App.keyboard), made just
    // after the start page is on screen (App.shown), long before a person can reach a text
    // field: the start page does not wait for its QML.
    Item {
        id: keyboardSlot
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        readonly property Item panel: keyboardLoader.item as Item
        height: panel && panel.visible ? panel.height : 0
        Loader {
            id: keyboardLoader
            width: parent.width
            anchors.bottom: parent.bottom
            active: App.keyboard && App.shown
            source: "KeyboardPanel.qml"
        }
    }

    // The overlays are made when they open and gone when they close: none shows on the start
    // page, a hidden one would still follow everything it binds to, and each opens fresh.
    Loader {
        id: idleWarning
        anchors.fill: parent
        active: Session.phase === "warning"
        sourceComponent: IdleWarning {}
    }
    Loader {
        anchors.fill: parent
        active: root.confirmingHome && !root.onAttract
        sourceComponent: HomeConfirm {
            onConfirmed: { root.confirmingHome = false; Services.goHome() }
            onDeclined: root.confirmingHome = false
        }
    }
    Loader {
        anchors.fill: parent
        active: root.staffOpen || Services.staff.unlocked
        sourceComponent: StaffPanel {
            onClosed: { root.staffOpen = false; Services.staffClose() }
        }
    }
    Loader {
        anchors.fill: parent
        active: root.voiceOpen
        sourceComponent: VoicePanel {
            onRepeatRequested: { root.voiceOpen = false; Voice.speak(reader.read()) }
            onClosed: root.voiceOpen = false
        }
    }

    Loader {
        objectName: "diagnosticsLoader"
        anchors.fill: parent
        active: Diagnostics.state !== "closed"
        source: "diagnostics/DiagnosticsOverlay.qml"
    }
}
