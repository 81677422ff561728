// The message next to its field: the problem the flow reported for this page, shown by the
// KError of the field it belongs to ("fields"); with no fields given, whatever the problem.
import QtQuick
import Kiosk
import ".."

KText {
    property var fields: []
    readonly property bool mine: Session.errors.length > 0
                                 && (fields.length === 0 || fields.indexOf(Session.errorField) >= 0)
    text: mine ? Session.errors[0] : ""
    visible: text !== ""
    color: Theme.errorText
    font.bold: true
}
