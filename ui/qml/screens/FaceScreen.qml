// The face check: the live camera picture, mirrored as a mirror shows it, inside the oval guide,
// with what the check asks now (quality and liveness prompts); the camera's result moves the
// flow on. After a failed try the person can try again; when the camera is down or three tries
// failed, staff verify instead (the non-biometric fallback), through "呼叫工作人员".
// Portrait: the oval above the prompts; landscape: the oval beside them. The oval is sized to
// the page area that shows without scrolling (KScreen.fitHeight), so it never runs under the
// footer.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    hasContinue: false
    implicitHeight: Theme.landscape ? Math.max(oval.height, side.height) : oval.height + side.height + Theme.gap * 2
    Component.onDestruction: FacePreview.clear()     // the page went away: drop the picture

    Item {
        id: oval
        objectName: "faceOval"
        readonly property real room: screen.fitHeight > 0 ? screen.fitHeight : 900
        readonly property int ring: Theme.fieldBorder * 2
        // Portrait: 60 % of the width, leaving room for the prompts below; landscape: the
        // page's height, beside the prompts.
        width: Theme.landscape ? Math.min(screen.width * 0.45, room / 1.25)
                               : Math.max(Math.min(screen.width * 0.45, room / 1.25),
                                          Math.min(screen.width * 0.6, (room - Theme.targetHeight * 3) / 1.2))
        height: width * 1.2
        x: Theme.landscape ? 0 : (screen.width - width) / 2
        Rectangle {             // the guide's inside before the first picture
            anchors.fill: parent
            radius: width / 2
            color: Theme.surface
        }
        Image {
            objectName: "facePreview"
            anchors.fill: parent
            visible: FacePreview.source !== ""
            source: FacePreview.source
            fillMode: Image.PreserveAspectCrop
            cache: false
            asynchronous: false
        }
        Canvas {                // the oval guide: the page's colour outside it, a ring on it
            id: guide
            anchors.fill: parent
            property color outside: Theme.background
            property color ring: Theme.primary
            onOutsideChanged: requestPaint()
            onRingChanged: requestPaint()
            onWidthChanged: requestPaint()
            onHeightChanged: requestPaint()
            onPaint: {
                let ctx = getContext("2d"), r = oval.ring
                ctx.reset()
                ctx.fillStyle = guide.outside
                ctx.fillRule = Qt.OddEvenFill
                ctx.beginPath()
                ctx.rect(0, 0, width, height)
                ctx.ellipse(r / 2, r / 2, width - r, height - r)
                ctx.fill()
                ctx.strokeStyle = guide.ring
                ctx.lineWidth = r
                ctx.beginPath()
                ctx.ellipse(r / 2, r / 2, width - r, height - r)
                ctx.stroke()
            }
        }
        KText {
            anchors.centerIn: parent
            width: parent.width * 0.7
            visible: FacePreview.source === ""
            text: "请将面部放在框内"
            horizontalAlignment: Text.AlignHCenter
        }
    }
    Column {
        id: side
        x: Theme.landscape ? oval.width + Theme.gap * 2 : 0
        y: Theme.landscape ? 0 : oval.height + Theme.gap * 2
        width: Theme.landscape ? screen.width - x : screen.width
        spacing: Theme.gap * 1.5
        KError { width: parent.width }
        KText {
            objectName: "faceNotice"
            width: parent.width
            visible: Session.notice !== ""
            text: Session.notice
            font.pixelSize: Theme.headingSize
            font.bold: true
            horizontalAlignment: Theme.landscape ? Text.AlignLeft : Text.AlignHCenter
            color: Theme.primary
        }
        // Placed by x, not by an anchor switched off in landscape: a switched-off anchor
        // leaves the button where it was, outside the column after the panel turns.
        KButton {
            objectName: "retryFace"
            x: Theme.landscape ? 0 : (parent.width - width) / 2
            visible: Session.errors.length > 0 && !Session.staffNeeded
            primary: true
            text: "再试一次"
            onClicked: Session.retryFace()
        }
        // After the third failure (or with the camera down): staff verify instead.
        KButton {
            objectName: "faceCallStaff"
            x: Theme.landscape ? 0 : (parent.width - width) / 2
            visible: Session.staffNeeded && !Services.help.waiting
            primary: true
            text: "呼叫工作人员核验身份"
            onClicked: Services.callHelp()
        }
        KText {
            width: parent.width
            visible: Session.staffNeeded && Services.help.waiting
            text: "工作人员到达后，请工作人员按“工作人员操作”，输入密码后为您核验身份。"
            font.bold: true
        }
        KText { width: parent.width; text: "请保持光线充足，按提示缓慢转头或眨眼。如果无法刷脸，可以按“呼叫工作人员”，由工作人员核验您的身份。"; color: Theme.secondaryText }
    }
}
