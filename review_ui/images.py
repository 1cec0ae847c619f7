"""Page images for the browser: downscaled copies and crops around a field's box, made once
and kept on disk (``<data_dir>/cache/…``), so a 10 MB scan is decoded at most once per size.

Coordinates are the stored page image's pixels, top-left origin (``ocr.types``).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

WORK_WIDTH = 1600  # the working copy crops are cut from (≈ 160 dpi for an A4 page at 300 dpi)
VIEW_WIDTHS = (400, 800, 1200)  # page views the browser may ask for
CROP_WIDTH = 900  # a crop is shown at most this wide
BOX_COLOUR = (220, 30, 30)
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def resolve_page_path(data_dir: Path, image_path: str) -> Path:
    """A page's image file: stored paths are absolute or relative to the data dir."""
    path = Path(image_path)
    return path if path.is_absolute() else data_dir / path


def _save_atomic(image: Image.Image, out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            if fmt == "JPEG":
                image.save(fh, "JPEG", quality=85)
            else:
                image.save(fh, "PNG", compress_level=3)
        Path(tmp).replace(out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _scaled(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def working_copy(cache_dir: Path, page_sha: str, source: Path) -> tuple[Path, float]:
    """The page downscaled to at most :data:`WORK_WIDTH` wide, and its scale (≤ 1) from the
    stored page's pixels."""
    out = cache_dir / "work" / page_sha[:2] / f"{page_sha}.png"
    with _lock(str(out)):
        if not out.exists():
            with Image.open(source) as page:
                page.load()
                work = _scaled(
                    page.convert("L") if page.mode not in ("L", "RGB") else page, WORK_WIDTH
                )
                _save_atomic(work, out, "PNG")
    with Image.open(out) as work_image:
        work_width = work_image.width
    with Image.open(source) as page:  # reads the header only
        full_width = page.width
    return out, work_width / full_width


def page_view(cache_dir: Path, page_sha: str, source: Path, width: int) -> Path:
    """The whole page at one of :data:`VIEW_WIDTHS` wide, as JPEG."""
    if width not in VIEW_WIDTHS:
        raise ValueError(f"width must be one of {VIEW_WIDTHS}")
    out = cache_dir / "view" / page_sha[:2] / f"{page_sha}_{width}.jpg"
    with _lock(str(out)):
        if not out.exists():
            work, _scale = working_copy(cache_dir, page_sha, source)
            with Image.open(work) as image:
                _save_atomic(_scaled(image.convert("RGB"), width), out, "JPEG")
    return out


def crop_region(bbox: Sequence[int], page_w: int, page_h: int) -> tuple[int, int, int, int]:
    """The part of the page shown around a field's box: a few lines above and below, some width
    either side, inside the page."""
    x0, y0, x1, y1 = bbox
    h = max(1, y1 - y0)
    w = max(1, x1 - x0)
    pad_x = max(240, w // 2)  # the label before the value, and what follows it
    pad_y = max(40, 2 * h)
    return (
        max(0, x0 - pad_x),
        max(0, y0 - pad_y),
        min(page_w, x1 + pad_x),
        min(page_h, y1 + pad_y),
    )


def field_crop(cache_dir: Path, page_sha: str, source: Path, bbox: Sequence[int]) -> Path:
    """The page around ``bbox`` (stored-page pixels) with the box drawn, as PNG."""
    x0, y0, x1, y1 = (int(v) for v in bbox)
    out = cache_dir / "crop" / page_sha[:2] / f"{page_sha}_{x0}_{y0}_{x1}_{y1}.png"
    with _lock(str(out)):
        if out.exists():
            return out
        work, scale = working_copy(cache_dir, page_sha, source)
        with Image.open(work) as image:
            full_w, full_h = round(image.width / scale), round(image.height / scale)
            region = crop_region((x0, y0, x1, y1), full_w, full_h)
            rx0, ry0, rx1, ry1 = (round(v * scale) for v in region)
            piece = image.crop((rx0, ry0, rx1, ry1)).convert("RGB")
            zoom = min(2.0, CROP_WIDTH / max(1, piece.width))
            if zoom != 1.0:
                piece = piece.resize(
                    (max(1, round(piece.width * zoom)), max(1, round(piece.height * zoom))),
                    Image.Resampling.LANCZOS,
                )
            k = scale * zoom
            draw = ImageDraw.Draw(piece)
            draw.rectangle(
                (
                    round((x0 - region[0]) * k) - 3,
                    round((y0 - region[1]) * k) - 3,
                    round((x1 - region[0]) * k) + 3,
                    round((y1 - region[1]) * k) + 3,
                ),
                outline=BOX_COLOUR,
                width=3,
            )
            _save_atomic(piece, out, "PNG")
    return out
