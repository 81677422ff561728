// One choice from a list, as large radio buttons; "value" holds the chosen option's value.
pragma ComponentBehavior: Bound
import QtQuick
import ".."

Column {
    id: root
    property var options: []          // [{value, label, description?}]
    property var value: undefined
    spacing: Theme.gap
    width: parent ? parent.width : implicitWidth

    Repeater {
        model: root.options
        delegate: KButton {
            required property var modelData
            width: root.width
            implicitHeight: Math.max(Theme.targetHeight, contentItem.implicitHeight + Theme.gap * 2)
            textAlign: Text.AlignLeft
            leftPadding: Theme.gap * 1.5
            selected: root.value === modelData.value
            text: (selected ? "● " : "○ ") + modelData.label
                  + (modelData.description ? "\n" + modelData.description : "")
            onClicked: root.value = modelData.value
        }
    }
}
