"""Which QML screen shows which kind of page: the UI's only knowledge of the flow's pages.

Like Electrum's ``{'gui': 'WC...'}`` merge: ``kiosk.domain.questions`` decides the pages and
their order; this table only names the file under ``ui/qml/screens/`` that draws each ``Kind``.
"""
from __future__ import annotations

from kiosk.domain.questions import Kind

ATTRACT = "AttractScreen"

SCREENS: dict[Kind, str] = {
    Kind.ID_CARD: "IdCardScreen",
    Kind.FACE: "FaceScreen",
    Kind.CHOICE: "ChoiceScreen",
    Kind.YES_NO: "YesNoScreen",
    Kind.TEXT: "TextScreen",
    Kind.NAME: "NameScreen",
    Kind.PARENT: "ParentScreen",
    Kind.BRANCH_NAME: "BranchNameScreen",
    Kind.SCOPE: "ScopeScreen",
    Kind.ADDRESS: "AddressScreen",
    Kind.AMOUNT: "AmountScreen",
    Kind.NUMBER: "NumberScreen",
    Kind.PEOPLE: "PeopleScreen",
    Kind.PERSON: "PersonScreen",
    Kind.MULTI_CHOICE: "MultiChoiceScreen",
    Kind.INVOICE: "InvoiceScreen",
    Kind.SOCIAL: "SocialScreen",
    Kind.BANK: "BankScreen",
    Kind.COMMITMENT: "CommitmentScreen",
    Kind.SIGNATURE: "SignatureScreen",
    Kind.REVIEW: "ReviewScreen",
    Kind.DONE: "DoneScreen",
    Kind.IDENTITY: "IdentityScreen",
    Kind.STATUS_START: "StatusStartScreen",
    Kind.APPLICATION_NUMBER: "ApplicationNumberScreen",
    Kind.SCAN: "ScanScreen",
    Kind.APPLICATIONS: "ApplicationsScreen",
    Kind.LICENCES: "LicencesScreen",
    Kind.LICENCE_PRINT: "LicencePrintScreen",
    Kind.GUIDE: "GuideScreen",
    Kind.RATING: "RatingScreen",
}


def screen_for(kind: Kind | None) -> str:
    """The screen's file stem for a page kind; the attract screen when there is no page."""
    return SCREENS[kind] if kind is not None else ATTRACT
