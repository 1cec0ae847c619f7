"""Receiving a scanned book over HTTP: the multipart body streamed to disk in chunks (never held
in memory), fingerprinted as it arrives, then checked by its content with ``ingest`` (never by
its name). A refused upload leaves nothing behind.

The form's CSRF token must come before the file in the body (the app's form puts it first): the
file's bytes are not written anywhere until the token has been checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from PIL import Image
from python_multipart.multipart import MultipartParser, parse_options_header

from civreg_cli.errors import InputError
from ingest.archive import open_zip
from ingest.detect import PNG_MAGIC, describe_bytes, kind_of_bytes
from ingest.model import DEFAULT_LIMITS, Limits
from ingest.pdf import PDFIUM_LOCK, open_pdf

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
FILE_FIELD = "file"
_EXT_BY_KIND = {"pdf": ".pdf", "tiff": ".tif", "zip": ".zip"}


class UploadRefused(Exception):
    """An upload that is refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class ReceivedFile:
    path: Path  # a temporary file under the uploads folder
    name: str  # the name the browser gave (a plain file name; checked)
    size: int
    sha256: str
    head: bytes


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


def safe_filename(raw: str) -> str:
    """The browser's file name, if it is a plain one; UploadRefused for path tricks."""
    name = unicodedata.normalize("NFC", raw).strip()
    if (
        not name
        or "/" in name
        or "\\" in name
        or name.startswith("..")
        or name == "."
        or any(unicodedata.category(ch).startswith("C") for ch in name)
        or re.match(r"^[A-Za-z]:", name)
        or len(name) > 255
    ):
        raise UploadRefused(
            "the file name is not a plain file name (it names a folder or a path); "
            "rename the file and upload it again"
        )
    return name


async def receive_upload(
    stream: AsyncIterator[bytes],
    content_type: str,
    tmp_dir: Path,
    *,
    max_bytes: int,
    check_csrf: Callable[[str | None], bool],
) -> tuple[dict[str, str], ReceivedFile]:
    """Parse a ``multipart/form-data`` body: its small fields, and its one file written to a
    temporary file in ``tmp_dir`` as it arrives. The caller owns (and removes) the file.

    UploadRefused: no or bad CSRF token before the file (403), more than ``max_bytes`` (413),
    a malformed body, no file, several files, an unsafe file name (400).
    """
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused("the form has no valid security token; reload the page", 403)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fields: dict[str, str] = {}
    parts: list[_Part] = []
    headers: dict[bytes, bytes] = {}
    header_name = bytearray()
    header_value = bytearray()
    state: dict[str, object] = {}
    digest = hashlib.sha256()
    out: list[IO[bytes]] = []
    tmp_path: list[Path] = []
    size = 0
    head = bytearray()
    errors: list[UploadRefused] = []

    def fail(exc: UploadRefused) -> None:
        if not errors:
            errors.append(exc)
        raise exc

    def on_part_begin() -> None:
        parts.append(_Part())
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        part = parts[-1]
        _disp, options = parse_options_header(headers.get(b"content-disposition", b""))
        part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if part.name != FILE_FIELD or out or "file" in state:
                fail(UploadRefused("send one book file per upload"))
            if not check_csrf(fields.get("csrf_token")):
                fail(UploadRefused("the form has no valid security token; reload the page", 403))
            part.filename = safe_filename(options[b"filename"].decode("utf-8", "replace"))
            fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
            tmp_path.append(Path(name))
            out.append(os.fdopen(fd, "wb"))
            state["file"] = part
        elif len(parts) > MAX_FIELDS:
            fail(UploadRefused("too many form fields"))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        nonlocal size
        part = parts[-1]
        chunk = data[start:end]
        if part.filename is None:
            if len(part.data) + len(chunk) > MAX_FIELD_BYTES:
                fail(UploadRefused(f"form field '{part.name[:40]}' is too long"))
            part.data.extend(chunk)
            return
        size += len(chunk)
        if size > max_bytes:
            fail(UploadRefused(f"the file is over the limit of {max_bytes / 2**30:.1f} GiB", 413))
        if len(head) < 4096:
            head.extend(chunk[: 4096 - len(head)])
        digest.update(chunk)
        out[0].write(chunk)

    def on_part_end() -> None:
        part = parts[-1]
        if part.filename is None:
            fields[part.name] = part.data.decode("utf-8", "replace")

    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        _discard(out, tmp_path)
        raise
    except Exception as exc:  # the multipart parser's own errors: a malformed body
        _discard(out, tmp_path)
        if errors:
            raise errors[0] from exc
        raise UploadRefused("the upload is malformed; send it again") from exc
    if not out:
        if not check_csrf(fields.get("csrf_token")):
            raise UploadRefused("the form has no valid security token; reload the page", 403)
        raise UploadRefused("choose a file to upload")
    out[0].close()
    file_part = state["file"]
    assert isinstance(file_part, _Part) and file_part.filename is not None
    if size == 0:
        tmp_path[0].unlink(missing_ok=True)
        raise UploadRefused(f"'{file_part.filename}' is empty (0 bytes)")
    return fields, ReceivedFile(
        path=tmp_path[0],
        name=file_part.filename,
        size=size,
        sha256=digest.hexdigest(),
        head=bytes(head),
    )


def _discard(out: list[IO[bytes]], paths: list[Path]) -> None:
    for fh in out:
        fh.close()
    for path in paths:
        path.unlink(missing_ok=True)


def check_scan(received: ReceivedFile, limits: Limits = DEFAULT_LIMITS) -> str:
    """The kind of a received file by its content (``pdf`` | ``tiff`` | ``image`` | ``zip``),
    after the checks ingest would make first: a damaged or encrypted PDF, a broken zip, a zip
    bomb or unsafe member names, an unreadable image. UploadRefused otherwise."""
    kind = kind_of_bytes(received.head)
    name = received.name
    if kind is None:
        raise UploadRefused(
            f"'{name}' is not a scan (it looks like {describe_bytes(received.head)}); "
            "upload a PDF, a TIFF, a JPEG/PNG image or a zip of page images"
        )
    try:
        if kind == "zip":
            zf, _entries = open_zip(received.path, name, limits)
            zf.close()
        elif kind == "pdf":
            with PDFIUM_LOCK:
                pdf = open_pdf(received.path, name)
                pdf.close()
        else:
            try:
                with Image.open(received.path) as image:
                    w, h = image.size
            except (OSError, ValueError, Image.DecompressionBombError) as exc:
                raise InputError(f"'{name}' is a damaged image") from exc
            if w * h > limits.max_page_pixels:
                raise InputError(f"'{name}' is too large an image ({w}×{h} pixels)")
    except InputError as exc:
        raise UploadRefused(str(exc)) from exc
    return kind


def stored_name(received: ReceivedFile, kind: str) -> str:
    """The file name an accepted upload is kept under: its fingerprint and kind (by content),
    never the name the browser sent."""
    ext = _EXT_BY_KIND.get(kind)
    if ext is None:  # a single image
        ext = ".png" if received.head.startswith(PNG_MAGIC) else ".jpg"
    return f"{received.sha256}{ext}"
