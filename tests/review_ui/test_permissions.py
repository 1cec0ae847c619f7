"""Each role sees and does only its own work: the whole role × action matrix, walked over HTTP,
and the CSRF token required by every POST route."""

from __future__ import annotations

import io
from collections.abc import Callable
from itertools import count

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from registry_db import Book, FieldValueRow, Page, Record
from registry_db import review as rv
from registry_db.models import AccessLog, Role, Upload, UploadStatus
from review_ui.permissions import PERMISSIONS, Action, actions_of, allowed
from tests.review_ui.conftest import USERS, login

Request = Callable[[TestClient, str], httpx.Response]
_names = count()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 600), 255).save(out, "PNG")
    return out.getvalue()


def _requests(session: Session, book: Book) -> dict[Action, list[Request]]:
    """One or more requests that perform each action, with a valid CSRF token."""
    record = session.scalar(sa.select(Record).where(Record.book_id == book.id).limit(1))
    assert record is not None
    field = session.scalar(
        sa.select(FieldValueRow)
        .where(FieldValueRow.record_id == record.id, FieldValueRow.bbox.is_not(None))
        .limit(1)
    )
    page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == 1))
    assert field is not None and page is not None
    failed, _ = rv.create_upload(
        session,
        sha256="f" * 64,
        original_name="old.pdf",
        stored_path="uploads/old.pdf",
        size_bytes=10,
        kind="pdf",
        register_type="birth",
        book_no="99",
        registration_authority="UBND phường Ngọc Lâm",
        year=None,
        uploaded_by="anna",
    )
    rv.mark_upload(session, failed.id, UploadStatus.FAILED, error="test")
    rid, fid = record.id, field.id
    other = session.scalar(
        sa.select(FieldValueRow)
        .join(Record)
        .where(Record.book_id == book.id, FieldValueRow.key == "registration_date")
        .order_by(FieldValueRow.id.desc())
        .limit(1)
    )
    assert other is not None
    entry = rv.first_keying(session, other.id, other.version, "rita", "2015-03-02")
    rv.second_keying(session, entry.id, "ron", "2015-03-12")

    def version() -> int:
        session.expire_all()
        row = session.get(FieldValueRow, fid)
        assert row is not None
        return row.version

    def upload(c: TestClient, t: str) -> httpx.Response:
        n = next(_names)
        image = Image.new("L", (300 + n, 400), 255)
        buf = io.BytesIO()
        image.save(buf, "PNG")
        return c.post(
            "/uploads",
            data={"csrf_token": t, "register_type": "birth", "book_no": f"U{n}", "authority": "X"},
            files={"file": ("page.png", buf.getvalue(), "image/png")},
        )

    return {
        Action.VIEW_BOOKS: [lambda c, t: c.get("/books"), lambda c, t: c.get(f"/books/{book.id}")],
        Action.UPLOAD: [upload],
        Action.RETRY: [lambda c, t: c.post(f"/uploads/{failed.id}/retry", data={"csrf_token": t})],
        Action.VIEW_PAGE: [lambda c, t: c.get(f"/pages/{page.id}/image?w=400")],
        Action.REVIEW: [
            lambda c, t: c.get("/queue"),
            lambda c, t: c.get(f"/records/{rid}"),
            lambda c, t: c.get(f"/fields/{fid}/crop.png"),
        ],
        Action.EDIT_FIELD: [
            lambda c, t: c.post(
                f"/records/{rid}/fields/{fid}",
                data={"csrf_token": t, "version": str(version()), "value": f"Tên {next(_names)}"},
            )
        ],
        Action.APPROVE: [
            lambda c, t: c.post(f"/books/{book.id}/approve", data={"csrf_token": t}),
            lambda c, t: c.post(f"/books/{book.id}/reopen", data={"csrf_token": t, "reason": "x"}),
        ],
        Action.AUDIT: [
            lambda c, t: c.get(f"/books/{book.id}/audit"),
            lambda c, t: c.post(
                f"/books/{book.id}/audit/draw", data={"csrf_token": t, "size": "1"}
            ),
        ],
        Action.RESOLVE: [
            lambda c, t: c.get("/double-entry"),
            lambda c, t: c.post(
                f"/double-entry/{entry.id}", data={"csrf_token": t, "value": "02/03/2015"}
            ),
        ],
        Action.DASHBOARD: [lambda c, t: c.get("/dashboard")],
        Action.MANAGE_USERS: [
            lambda c, t: c.get("/admin/users"),
            lambda c, t: c.post(
                "/admin/users",
                data={
                    "csrf_token": t,
                    "username": f"new{next(_names)}",
                    "role": "reviewer",
                    "password": "a long enough password",
                },
            ),
        ],
        Action.VIEW_ACCESS_LOG: [lambda c, t: c.get("/admin/access-log")],
        Action.ISSUE_EXTRACT: [
            lambda c, t: c.get(f"/records/{rid}/extracts"),
            lambda c, t: c.post(f"/records/{rid}/extracts", data={"csrf_token": t}),
        ],
        Action.HANDLE_REQUESTS: [lambda c, t: c.get("/requests")],
        Action.MANAGE_API_CLIENTS: [
            lambda c, t: c.get("/admin/api-clients"),
            lambda c, t: c.get("/admin/api-log"),
        ],
    }


