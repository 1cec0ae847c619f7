"""What a file is, by its content (magic bytes), never by its name."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from civreg_cli.errors import InputError

SUPPORTED_ADVICE = "export the scan as PDF, TIFF, JPEG or PNG"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_EXPECTED_BY_SUFFIX = {
    ".pdf": "a PDF",
    ".tif": "a TIFF image",
    ".tiff": "a TIFF image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".png": "a PNG image",
    ".zip": "a zip archive",
}

# Content we recognise but do not take, to tell the user what they uploaded.
_OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"AT&TFORM", "a DjVu document"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
)


def image_format(head: bytes) -> str | None:
    """ "JPEG" | "PNG" | "TIFF" for the page-image formats we take, else None."""
    if head.startswith(JPEG_MAGIC):
        return "JPEG"
    if head.startswith(PNG_MAGIC):
        return "PNG"
    if head.startswith(TIFF_MAGICS):
        return "TIFF"
    return None


def kind_of_bytes(head: bytes) -> str | None:
    """The kind of a file from its first bytes (≥ 1024 of them if there are), or None."""
    if b"%PDF-" in head[:1024]:  # readers accept up to 1 KiB of junk before the header
        return "pdf"
    fmt = image_format(head)
    if fmt == "TIFF":
        return "tiff"
    if fmt is not None:
        return "image"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    return None


def describe_bytes(head: bytes) -> str:
    """A short guess at what unsupported content is, e.g. "text" or "a GIF image"."""
    for magic, what in _OTHER_MAGICS:
        if head.startswith(magic):
            return what
    if head[:2] == b"BM" and len(head) >= 14:
        return "a BMP image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
            return "a HEIC photo"
        return "a video or MP4 file"
    if b"\x00" not in head:
        try:  # incremental: a multi-byte letter cut off at the end of ``head`` is fine
            text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            text = head.decode("latin-1")
            printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
            if printable < 0.95 * len(text):
                return "an unknown binary format"
        lowered = text.lstrip().lower()
        if lowered.startswith(("<!doctype html", "<html")):
            return "a web page (HTML)"
        if lowered.startswith("<?xml") or lowered.startswith("<svg"):
            return "an XML or SVG file"
        return "text"
    return "an unknown binary format"


def _expected(source: Path) -> str:
    return _EXPECTED_BY_SUFFIX.get(source.suffix.lower(), "a supported scan file")


def check_readable(source: Path) -> None:
    """Raise InputError unless ``source`` is an existing, readable file or folder."""
    name = source.name or str(source)
    if not source.exists():
        raise InputError(f"'{name}' does not exist", advice="check the path and upload again")
    if source.is_dir():
        if not os.access(source, os.R_OK | os.X_OK):
            raise InputError(
                f"folder '{name}' cannot be read (permission denied)",
                advice="check the folder's permissions",
            )
        return
    if not source.is_file():
        raise InputError(
            f"'{name}' is not a regular file", advice=f"{SUPPORTED_ADVICE} and upload that file"
        )
    if not os.access(source, os.R_OK):
        raise InputError(
            f"'{name}' cannot be read (permission denied)", advice="check the file's permissions"
        )


def read_head(source: Path, n: int = 4096) -> bytes:
    try:
        with source.open("rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise InputError(
            f"'{source.name}' cannot be read ({exc.strerror or exc.__class__.__name__})",
            advice="check the file and upload again",
        ) from exc


def detect_kind(source: Path) -> str:
    """ "pdf" | "tiff" | "image" | "folder" | "zip", from the content (magic bytes).

    Raises InputError, naming the file and saying what to do, when it is missing, unreadable,
    empty or of a kind we do not take.
    """
    source = Path(source)
    check_readable(source)
    if source.is_dir():
        return "folder"
    head = read_head(source)
    if not head:
        raise InputError(f"'{source.name}' is empty (0 bytes)", advice="upload the scan again")
    kind = kind_of_bytes(head)
    if kind is None:
        raise InputError(
            f"'{source.name}' is not {_expected(source)} (it looks like {describe_bytes(head)})",
            advice=SUPPORTED_ADVICE,
        )
    return kind
