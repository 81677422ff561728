// One level of 好差评 as a large face with its words underneath: the mouth curves up for 5
// (非常满意) and down for 1 (非常不满意). Never colour alone: the words say the level.
import QtQuick
import ".."

Item {
    id: face
    required property int level
    required property string label
    property bool selected: false
    signal tapped()
    implicitWidth: Theme.targetHeight * 1.6
    implicitHeight: disc.height + words.height + Theme.gap
    Accessible.role: Accessible.Button
    Accessible.name: face.label

    Rectangle {
        id: disc
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(face.width, Theme.targetHeight * 1.4); height: width
        radius: width / 2
        color: face.selected ? Theme.primary : Theme.surface
        border.color: face.selected ? Theme.primary : Theme.border
        border.width: Theme.fieldBorder
        Canvas {
            anchors.fill: parent
            property bool lit: face.selected
            onLitChanged: requestPaint()
            onPaint: {
                let ctx = getContext("2d")
                let w = width, s = (face.level - 3) / 2      // -1 .. 1
                ctx.reset()
                ctx.strokeStyle = ctx.fillStyle = face.selected ? "#ffffff" : "#1b1b1b"
                ctx.lineWidth = w * 0.06
                ctx.lineCap = "round"
                for (let x of [0.35, 0.65]) {
                    ctx.beginPath(); ctx.arc(w * x, w * 0.38, w * 0.05, 0, 2 * Math.PI); ctx.fill()
                }
                ctx.beginPath()
                ctx.moveTo(w * 0.3, w * 0.65)
                ctx.quadraticCurveTo(w * 0.5, w * (0.65 + 0.2 * s), w * 0.7, w * 0.65)
                ctx.stroke()
            }
        }
    }
    KText {
        id: words
        anchors { top: disc.bottom; topMargin: Theme.gap / 2; horizontalCenter: parent.horizontalCenter }
        width: face.width
        horizontalAlignment: Text.AlignHCenter
        text: face.label
        font.bold: face.selected
        font.pixelSize: Theme.smallSize
    }
    TapHandler { onTapped: face.tapped() }
}
