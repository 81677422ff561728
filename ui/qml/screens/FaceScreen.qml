// The face check: instructions; the camera's result moves the flow on. After a failed try the
// person can try again; when the camera is down or three tries failed, staff verify instead
// (the non-biometric fallback), through "呼叫工作人员".
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    hasContinue: false
    implicitHeight: col.height
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap * 2
        KError { width: parent.width }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width * 0.6; height: width * 1.2
            radius: width / 2
            color: Theme.surface
            border.color: Theme.primary
            border.width: Theme.fieldBorder * 2
            KText { anchors.centerIn: parent; text: "请将面部放在框内"; wrapMode: Text.NoWrap }
        }
        KText {
            objectName: "faceNotice"
            width: parent.width
            visible: Session.notice !== ""
            text: Session.notice
            font.pixelSize: Theme.headingSize
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            color: Theme.primary
        }
        KButton {
            objectName: "retryFace"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: Session.errors.length > 0 && !Session.staffNeeded
            primary: true
            text: "再试一次"
            onClicked: Session.retryFace()
        }
        // After the third failure (or with the camera down): staff verify instead.
        KButton {
            objectName: "faceCallStaff"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: Session.staffNeeded && !Services.help.waiting
            primary: true
            text: "呼叫工作人员核验身份"
            onClicked: Services.callHelp()
        }
        KText {
            width: parent.width
            visible: Session.staffNeeded && Services.help.waiting
            text: "工作人员到达后，请工作人员按上方的“工作人员操作”，输入密码后为您核验身份。"
            font.bold: true
        }
        KText { width: parent.width; text: "请保持光线充足，按提示缓慢转头或眨眼。如果无法刷脸，可以按“呼叫工作人员”，由工作人员核验您的身份。"; color: Theme.secondaryText }
    }
}
