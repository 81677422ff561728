// The signature pad: the finger's strokes go to the bridge, which draws the PNG. The continue
// button (确认提交申请) submits.
import QtQuick
import Kiosk
import "../controls"
import ".."

KScreen {
    id: screen
    property var strokes: []
    property var live: []      // the stroke under the finger now
    implicitHeight: col.height
    function submit() { Session.signStrokes(screen.strokes, pad.width, pad.height) }
    Column {
        id: col
        width: parent.width
        spacing: Theme.gap
        KError { width: parent.width }
        Rectangle {
            id: pad
            objectName: "signaturePad"
            width: parent.width
            // Wide windows (landscape) keep the pad, and 重新签名 under it, above the footer.
            height: Math.max(Theme.targetHeight * 2,
                             Math.min(width * 0.5, Theme.targetHeight * 4,
                                      screen.fitHeight > 0 ? screen.fitHeight - Theme.targetHeight - Theme.gap * 2 : width))
            color: Theme.background
            border.color: Theme.border
            border.width: Theme.fieldBorder
            radius: Theme.radius
            KText { anchors.centerIn: parent; visible: screen.strokes.length === 0; text: "请在此处签名"; color: Theme.secondaryText; wrapMode: Text.NoWrap }
            Canvas {
                id: canvas
                anchors.fill: parent
                onPaint: {
                    let ctx = getContext("2d")
                    ctx.reset()
                    ctx.lineWidth = 6
                    ctx.lineCap = "round"
                    ctx.strokeStyle = "black"
                    let all = screen.strokes.concat([screen.live])
                    for (let s = 0; s < all.length; s++) {
                        let st = all[s]
                        ctx.beginPath()
                        for (let i = 0; i < st.length; i++) {
                            if (i === 0) ctx.moveTo(st[i].x, st[i].y); else ctx.lineTo(st[i].x, st[i].y)
                        }
                        ctx.stroke()
                    }
                }
            }
            // One finger only; each press starts a new stroke.
            MouseArea {
                anchors.fill: parent
                onPressed: mouse => { screen.live = [{"x": mouse.x, "y": mouse.y}] }
                onPositionChanged: mouse => { screen.live = screen.live.concat([{"x": mouse.x, "y": mouse.y}]); canvas.requestPaint() }
                onReleased: { screen.strokes = screen.strokes.concat([screen.live]); screen.live = []; canvas.requestPaint() }
            }
        }
        KButton { objectName: "clearSignature"; text: "重新签名"; onClicked: { screen.strokes = []; canvas.requestPaint() } }
    }
}
