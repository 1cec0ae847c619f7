"""Decoding page images (JPEG, PNG, TIFF frames) safely, into mode L or RGB."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ocr.types import PageText

Opener = Callable[[], IO[bytes]]

RESCAN = "rescan that page or export it again"

# dpi written in image metadata outside this range is a placeholder (72/96 from cameras and
# editors) or nonsense; the default is used instead.
MIN_PLAUSIBLE_DPI = 100
MAX_PLAUSIBLE_DPI = 4800

_ORIENTATION_TAG = 0x0112

# Only these Pillow decoders ever see a file: others (EPS runs Ghostscript, for one) are never
# tried, whatever a file's name says.
PAGE_FORMATS = ("JPEG", "PNG", "TIFF")


class PageFailure(Exception):
    """One page cannot be ingested. ``predicate`` completes "page 3 of 'x' …"."""

    def __init__(self, predicate: str, advice: str = RESCAN) -> None:
        super().__init__(predicate)
        self.predicate = predicate
        self.advice = advice


@dataclass
class RawPage:
    """A decoded page before storage."""

    pixels: np.ndarray  # uint8, (h, w) grey or (h, w, 3) RGB
    dpi: int
    text_layer: PageText | None = None


def bomb_failure(width: int, height: int, max_pixels: int) -> PageFailure:
    return PageFailure(
        f"is a possible decompression bomb: {width} × {height} pixels "
        f"({width * height / 1e6:.0f} megapixels) is over the limit of "
        f"{max_pixels / 1e6:g} megapixels per page",
        advice="rescan the page at 300–600 dpi",
    )


def check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise PageFailure(f"has no pixels ({width} × {height})")
    if width * height > max_pixels:
        raise bomb_failure(width, height, max_pixels)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text[:100]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def decode_failure(exc: BaseException, max_pixels: int) -> PageFailure:
    """Map what Pillow (and the codecs under it) raise to a page failure."""
    if isinstance(exc, Image.DecompressionBombError):
        # Pillow's own limit (≈ 179 MP) struck first, at open; its message holds the size.
        m = re.search(r"\((\d+) pixels\)", str(exc))
        declared = f"{int(m.group(1)) / 1e6:.0f} megapixels" if m else "a size"
        return PageFailure(
            f"is a possible decompression bomb: it declares {declared}, over the limit "
            f"of {max_pixels / 1e6:g} megapixels per page",
            advice="rescan the page at 300–600 dpi",
        )
    if isinstance(exc, UnidentifiedImageError):
        return PageFailure("is not a readable image (unknown or damaged format)")
    if isinstance(exc, OSError | EOFError) and "truncated" in str(exc).lower():
        return PageFailure("is damaged or truncated")
    if isinstance(exc, MemoryError):
        return PageFailure("is too large to decode in memory", advice="rescan at 300–600 dpi")
    return PageFailure(f"cannot be decoded ({_short(exc)})")


# What Pillow and its codecs raise on bad data. Decoding untrusted files, any Exception is
# taken as "this page cannot be decoded"; errors storing a page are not caught this way.
DECODE_ERRORS: tuple[type[Exception], ...] = (Exception,)


def plausible_dpi(info: Mapping[Any, Any], default: int) -> int:
    dpi = info.get("dpi")
    value: float | None = None
    if isinstance(dpi, tuple) and dpi:
        try:
            value = float(dpi[0])
        except (TypeError, ValueError):
            value = None
    if value is None or not math.isfinite(value):
        return default
    if not MIN_PLAUSIBLE_DPI <= value <= MAX_PLAUSIBLE_DPI:
        return default
    return round(value)


def _flatten(im: Image.Image, mode: str) -> Image.Image:
    """Composite an image with alpha over white, giving ``mode`` (L or RGB)."""
    rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert(mode)


def _to_8bit(im: Image.Image) -> Image.Image:
    """Mode I;16*, I or F (one channel, > 8 bits) to L, scaling 16-bit ranges down."""
    arr = np.asarray(im)
    if arr.dtype.kind == "f":
        out = np.clip(np.nan_to_num(arr), 0, 255)
    elif arr.size and int(arr.max()) > 255:
        out = arr.astype(np.float64) / 257.0
    else:
        out = arr
    return Image.fromarray(np.rint(out).astype(np.uint8))


def _grey_if_equal(im: Image.Image) -> Image.Image:
    """RGB whose three channels are identical → L (lossless)."""
    arr = np.asarray(im)
    if np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 1], arr[..., 2]):
        return Image.fromarray(np.ascontiguousarray(arr[..., 0]))
    return im


def normalize(im: Image.Image) -> Image.Image:
    """A loaded image as mode L (grey or bilevel source) or RGB (colour), upright per EXIF.

    Alpha is flattened over white; palette images become RGB or L; CMYK/YCbCr/LAB become RGB;
    16-bit grey is scaled to 8 bits. An RGB image whose channels are all equal becomes L.
    """
    try:
        orientation = im.getexif().get(_ORIENTATION_TAG, 1)
    except DECODE_ERRORS:
        orientation = 1
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        im = ImageOps.exif_transpose(im) or im
    mode = im.mode
    if mode in ("L", "RGB"):
        out = im
    elif mode == "1":
        out = im.convert("L")
    elif mode in ("LA", "La"):
        out = _flatten(im, "L")
    elif mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in im.info
        out = _flatten(im, "RGB") if has_alpha else im.convert("RGB")
    elif mode in ("RGBA", "RGBa"):
        out = _flatten(im, "RGB")
    elif mode.startswith("I") or mode == "F":
        out = _to_8bit(im)
    else:  # CMYK, YCbCr, LAB, HSV, RGBX ...
        out = im.convert("RGB")
    if out.mode == "RGB":
        out = _grey_if_equal(out)
    return out


def open_checked(fh: IO[bytes], max_pixels: int) -> Image.Image:
    """Image.open with the pixel limit checked on the header, before any pixel is decoded."""
    try:
        im = Image.open(fh, formats=PAGE_FORMATS)
    except DECODE_ERRORS as exc:
        raise decode_failure(exc, max_pixels) from exc
    check_pixels(im.width, im.height, max_pixels)
    return im


def tiff_frame_count(opener: Opener, max_pixels: int) -> tuple[int, PageFailure | None]:
    """Frames of a TIFF that can be reached, and why the chain broke if it did."""
    with opener() as fh:
        try:
            im = Image.open(fh, formats=PAGE_FORMATS)
        except DECODE_ERRORS as exc:
            return 0, decode_failure(exc, max_pixels)
        with im:
            try:
                return int(getattr(im, "n_frames", 1)), None
            except DECODE_ERRORS:
                pass
            count = 1
            while True:  # the IFD chain is broken somewhere: walk it to find where
                try:
                    im.seek(count)
                except EOFError:
                    return count, None
                except DECODE_ERRORS as exc:
                    return count, decode_failure(exc, max_pixels)
                count += 1


def load_frame(opener: Opener, index: int, max_pixels: int, default_dpi: int) -> RawPage:
    """Decode frame ``index`` (0 for a single image) into a normalized RawPage."""
    with opener() as fh:
        im = open_checked(fh, max_pixels)
        with im:
            try:
                if index:
                    im.seek(index)
                    check_pixels(im.width, im.height, max_pixels)
                im.load()
                dpi = plausible_dpi(im.info, default_dpi)
                pixels = np.asarray(normalize(im))  # a copy: free of the file
            except PageFailure:
                raise
            except DECODE_ERRORS as exc:
                raise decode_failure(exc, max_pixels) from exc
    return RawPage(pixels, dpi)
