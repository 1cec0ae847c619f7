"""Scanned book files → fingerprinted, stored page images.

API::

    ingest_book(source, data_dir, *, limits=DEFAULT_LIMITS, workers=None) -> IngestedBook
    detect_kind(source) -> "pdf" | "tiff" | "image" | "folder" | "zip"   (by content)
    is_blank(image) -> bool                                              (ingest.checks)

Inputs: a PDF (each page rendered at the resolution of its scan image, 300 dpi if it has
none; born-digital pages also bring their text layer, words in pixel coordinates of the stored
image, source="text_layer", conf 1.0), a multi-page TIFF, one JPEG or PNG, a folder of page
images or a zip of them (natural order: page-2 before page-10). Kinds are told by content.
A ledger spread scanned as two page images (its table across the binding) is joined into one
page, numbered as its left page (:mod:`ingest.spreads`).

Storage (see :mod:`ingest.storage`)::

    <data_dir>/sources/<sha256><ext>        original file, stored once (.pdf .tif .jpg .png .zip;
                                            a folder: each page file, plus <sha256>.json manifest)
    <data_dir>/pages/<sha[:2]>/<sha>.png    page image, lossless PNG (L or RGB); sha = SHA-256 of
                                            the decoded pixels (ingest.storage.pixel_sha256)

Writes are atomic and never overwrite: ingesting the same book again writes nothing and returns
an equal IngestedBook. A whole unusable book raises ``InputError`` and leaves no file behind; a
single bad page comes back as a ``StoredPage`` with ``error`` set (a PageError message).
"""

from ingest.book import ingest_book
from ingest.checks import is_blank
from ingest.detect import detect_kind
from ingest.model import DEFAULT_LIMITS, IngestedBook, Limits, StoredPage
from ingest.storage import pixel_sha256

__all__ = [
    "DEFAULT_LIMITS",
    "IngestedBook",
    "Limits",
    "StoredPage",
    "detect_kind",
    "ingest_book",
    "is_blank",
    "pixel_sha256",
]
