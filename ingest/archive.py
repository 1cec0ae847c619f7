"""Page files from a folder or a zip archive: found, checked, in natural order.

A zip is never extracted to disk: each member is read into memory, up to its declared size,
and decoded from there, so no member name can write anywhere. Names that would escape a folder
(absolute, drive letters, ``..``) still make the archive refused, as do declared sizes or
compression ratios over the limits (zip bombs); both are checked on the central directory
before any member is read.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from civreg_cli.errors import InputError
from ingest.detect import image_format
from ingest.images import PageFailure
from ingest.model import Limits

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff"}
NO_IMAGES_ADVICE = "put the scanned pages (JPEG, PNG or TIFF) in it and upload again"
_DIGITS = re.compile(r"([0-9]+)")
_OFFICE_MARKERS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")


def natural_key(relpath: str) -> tuple[tuple[tuple[str | int, ...], ...], str]:
    """Sort key: "page-2" before "page-10", case- and normalization-insensitive, per folder."""
    parts = []
    for comp in PurePosixPath(relpath).parts:
        folded = unicodedata.normalize("NFC", comp).casefold()
        pieces = _DIGITS.split(folded)  # str, int, str, int, ... always starting with a str
        parts.append(tuple(int(p) if i % 2 else p for i, p in enumerate(pieces)))
    return tuple(parts), relpath


def _hidden(relpath: str) -> bool:
    return any(c.startswith(".") or c == "__MACOSX" for c in PurePosixPath(relpath).parts)


@dataclass
class Entry:
    """One page file in a folder or zip."""

    name: str  # relative, with "/" separators
    fmt: str | None  # "JPEG" | "PNG" | "TIFF" by magic bytes, None if not an image we know
    failure: PageFailure | None = None  # the file itself could not be read
    path: Path | None = None  # folder entries: the file
    info: zipfile.ZipInfo | None = None  # zip entries: the member


def _is_page(name: str, head: bytes) -> bool:
    return image_format(head) is not None or PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


# ---------------------------------------------------------------- folder


def folder_entries(folder: Path, exclude: Path | None = None) -> list[Entry]:
    """Image files under ``folder`` (recursively; hidden files and __MACOSX skipped), sorted.

    ``exclude``: a folder not to look into (the data dir, should it lie inside the book).
    """
    label = folder.name or str(folder)
    skip = exclude.resolve() if exclude is not None else None
    found: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".")
            and d != "__MACOSX"
            and (skip is None or (Path(dirpath) / d).resolve() != skip)
        ]
        for fn in filenames:
            path = Path(dirpath) / fn
            rel = path.relative_to(folder).as_posix()
            if _hidden(rel) or not path.is_file():
                continue
            try:
                with path.open("rb") as fh:
                    head = fh.read(16)
            except OSError as exc:
                if PurePosixPath(rel).suffix.lower() in IMAGE_SUFFIXES:
                    failure = PageFailure(f"cannot be read ({exc.strerror or 'I/O error'})")
                    found.append(Entry(rel, None, failure, path))
                continue
            if _is_page(rel, head):
                found.append(Entry(rel, image_format(head), path=path))
    if not found:
        raise InputError(f"folder '{label}' contains no page images", advice=NO_IMAGES_ADVICE)
    found.sort(key=lambda e: natural_key(e.name))
    return found


# ---------------------------------------------------------------- zip


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    if n.startswith("/") or re.match(r"^[A-Za-z]:", n) or "\x00" in n:
        return True
    return any(part == ".." for part in n.split("/"))


def _bomb(name: str, what: str) -> InputError:
    return InputError(
        f"'{name}' is a possible zip bomb: {what}",
        advice="zip the page images again (or upload them as a folder)",
    )


def open_zip(source: Path, name: str, limits: Limits) -> tuple[zipfile.ZipFile, list[Entry]]:
    """Open and check a zip; its page entries in natural order (members not read yet).

    InputError for a damaged archive, unsafe names, sizes over the limits, encrypted pages,
    or no page image at all.
    """
    try:
        zf = zipfile.ZipFile(source)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"'{name}' is a damaged zip archive", advice="create the zip again and upload it"
        ) from exc
    try:
        entries = _check_zip(zf, infos, name, limits)
    except BaseException:
        zf.close()
        raise
    return zf, entries


def _check_zip(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limits: Limits
) -> list[Entry]:
    if len(infos) > limits.max_zip_entries:
        raise _bomb(name, f"{len(infos)} members, over the limit of {limits.max_zip_entries}")
    total = 0
    for info in infos:
        if _unsafe_name(info.filename):
            raise InputError(
                f"'{name}' contains an unsafe file name ({info.filename[:80]!r})",
                advice="zip the page images again, with plain relative names, and upload that zip",
            )
        total += info.file_size
        if info.file_size > limits.max_zip_entry_bytes:
            raise _bomb(
                name,
                f"member {info.filename[:80]!r} would unpack to {info.file_size / 2**20:.0f} MiB, "
                f"over the limit of {limits.max_zip_entry_bytes / 2**20:.0f} MiB",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.zip_ratio_min_bytes and ratio > limits.max_zip_ratio:
            raise _bomb(
                name,
                f"member {info.filename[:80]!r} is compressed {ratio:.0f}:1, over the limit of "
                f"{limits.max_zip_ratio:.0f}:1",
            )
    if total > limits.max_zip_total_bytes:
        raise _bomb(
            name,
            f"it would unpack to {total / 2**20:.0f} MiB, over the limit of "
            f"{limits.max_zip_total_bytes / 2**20:.0f} MiB",
        )

    entries: list[Entry] = []
    names = {info.filename for info in infos}
    for info in infos:
        rel = info.filename.replace("\\", "/")
        if info.is_dir() or _hidden(rel):
            continue
        is_image_name = PurePosixPath(rel).suffix.lower() in IMAGE_SUFFIXES
        if info.flag_bits & 0x1:
            if is_image_name:
                raise InputError(
                    f"'{name}' is password-protected", advice="zip the pages without a password"
                )
            continue
        entry = Entry(rel, None, info=info)
        try:
            with zf.open(info) as fh:
                head = fh.read(16)
        except Exception as exc:  # damaged member (bad CRC, unsupported method, ...)
            if is_image_name:
                entry.failure = PageFailure(f"cannot be unpacked ({exc.__class__.__name__})")
                entries.append(entry)
            continue
        if _is_page(rel, head):
            entry.fmt = image_format(head)
            entries.append(entry)
    if not entries:
        office = any(marker in names for marker in _OFFICE_MARKERS)
        looks = " (it looks like an Office document)" if office else ""
        raise InputError(f"'{name}' contains no page images{looks}", advice=NO_IMAGES_ADVICE)
    entries.sort(key=lambda e: natural_key(e.name))
    return entries


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member's bytes, never more than its declared size (PageFailure if damaged)."""
    try:
        with zf.open(info) as fh:
            data = fh.read(min(info.file_size, limits.max_zip_entry_bytes) + 1)
    except Exception as exc:  # bad CRC, truncated data, unsupported compression
        raise PageFailure(f"cannot be unpacked ({exc.__class__.__name__})") from exc
    if len(data) != info.file_size:
        raise PageFailure("cannot be unpacked (its size does not match the zip directory)")
    return data
