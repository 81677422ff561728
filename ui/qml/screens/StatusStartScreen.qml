// 办件进度查询: by the ID card (then the face: all of this person's applications, at any
// kiosk), by the application number typed, or by the receipt's QR code held to the camera.
pragma ComponentBehavior: Bound
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    hasContinue: false
    implicitHeight: col.height
    readonly property var words: ({
        "card": ["刷身份证查询", "查看您本人在全省提交的全部申请、原因和下一步（需刷脸核验）"],
        "number": ["输入申请编号", "输入回执上的申请编号，查看这份申请的办理进度"],
        "scan": ["扫描回执二维码", "把回执上的二维码对准摄像头，自动读取申请编号"]})
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        Repeater {
            model: Services.statusMethods
            delegate: KButton {
                required property var modelData
                objectName: "statusBy_" + modelData.method
                width: col.width
                implicitHeight: Math.max(Theme.targetHeight * 1.4, contentItem.implicitHeight + Theme.gap * 2)
                textAlign: Text.AlignLeft
                leftPadding: Theme.gap * 1.5
                enabled: modelData.available
                text: screen.words[modelData.method][0] + "\n"
                      + (modelData.available ? screen.words[modelData.method][1] : "暂不可用：" + modelData.reason)
                Accessible.name: screen.words[modelData.method][0]
                onClicked: Services.statusBy(modelData.method)
            }
        }
    }
}
