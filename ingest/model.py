"""What ingest hands back, and the limits it works under."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocr.types import PageText

MIB = 1024 * 1024


@dataclass(frozen=True)
class StoredPage:
    """One page of a book, stored as a lossless PNG (or failed, with ``error`` set).

    ``sha256`` fingerprints the decoded pixels, not the PNG bytes (see
    :func:`ingest.storage.pixel_sha256`), so it does not change with the PNG encoder's version
    or settings. ``image_path`` is ``<data_dir>/pages/<sha[:2]>/<sha>.png``, absolute.
    ``width``/``height`` are the stored image's pixel size and ``dpi`` the resolution it was taken
    at (authoritative; the PNG's own pHYs chunk records the dpi of whichever ingest stored those
    pixels first). ``text_layer`` is set only for born-digital PDF pages, in pixel coordinates
    of the stored image. A failed page has ``error`` set (a one-line PageError message), no
    sha256/image_path/text_layer, and width = height = dpi = 0.
    """

    page_no: int  # 1-based, in book order
    sha256: str | None
    image_path: Path | None
    width: int
    height: int
    dpi: int
    text_layer: PageText | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class IngestedBook:
    """A book after ingest: where it came from, its fingerprint, its pages in order.

    ``source_sha256`` is the SHA-256 of the source file's bytes; for a folder, of its manifest
    (a JSON list of the page files' relative names, sizes and SHA-256s, stored as
    ``sources/<sha>.json``).
    """

    source_path: Path  # absolute
    source_name: str  # file or folder name as given
    source_sha256: str
    pages: list[StoredPage]

    @property
    def failed_pages(self) -> list[StoredPage]:
        return [p for p in self.pages if p.error is not None]


@dataclass(frozen=True)
class Limits:
    """Safety limits (a page or archive over one is refused, never partly processed) and the
    few settings ingest has."""

    max_page_pixels: int = 100_000_000  # per page (Pillow refuses > ~179 MP on its own)
    max_pages: int = 10_000  # per book
    max_zip_entries: int = 10_000
    max_zip_entry_bytes: int = 512 * MIB  # declared uncompressed size of one member
    max_zip_total_bytes: int = 4096 * MIB  # declared uncompressed size of all members
    max_zip_ratio: float = 250.0  # uncompressed / compressed, for members over ...
    zip_ratio_min_bytes: int = 32 * MIB  # ... this size (small members may compress very well)
    default_dpi: int = 300  # a PDF page with no image; an image file with no usable dpi
    png_compress_level: int = 3


DEFAULT_LIMITS = Limits()
