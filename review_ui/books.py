"""Books: the list with each book's progress (live while a run goes on), uploading a book,
retrying a run, a book's pages and their images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from civreg_cli.errors import InputError
from extraction.types import RegisterType
from registry_db import review as rv
from registry_db.models import Book, Page, Upload, UploadStatus, User
from review_ui import images
from review_ui.permissions import Action
from review_ui.uploads import UploadRefused, check_scan, receive_upload, stored_name
from review_ui.web import (
    csrf_form,
    ctx,
    current_user,
    db,
    log_read,
    render,
    require,
    web_session,
)

router = APIRouter()

SUPPORTED_TYPES = (RegisterType.BIRTH.value,)
IMAGE_CACHE = "private, max-age=86400"


def _books_context(session: Session) -> dict[str, Any]:
    books = rv.books_progress(session)
    uploads = rv.list_uploads(session)
    book_by_sha: dict[str, int] = dict(
        iter(
            session.execute(
                sa.select(Book.source_sha256, Book.id).where(
                    Book.source_sha256.in_([u.sha256 for u in uploads])
                )
            )
        )
    )
    running = any(u.status in (UploadStatus.QUEUED, UploadStatus.RUNNING) for u in uploads)
    return {
        "books": books,
        "uploads": uploads,
        "book_by_sha": book_by_sha,
        "running": running,
        "register_types": SUPPORTED_TYPES,
    }


@router.get("/books", response_class=HTMLResponse)
def books_page(
    request: Request,
    user: User = Depends(require(Action.VIEW_BOOKS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(request, "books.html", _books_context(session))


@router.get("/books/progress", response_class=HTMLResponse)
def books_progress(
    request: Request,
    user: User = Depends(require(Action.VIEW_BOOKS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    """The books and uploads tables alone, for the page's live refresh."""
    return render(request, "_progress.html", _books_context(session))


@router.post("/uploads", response_class=HTMLResponse)
async def upload(request: Request) -> Response:
    """Receive a scanned book; start its digitization. The role is checked before a byte of
    the body is read, the CSRF token before a byte of the file is written."""
    context = ctx(request)
    with context.sessions() as session:
        user = require(Action.UPLOAD)(request, session)
        username = user.username
    if int(request.headers.get("content-length") or 0) > context.settings.upload_max_bytes:
        return _refused(request, UploadRefused("the file is over the upload limit", 413))
    tmp_dir = context.uploads_dir / "tmp"
    try:
        fields, received = await receive_upload(
            request.stream(),
            request.headers.get("content-type", ""),
            tmp_dir,
            max_bytes=context.settings.upload_max_bytes,
            check_csrf=web_session(request).check_csrf,
        )
    except UploadRefused as exc:
        return _refused(request, exc)
    try:
        meta = _metadata(fields)
        kind = check_scan(received)
        with context.sessions() as session:
            earlier = rv.find_upload(session, received.sha256)
            known_book = session.scalar(
                sa.select(Book).where(Book.source_sha256 == received.sha256)
            )
            if earlier is not None or known_book is not None:
                received.path.unlink(missing_ok=True)
                return render(
                    request,
                    "uploaded.html",
                    {"upload": earlier, "book": known_book, "duplicate": True},
                    session=session,
                )
            name = stored_name(received, kind)
            target = context.uploads_dir / name
            received.path.replace(target)
            try:
                created, _new = rv.create_upload(
                    session,
                    sha256=received.sha256,
                    original_name=received.name,
                    stored_path=str(Path("uploads") / name),
                    size_bytes=received.size,
                    kind=kind,
                    uploaded_by=username,
                    **meta,
                )
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            upload_id = created.id
        context.runner.submit(upload_id)
        return RedirectResponse(f"/books?uploaded={upload_id}", status_code=303)
    except UploadRefused as exc:
        return _refused(request, exc)
    except InputError as exc:
        return _refused(request, UploadRefused(str(exc)))
    finally:
        received.path.unlink(missing_ok=True)


def _metadata(fields: dict[str, str]) -> dict[str, Any]:
    register_type = fields.get("register_type", "").strip()
    if register_type not in SUPPORTED_TYPES:
        raise UploadRefused(
            f"register type '{register_type[:20]}' cannot be digitized yet (only birth books)"
        )
    book_no = fields.get("book_no", "").strip()
    authority = fields.get("authority", "").strip()
    if not 1 <= len(book_no) <= 32:
        raise UploadRefused("give the book number (Quyển số), 1 to 32 characters")
    if not 1 <= len(authority) <= 255:
        raise UploadRefused("give the registration authority (e.g. UBND phường Ngọc Lâm)")
    year_text = fields.get("year", "").strip()
    year: int | None = None
    if year_text:
        if not year_text.isdigit() or not 1850 <= int(year_text) <= 2100:
            raise UploadRefused("the year must be four digits, e.g. 2016")
        year = int(year_text)
    return {
        "register_type": register_type,
        "book_no": book_no,
        "registration_authority": authority,
        "year": year,
    }


def _refused(request: Request, exc: UploadRefused) -> HTMLResponse:
    with ctx(request).sessions() as session:
        current_user(request, session)
        return render(
            request,
            "error.html",
            {"message": f"Upload refused: {exc.message}", "status": exc.status},
            status_code=exc.status,
        )


@router.post("/uploads/{upload_id}/retry")
def retry(
    upload_id: int,
    request: Request,
    user: User = Depends(require(Action.RETRY)),
    _form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise InputError(f"upload id {upload_id} does not exist")
    if upload.status in (UploadStatus.QUEUED, UploadStatus.RUNNING):
        raise InputError("this book is being digitized already")
    ctx(request).runner.submit(upload_id)
    return RedirectResponse("/books", status_code=303)


@router.get("/books/{book_id}", response_class=HTMLResponse)
def book_page(
    book_id: int,
    request: Request,
    user: User = Depends(require(Action.VIEW_BOOKS)),
    session: Session = Depends(db),
) -> HTMLResponse:
    progress = rv.books_progress(session, [book_id])
    if not progress:
        raise InputError(f"book id {book_id} does not exist")
    pages = list(
        session.scalars(sa.select(Page).where(Page.book_id == book_id).order_by(Page.page_no))
    )
    upload = session.scalar(
        sa.select(Upload).join(Book, Book.source_sha256 == Upload.sha256).where(Book.id == book_id)
    )
    return render(
        request,
        "book.html",
        {
            "book": progress[0],
            "pages": pages,
            "upload": upload,
            "events": rv.approval_events(session, book_id),
            "pending": rv.pending_fields(session, book_id),
        },
    )


@router.get("/pages/{page_id}/image")
def page_image(
    page_id: int,
    request: Request,
    w: int = 800,
    user: User = Depends(require(Action.VIEW_PAGE)),
    session: Session = Depends(db),
) -> Response:
    """A page, downscaled (never the full scan), made once and cached."""
    page = session.get(Page, page_id)
    if page is None or page.image_path is None or page.sha256 is None:
        raise InputError(f"page id {page_id} has no image")
    if w not in images.VIEW_WIDTHS:
        raise InputError(f"width must be one of {images.VIEW_WIDTHS}")
    context = ctx(request)
    source = images.resolve_page_path(context.data_dir, page.image_path)
    path = images.page_view(context.cache_dir, page.sha256, source, w)
    log_read(session, user, "view_page", "page image", book_id=page.book_id)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": IMAGE_CACHE})
