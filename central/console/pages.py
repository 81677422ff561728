"""The console's pages: log in, the fleet (administrators), help calls (hall staff).

Every page needs a logged-in user with the right role; every form that changes something
carries the session's CSRF token (the cookie is also SameSite=strict). Handlers read the store,
let ``central.console.fleet`` turn rows into what a person reads, and render a template.
"""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from central.console import fleet
from central.console.users import Role, authenticate
from central.store import Store
from contract.wire import ID_PATTERN, HelpCallStatus

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
HOME = {Role.ADMINISTRATOR.value: "/console/", Role.HALL_STAFF.value: "/console/help-calls"}
REASONS = {"help": "按下了呼叫工作人员", "face_failed": "人脸核验三次未通过，请人工核验身份",
           "device": "设备故障，需要协助"}


def _store(request: Request) -> Store:
    return request.app.state.platform.store()


def _user(request: Request) -> dict | None:
    session = request.session
    if not session.get("user"):
        return None
    return {"username": session["user"], "name": session.get("name", ""),
            "role": session.get("role", "")}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _page(request: Request, name: str, **context: object) -> HTMLResponse:
    user = _user(request)
    return templates.TemplateResponse(request, name, {
        "user": user, "csrf": request.session.get("csrf", ""),
        "role_label": Role(user["role"]).label if user else "", **context})


def _guard(request: Request, *roles: Role) -> Response | dict:
    user = _user(request)
    if user is None:
        return _redirect("/console/login")
    if user["role"] not in {r.value for r in roles}:
        return HTMLResponse(templates.get_template("forbidden.html").render(user=user),
                            status_code=403)
    return user


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return _page(request, "login.html", error="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, username: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=256)]) -> Response:
    user = authenticate(_store(request), username.strip(), password)
    if user is None:
        request.session.clear()
        return _page(request, "login.html", error="用户名或密码不正确，请重新输入。")
    request.session.clear()
    request.session.update(user=user["username"], name=user["display_name"], role=user["role"],
                           csrf=secrets.token_urlsafe(24))
    return _redirect(HOME[user["role"]])


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
    if secrets.compare_digest(csrf, request.session.get("csrf", "")):
        request.session.clear()
    return _redirect("/console/login")


@router.get("/", response_class=HTMLResponse)
async def fleet_page(request: Request) -> Response:
    user = _guard(request, Role.ADMINISTRATOR)
    if isinstance(user, Response):
        return user
    store = _store(request)
    rows = fleet.kiosk_rows(store)
    platform = request.app.state.platform
    published = fleet.published_bundles(platform.data_dir / "tuf")
    return _page(request, "fleet.html", kiosks=rows,
                 bundles=fleet.publishing_state(rows, published), scope_label=fleet.scope_label,
                 ratings=fleet.ratings_summary(store), calls=_calls(store),
                 silent_minutes=fleet.SILENT_AFTER_S // 60,
                 heartbeat_minutes=fleet.HEARTBEAT_EVERY_S // 60, flag_labels=fleet.FLAG_LABELS,
                 now=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))


def _calls(store: Store) -> list[dict]:
    calls = store.help_calls((HelpCallStatus.OPEN.value, HelpCallStatus.ANSWERED.value))
    return [{**c, "reason_text": REASONS.get(c["reason"], c["reason"])} for c in calls]


@router.get("/help-calls", response_class=HTMLResponse)
async def help_calls_page(request: Request) -> Response:
    user = _guard(request, Role.HALL_STAFF, Role.ADMINISTRATOR)
    if isinstance(user, Response):
        return user
    return _page(request, "help_calls.html", calls=_calls(_store(request)))


@router.post("/help-calls/{call_id}/{action}")
async def help_call_action(request: Request, call_id: str, action: str,
                           csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
    user = _guard(request, Role.HALL_STAFF, Role.ADMINISTRATOR)
    if isinstance(user, Response):
        return user
    import re
    if not secrets.compare_digest(csrf, request.session.get("csrf", "")) or \
            not re.match(ID_PATTERN, call_id) or action not in ("answer", "close"):
        return HTMLResponse("请求已失效，请返回重新操作。", status_code=400)
    store = _store(request)
    with store.transaction():
        call = store.help_call(call_id)
        if call is not None and HelpCallStatus(call["status"]).waiting:
            if action == "answer":
                store.set_help_call(call_id, HelpCallStatus.ANSWERED.value, user["name"][:32])
            else:
                store.set_help_call(call_id, HelpCallStatus.CLOSED.value)
    return _redirect("/console/help-calls")
