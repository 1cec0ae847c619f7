"""Uploading a scanned book: streamed to disk, checked by content, kept once by SHA-256; bad
uploads refused with a clear message and nothing stored."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tracemalloc
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from civreg_cli.settings import Settings
from registry_db import get_or_create_book
from registry_db.models import Upload, UploadStatus
from review_ui.uploads import UploadRefused, receive_upload, safe_filename
from tests.review_ui.conftest import login
from tests.review_ui.fakes import QueueOnlyRunner

META = {"register_type": "birth", "book_no": "07/2016", "authority": "UBND phường Ngọc Lâm"}


def _png(width: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, 800), 255).save(out, "PNG")
    return out.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _post(client: TestClient, token: str, name: str, data: bytes, **meta: str) -> object:
    return client.post(
        "/uploads",
        data={"csrf_token": token, **META, **meta},
        files={"file": (name, data, "application/octet-stream")},
    )


def _stored(settings: Settings) -> list[Path]:
    uploads = settings.data_dir / "uploads"
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def test_upload_is_kept_once_and_starts_a_run(
    client: TestClient, app: FastAPI, session: Session, settings: Settings
) -> None:
    token = login(client, "anna")
    data = _png()
    r = _post(client, token, "quyen-07.png", data, year="2016")
    assert r.status_code == 303 and r.headers["location"].startswith("/books?uploaded=")
    upload = session.scalar(sa.select(Upload))
    assert upload is not None
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.kind == "image" and upload.size_bytes == len(data) and upload.year == 2016
    assert upload.uploaded_by == "anna" and upload.status is UploadStatus.QUEUED
    assert [p.name for p in _stored(settings)] == [f"{upload.sha256}.png"]
    runner = app.state.ctx.runner
    assert isinstance(runner, QueueOnlyRunner) and runner.submitted == [upload.id]

    # The same bytes under another name and other metadata: recognised, not processed again.
    r = _post(client, token, "copy.png", data, book_no="08/2016")
    assert r.status_code == 200 and "uploaded before" in r.text and f"#{upload.id}" in r.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    assert runner.submitted == [upload.id]
    assert len(_stored(settings)) == 1

    page = client.get("/books")
    assert "quyen-07.png" in page.text and 'data-live="on"' in page.text


def _tiff() -> bytes:
    out = io.BytesIO()
    pages = [Image.new("L", (500, 700), 255), Image.new("L", (500, 700), 250)]
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def _pdf() -> bytes:
    import img2pdf

    return bytes(img2pdf.convert(_png(620)))


@pytest.mark.parametrize(
    ("name", "make", "kind", "suffix"),
    [
        ("book.pdf", _pdf, "pdf", ".pdf"),
        ("book.tif", _tiff, "tiff", ".tif"),
        ("pages.zip", lambda: _zip({"p-2.png": _png(610), "p-10.png": _png(611)}), "zip", ".zip"),
        ("scan.bin", lambda: _png(630), "image", ".png"),  # by content, whatever its name
    ],
    ids=["pdf", "tiff", "zip", "image-misnamed"],
)
def test_every_scan_kind_is_taken_by_its_content(
    client: TestClient, session: Session, settings: Settings, name: str, make: object, kind: str,
    suffix: str,
) -> None:  # fmt: skip
    r = _post(client, login(client, "anna"), name, make())  # type: ignore[operator]
    assert r.status_code == 303, r.text[:300]
    upload = session.scalar(sa.select(Upload))
    assert upload is not None and upload.kind == kind and upload.original_name == name
    assert [p.name for p in _stored(settings)] == [upload.sha256 + suffix]


def test_a_file_digitized_before_from_the_command_line_is_recognised(
    client: TestClient, session: Session
) -> None:
    data = _png(640)
    get_or_create_book(
        session,
        register_type="birth",
        book_no="05",
        year=None,
        registration_authority="UBND phường Ngọc Lâm",
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_name="cli.png",
        page_count=1,
    )
    r = _post(client, login(client, "anna"), "again.png", data)
    assert r.status_code == 200 and "book 05" in r.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0


BOMB = 40 * 1024 * 1024  # zeros: deflate to ≈ 40 KB, a ratio far over the limit


@pytest.mark.parametrize(
    ("name", "make", "status", "words"),
    [
        (
            "book.pdf",
            lambda: b"Dear colleagues,\nplease find the book attached.\n",
            400,
            "not a scan",
        ),
        ("book.zip", lambda: b"PK\x03\x04" + b"\x00garbage" * 50, 400, "damaged zip"),
        ("book.zip", lambda: _zip({"p1.png": b"\x00" * BOMB}), 400, "zip bomb"),
        ("book.zip", lambda: _zip({"../../etc/p1.png": _png()}), 400, "unsafe file name"),
        ("book.zip", lambda: _zip({"readme.txt": b"hello"}), 400, "no page images"),
        ("../../etc/passwd.png", _png, 400, "not a plain file name"),
        ("empty.pdf", lambda: b"", 400, "empty"),
        ("broken.pdf", lambda: b"%PDF-1.7\n" + b"\x00" * 200, 400, "PDF"),
    ],
    ids=[
        "text",
        "broken-zip",
        "zip-bomb",
        "zip-traversal",
        "no-images",
        "name-traversal",
        "empty",
        "broken-pdf",
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client: TestClient,
    session: Session,
    settings: Settings,
    name: str,
    make: object,
    status: int,
    words: str,
) -> None:
    token = login(client, "anna")
    r = _post(client, token, name, make())  # type: ignore[operator]
    assert r.status_code == status, r.text[:500]
    assert "Upload refused" in r.text and words in r.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    assert _stored(settings) == []


def test_bad_metadata_is_refused(client: TestClient, session: Session, settings: Settings) -> None:
    token = login(client, "anna")
    for meta, words in (
        ({"register_type": "death"}, "cannot be digitized yet"),
        ({"book_no": ""}, "book number"),
        ({"year": "20x6"}, "four digits"),
    ):
        r = _post(client, token, "p.png", _png(), **meta)
        assert r.status_code == 400 and words in r.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    assert _stored(settings) == []


def test_wrong_role_and_missing_token_store_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    token = login(client, "rita")
    r = _post(client, token, "p.png", _png())
    assert r.status_code == 403 and "may not" in r.text
    token = login(client, "anna")
    r = _post(client, "not-the-token", "p.png", _png())
    assert r.status_code == 403 and "security token" in r.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    assert _stored(settings) == []


def test_a_failed_run_can_be_run_again(client: TestClient, app: FastAPI, session: Session) -> None:
    token = login(client, "anna")
    _post(client, token, "p.png", _png())
    upload = session.scalar(sa.select(Upload))
    assert upload is not None
    r = client.post(f"/uploads/{upload.id}/retry", data={"csrf_token": token})
    assert r.status_code == 400 and "being digitized" in r.text  # still queued
    from registry_db import review as rv

    rv.mark_upload(session, upload.id, UploadStatus.FAILED, error="page 2 is blank")
    r = client.post(f"/uploads/{upload.id}/retry", data={"csrf_token": token})
    assert r.status_code == 303
    assert app.state.ctx.runner.submitted == [upload.id, upload.id]


# --- the receiver itself (no database) -----------------------------------------------------------


def _body(boundary: str, fields: dict[str, str], filename: str, size: int) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for k, v in fields.items():
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            ).encode()
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n'
        ).encode()
        chunk = b"x" * (1024 * 1024)
        sent = 9
        while sent < size:
            n = min(len(chunk), size - sent)
            yield chunk[:n]
            sent += n
        yield f"\r\n--{boundary}--\r\n".encode()

    return gen()


def test_a_large_upload_streams_to_disk_in_bounded_memory(tmp_path: Path) -> None:
    size = 64 * 1024 * 1024
    tracemalloc.start()
    try:
        fields, received = asyncio.run(
            receive_upload(
                _body("b0undary", {"csrf_token": "t"}, "big.pdf", size),
                "multipart/form-data; boundary=b0undary",
                tmp_path,
                max_bytes=size + 1,
                check_csrf=lambda token: token == "t",
            )
        )
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB file"
    assert received.size == size and received.path.stat().st_size == size
    assert received.head.startswith(b"%PDF-1.7") and fields == {"csrf_token": "t"}


def test_receiver_limits(tmp_path: Path) -> None:
    def run(fields: dict[str, str], name: str, size: int, limit: int) -> object:
        return asyncio.run(
            receive_upload(
                _body("bnd", fields, name, size),
                "multipart/form-data; boundary=bnd",
                tmp_path,
                max_bytes=limit,
                check_csrf=lambda token: token == "t",
            )
        )

    with pytest.raises(UploadRefused) as over:
        run({"csrf_token": "t"}, "big.pdf", 3 * 1024 * 1024, 1024 * 1024)
    assert over.value.status == 413
    with pytest.raises(UploadRefused) as token_after:
        run({}, "big.pdf", 1000, 10**6)  # no token before the file
    assert token_after.value.status == 403
    assert list(tmp_path.iterdir()) == []  # nothing left behind


@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "a\\b.pdf", "C:x.pdf", "..", "x\x00.pdf"])
def test_unsafe_file_names(name: str) -> None:
    with pytest.raises(UploadRefused):
        safe_filename(name)
    assert safe_filename("Sổ khai sinh 2016.pdf") == "Sổ khai sinh 2016.pdf"
