"""``ServicesBridge``: the home screen's services, 帮办, the staff panel and the citizen
services' pages, as the QML singleton ``Kiosk.Services``.

It translates, both ways, like ``SessionBridge`` (whose events it follows through the same
``EventRelay``): what the session holds becomes camelCase properties worded by
``kiosk.services.words`` and the domain (guide, rating levels, masked identity), and what the
person or a member of staff does becomes a session verb. It decides nothing and talks to no
device, queue or platform; a staff PIN passes straight to the session, and is not kept.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from kiosk.domain import names, subject_types
from kiosk.domain.guide import guide_for
from kiosk.domain.identifiers import mask_id_number
from kiosk.flow import rating
from kiosk.flow.offers import notices, status_methods
from kiosk.flow.services import Service
from kiosk.flow.session import Phase, Session, mask_name
from kiosk.services.words import RATING_WORDS, print_words, status_words
from ui.bridges.cached import CachedBridge, plain, props_of
from ui.bridges.session_bridge import EventRelay
from ui.qt import QObject, Qt, QTimer, Signal, Slot

OFFERS_EVERY_MS = 2000    # how soon the home screen shows a service open again

_PROPS: list[str] = []
_LAZY: set[str] = set()
_prop = props_of(_PROPS, _LAZY)
_CARD_TYPES = {"resident": "居民身份证", "hmt_permit": "港澳台居民居住证",
               "foreign_permanent_2017": "外国人永久居留身份证",
               "foreign_permanent_2023": "外国人永久居留身份证"}


def _camel(d: dict[str, Any]) -> dict[str, Any]:
    """QML's names for a worded record's fields: application_id -> applicationId."""
    return {k.split("_")[0] + "".join(w.title() for w in k.split("_")[1:]): v for k, v in d.items()}


class ServicesBridge(CachedBridge):
    """Args: ``session``; ``relay``, the listener the session was built with (its events make
    this bridge re-read the session)."""

    _PROPS = _PROPS
    _LAZY = _LAZY
    offersChanged = Signal()
    subjectTypesChanged = Signal()
    noticesChanged = Signal()
    helpChanged = Signal()
    staffChanged = Signal()
    identityChanged = Signal()
    lookupChanged = Signal()
    jobChanged = Signal()
    guideChanged = Signal()
    ratingChanged = Signal()
    nameRegionsChanged = Signal()
    hallRegionChanged = Signal()
    tradeNameHintChanged = Signal()
    statusMethodsChanged = Signal()

    def __init__(self, session: Session, relay: EventRelay | None = None, *,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        if relay is not None:
            relay.happened.connect(lambda _: self.refresh(),
                                   Qt.ConnectionType.QueuedConnection
                                   if relay.thread() is not self.thread() else
                                   Qt.ConnectionType.AutoConnection)
        # What the home screen offers also turns on what is not the session's (the nightly
        # maintenance, a technician at work, room in the queue), which sends it no event: read
        # again while no visit is going on, so the page never keeps saying a service is closed
        # after it has opened again.
        self._between_visits = QTimer(self)
        self._between_visits.timeout.connect(
            lambda: self.refresh() if self._session.phase is Phase.IDLE else None)
        self._between_visits.start(OFFERS_EVERY_MS)
        self.refresh()

    # ----- the home screen ----------------------------------------------------------------
    def _read_offers(self) -> list[dict[str, Any]]:
        s = self._session
        if s.phase is not Phase.IDLE:
            return []
        return [{"service": o.service.value, "title": o.service.label,
                 "description": o.service.description, "available": o.available,
                 "reason": o.reason} for o in s.offers]
    offers = _prop("offers", "QVariantList", offersChanged)

    def _read_subjectTypes(self) -> list[dict[str, str]]:
        return [{"id": t.id, "label": t.label, "description": t.description}
                for t in subject_types.ALL]
    subjectTypes = _prop("subjectTypes", "QVariantList", subjectTypesChanged)

    def _read_notices(self) -> list[str]:
        return list(notices(self._session.devices))
    notices = _prop("notices", "QVariantList", noticesChanged)

    def _read_statusMethods(self) -> list[dict[str, Any]]:
        return [{"method": m.method, "available": m.available, "reason": m.reason}
                for m in status_methods(self._session.devices)]
    statusMethods = _prop("statusMethods", "QVariantList", statusMethodsChanged)

    # ----- 帮办 and the staff panel ---------------------------------------------------------
    def _read_help(self) -> dict[str, Any]:
        h = self._session.help
        return {"status": h.status.value, "text": h.text, "waiting": h.status.waiting,
                "staff": h.staff}
    help = _prop("help", "QVariantMap", helpChanged)

    def _read_staff(self) -> dict[str, Any]:
        s = self._session
        return {"checking": s.staff.checking, "unlocked": s.staff.unlocked,
                "message": s.staff.message, "canVerify": s.step == "face",
                "inVisit": s.in_visit}
    staff = _prop("staff", "QVariantMap", staffChanged)

    # ----- identity, status, licence, guide, rating -----------------------------------------
    def _read_identity(self) -> dict[str, str]:
        a = self._session.applicant
        if a is None:
            return {}
        return {"name": mask_name(a.name), "number": mask_id_number(a.id_number),
                "cardType": _CARD_TYPES.get(a.card_type, "身份证件")}
    identity = _prop("identity", "QVariantMap", identityChanged)

    def _read_lookup(self) -> dict[str, Any]:
        lk = self._session.lookup
        return {"state": lk.state.value, "by": lk.by, "number": lk.number,
                "items": [_camel(plain(dataclasses.asdict(status_words(i)))) for i in lk.items]}
    lookup = _prop("lookup", "QVariantMap", lookupChanged)

    def _read_job(self) -> dict[str, Any]:
        job = self._session.job
        heading, text = print_words(job)
        if job is None:
            return {}
        return {"what": job.what, "state": job.state.value, "heading": heading, "text": text,
                "number": job.number, "applicationId": job.application_id}
    job = _prop("job", "QVariantMap", jobChanged)

    def _read_guide(self) -> dict[str, Any]:
        g = guide_for(subject_types.get(self._session.guide_type))
        return {"subjectType": g.subject_type, "title": g.title, "summary": g.summary,
                "sections": [{"title": sec.title, "lead": sec.lead, "items": list(sec.items)}
                             for sec in g.sections]}
    guide = _prop("guide", "QVariantMap", guideChanged, lazy=True)

    def _read_rating(self) -> dict[str, Any]:
        s = self._session
        given = s.rating
        return {"given": given is not None, "level": given["level"] if given else 0,
                "delivery": s.rating_delivery, "text": RATING_WORDS.get(s.rating_delivery, ""),
                "levels": [{"value": lv.value, "label": lv.label, "negative": lv.negative}
                           for lv in rating.LEVELS],
                "reasons": list(rating.REASONS), "maxComment": rating.MAX_COMMENT}
    rating = _prop("rating", "QVariantMap", ratingChanged)

    # ----- what the name and address pages start from --------------------------------------
    def _read_nameRegions(self) -> list[str]:
        return list(names.region_choices(self._session.hall_region))
    nameRegions = _prop("nameRegions", "QVariantList", nameRegionsChanged, lazy=True)

    def _read_hallRegion(self) -> str:
        return self._session.hall_region
    hallRegion = _prop("hallRegion", str, hallRegionChanged)

    def _read_tradeNameHint(self) -> str:
        return names.trade_name_hint()
    tradeNameHint = _prop("tradeNameHint", str, tradeNameHintChanged)

    @Slot(str, result=str)
    def maskIdNumber(self, number: str) -> str:
        """An identity number as the review page shows it (a field not being typed in)."""
        return mask_id_number(number)

    # ----- slots: what the person (or staff) did --------------------------------------------
    def _then_refresh(self, result: Any = None) -> Any:
        self.refresh()
        return result

    @Slot(str, str)
    def begin(self, service: str, subject_type: str) -> None:
        """A service on the home screen; ``subject_type`` for 设立登记 ("" otherwise)."""
        try:
            chosen = Service(service)
        except ValueError:
            return
        self._then_refresh(self._session.begin(chosen, subject_type or None))

    @Slot()
    def goHome(self) -> None:
        self._then_refresh(self._session.go_home())

    @Slot()
    def callHelp(self) -> None:
        self._then_refresh(self._session.call_help())

    @Slot()
    def cancelHelp(self) -> None:
        self._then_refresh(self._session.cancel_help())

    @Slot(str)
    def staffPin(self, pin: str) -> None:
        self._then_refresh(self._session.staff_pin(pin))

    @Slot()
    def staffVerify(self) -> None:
        self._then_refresh(self._session.staff_verify())

    @Slot()
    def staffFinish(self) -> None:
        self._then_refresh(self._session.staff_finish())

    @Slot()
    def staffClose(self) -> None:
        self._then_refresh(self._session.staff_close())

    @Slot()
    def confirmIdentity(self) -> None:
        self._then_refresh(self._session.confirm_identity())

    @Slot()
    def notMe(self) -> None:
        self._then_refresh(self._session.not_me())

    @Slot(str)
    def statusBy(self, method: str) -> None:
        self._then_refresh(self._session.status_by(method))

    @Slot(str, result="QVariantList")
    def enterNumber(self, text: str) -> list[str]:
        return self._then_refresh(self._session.enter_number(text))

    @Slot()
    def statusAgain(self) -> None:
        self._then_refresh(self._session.status_again())

    @Slot()
    def retryLookup(self) -> None:
        self._then_refresh(self._session.retry_lookup())

    @Slot(str)
    def chooseLicence(self, application_id: str) -> None:
        self._then_refresh(self._session.choose_licence(application_id))

    @Slot(str)
    def chooseGuide(self, subject_type: str) -> None:
        self._then_refresh(self._session.choose_guide(subject_type))

    @Slot()
    def printGuide(self) -> None:
        self._then_refresh(self._session.print_guide())

    @Slot(int)
    def startRating(self, level: int) -> None:
        """评价本次服务 (``level`` 0), or a face tapped on the done page."""
        self._then_refresh(self._session.start_rating(level))

    @Slot(int, "QVariantList", str, result="QVariantList")
    def rate(self, level: int, reasons: list, comment: str) -> list[str]:
        return self._then_refresh(self._session.rate(level, plain(reasons) or [], comment))
