"""What every page of the app shares: the app's context, the signed-in user, the role check,
the CSRF check and rendering.

Order of checks on every request: signed in (else the login page), the role may do the route's
action (else 403), and for a POST the form's CSRF token (else 403). Routes name their action
from :mod:`review_ui.permissions`, the one table of who may do what.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from civreg_cli.settings import Settings
from registry_db import review as rv
from registry_db.models import Role, User
from review_ui.jobs import DigitizeRunner
from review_ui.permissions import Action, allowed
from review_ui.security import CSRF_FIELD, CSRF_HEADER, SessionCodec, SessionData
from review_ui.words import field_label, reason_words

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass
class AppContext:
    settings: Settings
    sessions: sessionmaker[Session]
    codec: SessionCodec
    templates: Jinja2Templates
    runner: DigitizeRunner
    data_dir: Path

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, role: str, action: str) -> None:
        super().__init__(f"role {role} may not {action}")
        self.role = role
        self.action = action


class BadCsrf(Exception):
    pass


def ctx(request: Request) -> AppContext:
    context: AppContext = request.app.state.ctx
    return context


def web_session(request: Request) -> SessionData:
    data: SessionData = request.state.session
    return data


def db(request: Request) -> Iterator[Session]:
    with ctx(request).sessions() as session:
        yield session


@dataclass(frozen=True)
class Viewer:
    """Who is signed in, as pages show it (a plain copy: it outlives the request's session)."""

    id: int
    username: str
    role: Role


def current_user(request: Request, session: Session) -> User | None:
    """The signed-in, active user."""
    data = web_session(request)
    user = session.get(User, data.user_id) if data.user_id is not None else None
    if user is not None and not user.active:
        user = None
    request.state.viewer = Viewer(user.id, user.username, user.role) if user else None
    return user


def require(action: Action) -> Callable[..., User]:
    """A dependency: the signed-in user, who may do ``action``."""

    def dependency(request: Request, session: Session = Depends(db)) -> User:
        user = current_user(request, session)
        if user is None:
            raise NotSignedIn()
        if not allowed(user.role, action):
            raise Forbidden(user.role.value, action.value)
        return user

    return dependency


async def csrf_form(request: Request) -> FormData:
    """The posted form, once its CSRF token (field or header) matches the session's."""
    form = await request.form(max_files=0, max_fields=64)
    token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not web_session(request).check_csrf(token if isinstance(token, str) else None):
        raise BadCsrf()
    return form


CsrfForm = Callable[[Request], Coroutine[Any, Any, FormData]]


def form_str(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value if isinstance(value, str) else default


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.globals["field_label"] = field_label
    env.globals["reason_words"] = reason_words
    env.globals["allowed"] = allowed
    env.globals["Action"] = Action
    env.filters["when"] = when
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f} %"
    return templates


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    session: Session | None = None,
) -> HTMLResponse:
    viewer = getattr(request.state, "viewer", None)
    if viewer is None and session is not None:
        current_user(request, session)
        viewer = request.state.viewer
    values = {
        "user": viewer,
        "csrf_token": web_session(request).csrf,
        "csrf_field": CSRF_FIELD,
        **(context or {}),
    }
    return ctx(request).templates.TemplateResponse(
        request, template, values, status_code=status_code
    )


def log_read(
    session: Session,
    user: User,
    action: str,
    purpose: str,
    *,
    book_id: int | None = None,
    record_id: int | None = None,
) -> None:
    rv.log_access(session, user.username, action, purpose, book_id=book_id, record_id=record_id)
