// Burn-in protection for LCD panels: while the start page stays idle for minutes, an offset of
// a few pixels that the window's static header and footer follow (Main.qml binds them to dx and
// dy), one small step a minute along a slow figure; back to zero as soon as the page changes.
// How far, after how long and how often are [screen]'s (kiosk.config.schema), which Main.qml
// passes on from Kiosk.App: required here, so no second set of defaults can drift from them.
import QtQuick

Item {
    id: burnIn
    objectName: "burnIn"
    visible: false

    property bool active: false
    required property int maxShift    // px: unnoticed by a person, enough to spread the wear
    required property int idleSteps   // the first move after this many idle steps
    required property int stepMs
    property int steps: 0             // steps the start page has been idle
    readonly property int phase: Math.max(0, steps - idleSteps)
    readonly property int dx: phase === 0 ? 0 : Math.round(maxShift * Math.sin(phase * 0.7))
    readonly property int dy: phase === 0 ? 0 : Math.round(maxShift * Math.sin(phase * 0.45))

    function advance() { burnIn.steps += 1 }
    onActiveChanged: burnIn.steps = 0

    Timer {
        interval: burnIn.stepMs
        running: burnIn.active
        repeat: true
        onTriggered: burnIn.advance()
    }
}