def test_the_table_names_every_action_and_every_role_has_work() -> None:
    assert set(PERMISSIONS) == set(Action)
    for role in Role:
        assert actions_of(role), role
    assert not allowed(Role.REVIEWER, Action.APPROVE)
    assert not allowed(Role.ARCHIVE_STAFF, Action.REVIEW)
    assert not allowed(Role.ADMIN, Action.EDIT_FIELD)


def test_role_action_matrix(app: FastAPI, session: Session, review_book: Book) -> None:
    requests = _requests(session, review_book)
    assert set(requests) == set(Action)
    names = {role: name for name, role in reversed(USERS.items())}
    seen: dict[tuple[Role, Action], int] = {}
    for role in Role:
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
            token = login(c, names[role])
            for action, calls in requests.items():
                for call in calls:
                    r = call(c, token)
                    seen[(role, action)] = r.status_code
                    if allowed(role, action):
                        assert r.status_code not in (401, 403), (role, action, r.text[:300])
                        assert r.status_code < 500
                    else:
                        assert r.status_code == 403, (role, action, r.status_code)
                        assert "may not" in r.text
    assert len(seen) == len(Role) * len(Action)
    # Refused uploads and approvals stored nothing: one upload per archive-staff call only.
    session.expire_all()
    uploads = session.scalars(sa.select(Upload.uploaded_by).where(Upload.book_no != "99")).all()
    assert uploads == ["anna"]


def test_not_signed_in_goes_to_the_login_page(client: TestClient) -> None:
    r = client.get("/queue?book=1")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/queue%3Fbook%3D1"
    r = client.post("/books/1/approve", data={})
    assert r.status_code == 401


POST_PATHS = {
    "/login": None,
    "/logout": "sam",
    "/uploads": "anna",
    "/uploads/{upload_id}/retry": "anna",
    "/records/{record_id}/fields/{field_id}": "rita",
    "/books/{book_id}/approve": "sam",
    "/books/{book_id}/reopen": "sam",
    "/books/{book_id}/audit/draw": "sam",
    "/audit/{sample_id}": "sam",
    "/admin/users": "ada",
    "/double-entry/{entry_id}": "sam",
    "/admin/users/{user_id}/active": "ada",
    "/records/{record_id}/extracts": "sam",
    "/extracts/{extract_id}/revoke": "sam",
    "/extracts/{extract_id}/reissue": "sam",
    "/requests/{request_id}/move": "sam",
    "/requests/{request_id}/issue": "sam",
    "/citizen/requests": None,
    "/admin/api-clients": "ada",
    "/admin/api-clients/{client_id}/deactivate": "ada",
}


def test_every_post_route_refuses_a_form_without_csrf_token(
    app: FastAPI, session: Session, review_book: Book
) -> None:
    routes = [
        inner
        for route in app.routes
        for inner in getattr(getattr(route, "original_router", None), "routes", [route])
    ]
    posts = {
        route.path  # type: ignore[attr-defined]
        for route in routes
        if "POST" in (getattr(route, "methods", None) or set())
    }
    assert posts == set(POST_PATHS), "a new POST route: add it here"
    record = session.scalar(sa.select(Record).where(Record.book_id == review_book.id).limit(1))
    assert record is not None
    field = record.fields[0]
    before = session.scalar(sa.select(sa.func.count()).select_from(AccessLog))
    ids = {
        "upload_id": "1",
        "record_id": str(record.id),
        "field_id": str(field.id),
        "book_id": str(review_book.id),
        "sample_id": "1",
        "user_id": "1",
        "entry_id": "1",
        "extract_id": "1",
        "request_id": "1",
        "client_id": "1",
    }
    for path, who in POST_PATHS.items():
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
            if who:
                login(c, who)
            url = path.format(**ids)
            if path == "/uploads":
                r = c.post(
                    url,
                    data={"register_type": "birth", "book_no": "9", "authority": "X"},
                    files={"file": ("p.png", _png(), "image/png")},
                )
            else:
                r = c.post(
                    url, data={"version": "1", "value": "x", "reason": "r", "csrf_token": ""}
                )
            assert r.status_code == 403, (path, r.status_code)
            assert "security token" in r.text, path
            r = c.post(url, data={"csrf_token": "forged"}, headers={"x-csrf-token": "forged"})
            assert r.status_code == 403, (path, r.status_code)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    assert session.scalar(sa.select(FieldValueRow.version).where(FieldValueRow.id == field.id)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(AccessLog)) == before
