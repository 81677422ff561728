// The message next to the field: the first problem the flow reported for this page.
import QtQuick
import Kiosk
import ".."

KText {
    text: Session.errors.length > 0 ? Session.errors[0] : ""
    visible: text !== ""
    color: Theme.errorText
    font.bold: true
}
