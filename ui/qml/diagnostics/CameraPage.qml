// 摄像头: the live picture with the faces found boxed (green: good enough to keep), the
// frames per second, and what the capture-quality checks say about this frame.
import QtQuick
import Kiosk
import "../controls"
import ".."

Column {
    id: root
    objectName: "cameraPage"
    spacing: Theme.gap
    readonly property var info: Diagnostics.previewInfo

    CheckCard { width: root.width; check: Diagnostics.report.byName ? Diagnostics.report.byName.camera : ({}) }
    Rectangle {
        width: root.width
        height: width * 0.75
        color: "#202020"
        radius: Theme.radius
        Image {
            objectName: "cameraPreview"
            anchors.fill: parent
            anchors.margins: Theme.gap / 2
            fillMode: Image.PreserveAspectFit
            source: Diagnostics.preview
            cache: false
            asynchronous: false
        }
        KText {
            anchors.centerIn: parent
            visible: Diagnostics.preview === ""
            text: root.info.status !== undefined && root.info.status !== "" ? root.info.status : "正在打开摄像头……"
            color: "#ffffff"
        }
    }
    KText {
        objectName: "cameraFacts"
        width: root.width
        visible: root.info.fps !== undefined
        text: "每秒 " + root.info.fps + " 帧 · 检测到 " + root.info.faces + " 张人脸"
              + (root.info.measures && root.info.measures.brightness !== undefined
                 ? " · 亮度 " + root.info.measures.brightness + " · 清晰度 " + root.info.measures.sharpness : "")
    }
    KText {
        width: root.width
        visible: root.info.fps !== undefined
        text: root.info.ok ? "质量检查：通过，这一帧可以作为人像照片"
                           : "质量检查：" + (root.info.prompts || []).join("；")
        color: root.info.ok ? Theme.success : Theme.errorText
        font.bold: true
    }
}
