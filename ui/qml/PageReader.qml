// What the page shows, for voice guidance: the one accessor every page is read through, so no
// screen needs code of its own. Main.qml gives the heading, the question, the errors it shows
// and its footer; read() adds, top to bottom, the screen's words (every visible Text) and its
// choices (every visible, enabled button's label), then the footer's buttons: the one that goes
// on ("forward") and the others. What the person typed is never read (TextInput and TextEdit
// are skipped). kiosk/voice/script.py decides what of it is said.
import QtQuick
import QtQuick.Templates as T
import Kiosk

QtObject {
    id: reader
    property Item screen: null
    property string heading: ""
    property string question: ""
    property var errors: []
    property Item footer: null
    property T.AbstractButton forward: null        // the footer's button that goes on

    function walk(item: Item, texts: var, choices: var) {
        if (!item.visible || item.opacity === 0)
            return
        const button = item as T.AbstractButton
        if (button !== null) {
            if (button.text !== "")
                (button.enabled ? choices : texts).push(button.text)
            return
        }
        if ((item as TextInput) !== null || (item as TextEdit) !== null)
            return
        const text = item as Text
        if (text !== null) {
            if (text.text !== "")
                texts.push(text.text)
            return
        }
        for (let i = 0; i < item.children.length; i++)
            reader.walk(item.children[i], texts, choices)
    }
    // An overlay that stands for the page for a while (the idle warning): its words alone.
    function readItem(item: Item): var {
        const texts = [], choices = []
        reader.walk(item, texts, choices)
        return {"kind": "", "heading": "", "question": "", "errors": [], "texts": texts,
                "choices": choices}
    }
    function read(): var {
        const texts = [], choices = [], footer = []
        if (reader.screen !== null)
            reader.walk(reader.screen, texts, choices)
        if (reader.footer !== null)
            reader.walk(reader.footer, [], footer)
        const forward = reader.forward !== null && footer.includes(reader.forward.text)
            ? reader.forward.text : ""
        return {"kind": Session.kind, "heading": reader.heading, "question": reader.question,
                "errors": reader.errors, "texts": texts, "choices": choices, "forward": forward,
                "actions": footer.filter(label => label !== forward)}
    }
}
