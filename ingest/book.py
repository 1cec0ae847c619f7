"""ingest_book: a scanned book (PDF, TIFF, image, folder, zip) → fingerprinted, stored pages.

The calling thread reads the source in order (PDFium renders there: it is not thread-safe);
a few worker threads decode image files, fingerprint the pixels and write the PNGs (Pillow's
decoders, OpenCV's PNG encoder and hashlib release the GIL). At most ``2 × workers`` pages
are in flight, so memory stays bounded whatever the book's length.

Nothing is written for a book that raises InputError: every whole-book check happens before
the first page is stored, and a book whose pages all fail stores nothing either.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from civreg_cli.errors import InputError, PageError
from ingest.archive import Entry, folder_entries, open_zip, read_member
from ingest.detect import detect_kind, image_format, read_head
from ingest.images import Opener, PageFailure, RawPage, load_frame, tiff_frame_count
from ingest.model import DEFAULT_LIMITS, IngestedBook, Limits, StoredPage
from ingest.pdf import pdf_pages
from ingest.spreads import join_spreads, outline_of
from ingest.storage import file_sha256, store_bytes, store_file, store_page
from ocr.table import TableOutline

_EXT_BY_FORMAT = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif"}
_EXT_BY_KIND = {"pdf": ".pdf", "tiff": ".tif", "zip": ".zip"}


@dataclass(frozen=True)
class _ManifestItem:
    name: str
    sha256: str
    size: int
    ext: str
    path: Path


@dataclass
class _Job:
    label: str  # what follows "page N of 'book'": "" or " (scans/p3.jpg)"
    load: Callable[[], RawPage]  # raises PageFailure


def _const(item: RawPage | PageFailure) -> Callable[[], RawPage]:
    def load() -> RawPage:
        if isinstance(item, PageFailure):
            raise item
        return item

    return load


def default_workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def ingest_book(
    source: Path,
    data_dir: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
) -> IngestedBook:
    """Fingerprint and store every page of a scanned book; see the package docstring.

    Raises InputError (naming the file, saying what to do) when the book as a whole is
    unusable; a page that alone cannot be read comes back with ``error`` set.
    """
    source = Path(source)
    data_dir = Path(data_dir).absolute()
    kind = detect_kind(source)
    name = source.name or str(source)
    manifest: list[_ManifestItem] = []
    closers: list[Callable[[], None]] = []
    jobs: Iterator[_Job]
    if kind == "folder":
        entries = folder_entries(source, exclude=data_dir)
        check_page_count(name, len(entries), limits)
        jobs = _entry_jobs(entries, _folder_opener, limits, manifest)
    elif kind == "zip":
        zf, entries = open_zip(source, name, limits)
        closers.append(zf.close)

        def zip_opener(entry: Entry) -> Opener:
            assert entry.info is not None
            data = read_member(zf, entry.info, limits)
            return lambda: io.BytesIO(data)

        jobs = _entry_jobs(entries, zip_opener, limits, None)
    elif kind == "pdf":
        _count, pdf_iter = pdf_pages(source, name, limits)
        closers.append(pdf_iter.close)
        jobs = (_Job("", _const(p)) for p in pdf_iter)
    elif kind == "tiff":
        jobs = _tiff_jobs(source, name, limits)
    else:  # a single JPEG or PNG
        jobs = iter([_Job("", _frame_loader(_file_opener(source), 0, limits))])

    try:
        pages, outlines = _run(jobs, name, data_dir, limits, workers or default_workers())
    finally:
        for close in closers:
            close()
    if all(p.error is not None for p in pages):
        raise _book_unreadable(name, kind, pages)
    # a ledger spread scanned as two page images: one page (ingest.spreads)
    pages = join_spreads(pages, outlines, data_dir, limits)

    # The originals, last: a book refused above leaves nothing behind.
    sources = data_dir / "sources"
    if kind == "folder":
        listing = [{"name": m.name, "sha256": m.sha256, "size": m.size} for m in manifest]
        manifest_bytes = json.dumps(
            listing, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode("utf-8")
        source_sha = hashlib.sha256(manifest_bytes).hexdigest()
        for m in manifest:
            store_file(sources / f"{m.sha256}{m.ext}", m.path)
        store_bytes(sources / f"{source_sha}.json", manifest_bytes)
    else:
        source_sha = file_sha256(source)
        fmt = image_format(read_head(source)) or ""
        ext = _EXT_BY_KIND.get(kind) or _EXT_BY_FORMAT.get(fmt, "")
        store_file(sources / f"{source_sha}{ext}", source)
    return IngestedBook(
        source_path=source.absolute(),
        source_name=name,
        source_sha256=source_sha,
        pages=pages,
    )


def _book_unreadable(name: str, kind: str, pages: list[StoredPage]) -> InputError:
    first = pages[0].error or ""
    if kind == "image" or len(pages) == 1:
        # "page 1 of 'x.jpg' is damaged…" → "'x.jpg' is damaged…": one page is the whole book
        message = first.removeprefix("page 1 of ")
        return InputError(message)
    return InputError(
        f"none of the {len(pages)} pages of '{name}' could be read (first: {first})",
    )


def _file_opener(path: Path) -> Opener:
    return lambda: path.open("rb")


def _folder_opener(entry: Entry) -> Opener:
    assert entry.path is not None
    return _file_opener(entry.path)


def _tiff_jobs(source: Path, name: str, limits: Limits) -> Iterator[_Job]:
    opener = _file_opener(source)
    count, broken = tiff_frame_count(opener, limits.max_page_pixels)
    if count == 0 and broken is not None:
        raise InputError(f"'{name}' {broken.predicate}", advice=broken.advice)
    check_page_count(name, count, limits)
    for index in range(count):
        yield _Job("", _frame_loader(opener, index, limits))
    if broken is not None:
        yield _Job(
            "",
            _const(
                PageFailure(
                    "and any pages after it cannot be read (the file is damaged or cut short here)",
                    advice="export the TIFF again",
                )
            ),
        )


def _frame_loader(opener: Opener, index: int, limits: Limits) -> Callable[[], RawPage]:
    return lambda: load_frame(opener, index, limits.max_page_pixels, limits.default_dpi)


def _entry_jobs(
    entries: list[Entry],
    make_opener: Callable[[Entry], Opener],
    limits: Limits,
    manifest: list[_ManifestItem] | None,
) -> Iterator[_Job]:
    """Jobs for page files in order; a multi-page TIFF gives one job per frame."""
    for entry in entries:
        label = f" ({entry.name})"
        if entry.failure is not None:
            yield _Job(label, _const(entry.failure))
            continue
        try:
            opener = make_opener(entry)  # zip: reads the member now
        except PageFailure as failure:
            yield _Job(label, _const(failure))
            continue
        if manifest is not None and entry.path is not None:
            try:
                sha = file_sha256(entry.path)
                size = entry.path.stat().st_size
            except OSError as exc:
                yield _Job(label, _const(PageFailure(f"cannot be read ({exc.strerror})")))
                continue
            ext = _EXT_BY_FORMAT.get(entry.fmt or "") or entry.path.suffix.lower()
            manifest.append(_ManifestItem(entry.name, sha, size, ext, entry.path))
        if entry.fmt != "TIFF":
            yield _Job(label, _frame_loader(opener, 0, limits))
            continue
        count, broken = tiff_frame_count(opener, limits.max_page_pixels)
        for index in range(count):
            frame_label = f" ({entry.name}, frame {index + 1})" if count > 1 or broken else label
            yield _Job(frame_label, _frame_loader(opener, index, limits))
        if broken is not None:
            yield _Job(f" ({entry.name}, frame {count + 1})", _const(broken))


def check_page_count(name: str, count: int, limits: Limits) -> None:
    if count > limits.max_pages:
        raise InputError(
            f"'{name}' has {count} pages, over the limit of {limits.max_pages} per book",
            advice="split the book into parts and upload each",
        )


def _run(
    jobs: Iterator[_Job], name: str, data_dir: Path, limits: Limits, workers: int
) -> tuple[list[StoredPage], list[TableOutline | None]]:
    """Run the jobs through the worker pool; pages in job order, each with the outline of its
    ruled table (None for a page without one)."""
    results: list[tuple[StoredPage, TableOutline | None]] = []
    pending: deque[Future[tuple[StoredPage, TableOutline | None]]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest")
    try:
        for page_no, job in enumerate(jobs, start=1):
            # Known up front for PDF, TIFF and folder; frames of TIFFs in a zip/folder show up
            # here only (pages stored so far stay: complete files, stored by content).
            check_page_count(name, page_no, limits)
            pending.append(pool.submit(_do_job, page_no, job, name, data_dir, limits))
            while len(pending) >= 2 * workers:
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [p for p, _ in results], [o for _, o in results]


def _do_job(
    page_no: int, job: _Job, name: str, data_dir: Path, limits: Limits
) -> tuple[StoredPage, TableOutline | None]:
    try:
        raw = job.load()
    except PageFailure as failure:
        err = PageError(
            f"page {page_no} of '{name}'{job.label} {failure.predicate}", advice=failure.advice
        )
        return StoredPage(page_no, None, None, 0, 0, 0, None, str(err)), None
    sha, path = store_page(data_dir, raw.pixels, raw.dpi, limits.png_compress_level)
    page = StoredPage(
        page_no=page_no,
        sha256=sha,
        image_path=path,
        width=raw.pixels.shape[1],
        height=raw.pixels.shape[0],
        dpi=raw.dpi,
        text_layer=raw.text_layer,
    )
    return page, outline_of(raw.pixels, page)
