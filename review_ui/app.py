"""The review web app: ``create_app(settings)`` builds it; ``civreg serve`` runs it with uvicorn.

Server-rendered pages (Jinja2) with a little plain JavaScript served from ``static/``; no build
step. Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure unless turned off); every form
carries a CSRF token; every route names the action it performs (``permissions.py``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from civreg_cli.errors import CivregError
from civreg_cli.settings import Settings
from registry_db import make_engine, session_factory, upgrade
from registry_db import review as rv
from review_ui import admin, api, books, certificates, review, supervise
from review_ui.jobs import DigitizeRunner
from review_ui.middleware import SessionMiddleware
from review_ui.security import (
    SessionCodec,
    SessionData,
    burn_time,
    load_secret_key,
    verify_password,
)
from review_ui.web import (
    STATIC_DIR,
    AppContext,
    BadCsrf,
    Forbidden,
    NotSignedIn,
    csrf_form,
    current_user,
    db,
    form_str,
    make_templates,
    render,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "info",
    proxy_headers: bool = True,
) -> None:
    """Run the app with uvicorn: in this process, or in ``workers`` processes sharing the port
    (each its own threads and connections; rate limits are counted in the database, so they
    hold across processes). Access logs are off: URLs name records, and the app keeps its own.
    """
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "proxy_headers": proxy_headers,
    }
    if workers <= 1:
        uvicorn.run(create_app(settings), **options)
        return
    # What must happen once, before the workers start: the schema, the cookie key, the sweep of
    # uploads a stopped server left running (a worker must not sweep another's live upload).
    data_dir = settings.data_dir.absolute()
    engine = make_engine(settings.database_url())
    try:
        upgrade(engine)
        with session_factory(engine)() as s:
            stale = rv.interrupted_uploads(s)
    finally:
        engine.dispose()
    if stale:
        log.warning("%d upload run(s) were interrupted by a restart; retry them", stale)
    load_secret_key(settings.secret_key, data_dir)
    os.environ.update(CIVREG_DB_URL=settings.database_url(), CIVREG_DATA_DIR=str(data_dir))
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)


def worker_app() -> FastAPI:
    """One worker process of :func:`serve` (settings from the environment it set)."""
    return create_app(Settings(), sweep_interrupted=False)


def create_app(
    settings: Settings,
    *,
    runner: DigitizeRunner | None = None,
    sweep_interrupted: bool = True,
) -> FastAPI:
    """The app on the settings' database and data dir (migrated to the newest schema).
    ``sweep_interrupted``: mark uploads left running by a stopped server as failed, at start
    (off in the workers of a multi-process server, where :func:`serve` does it once)."""
    data_dir = settings.data_dir.absolute()
    db_url = settings.database_url()
    engine = make_engine(db_url, pool_size=settings.db_pool_size)
    upgrade(engine)
    sessions = session_factory(engine)
    context = AppContext(
        settings=settings,
        sessions=sessions,
        codec=SessionCodec(
            load_secret_key(settings.secret_key, data_dir), settings.session_max_age_s
        ),
        templates=make_templates(),
        runner=runner
        or DigitizeRunner(sessions, db_url=db_url, data_dir=data_dir, workers=settings.workers),
        data_dir=data_dir,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the threads that run synchronous routes (this event loop's own limiter)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.serve_threads
        stale = 0
        if sweep_interrupted:
            with sessions() as s:
                stale = rv.interrupted_uploads(s)
        if stale:
            log.warning("%d upload run(s) were interrupted by a restart; retry them", stale)
        yield
        context.runner.stop()
        engine.dispose()

    app = FastAPI(
        title="civreg review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.ctx = context
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    _error_handlers(app)
    _auth_routes(app)
    for module in (books, review, supervise, admin, certificates):
        app.include_router(module.router)
    app.mount(API_PREFIX, api.create_api(context))  # the agency API, with its own OpenAPI
    app.add_middleware(
        SessionMiddleware,
        codec=context.codec,
        max_age_s=settings.session_max_age_s,
        secure=settings.cookie_secure,
        skip_prefix=API_PREFIX,
    )
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _error_page(request, 401, "Please sign in first.")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(
            request,
            403,
            f"Your role ({exc.role}) may not do this ({exc.action.replace('_', ' ')}).",
        )

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _exc: BadCsrf) -> Response:
        return _error_page(
            request,
            403,
            "The form's security token is missing or out of date. Reload the page and try again.",
        )

    @app.exception_handler(CivregError)
    async def civreg_error(request: Request, exc: CivregError) -> Response:
        return _error_page(request, 400, str(exc))


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", {"message": message, "status": status}, status_code=status)


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no host, no ``//``) is followed after sign-in."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/books"


def _auth_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/books", status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/books") -> HTMLResponse:
        return render(request, "login.html", {"next": _safe_next(next), "error": None})

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
        form: FormData = Depends(csrf_form),
        session: Session = Depends(db),
    ) -> Response:
        username = form_str(form, "username").strip().lower()
        password = form_str(form, "password")
        target = _safe_next(form_str(form, "next", "/books"))
        user = rv.get_user_by_name(session, username)
        if user is None or not user.active:
            burn_time(password)
            ok, new_hash = False, None
        else:
            ok, new_hash = verify_password(user.password_hash, password)
        if not ok or user is None:
            log.info("failed sign-in")
            return render(
                request,
                "login.html",
                {"next": target, "error": "Wrong user name or password."},
                status_code=401,
            )
        rv.note_login(session, user.id, new_hash)
        # A new session (and CSRF token) at sign-in: a token seen before it is worth nothing.
        request.state.session = SessionData(user_id=user.id, dirty=True)
        return RedirectResponse(target, status_code=303)

    @app.post("/logout")
    def logout(request: Request, _form: FormData = Depends(csrf_form)) -> RedirectResponse:
        request.state.session = SessionData(dirty=True)
        return RedirectResponse("/login", status_code=303)

    @app.get("/whoami")
    def whoami(request: Request, session: Session = Depends(db)) -> dict[str, str | None]:
        user = current_user(request, session)
        return {
            "username": user.username if user else None,
            "role": user.role.value if user else None,
        }
