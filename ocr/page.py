"""Read one stored page image: preprocess, OCR, and map boxes back to the stored image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from civreg_cli.errors import PageError
from ocr.engine import OcrEngine
from ocr.preprocess import Preprocessed, PreprocessOptions, is_blank, preprocess, to_grey
from ocr.types import Line, PageText, Word

# A page whose reading scores under this is tried upside down as well.
UPSIDE_DOWN_RETRY_SCORE = 0.55

# How plausible a reading is, 0..1: by default the mean word confidence; the pipeline passes a
# language-aware scorer (share of words that are real syllables), which upside-down garbage
# fails however confidently it was read.
Plausibility = Callable[[PageText], float]


@dataclass
class PageReading:
    text: PageText
    warnings: list[str] = field(default_factory=list)  # e.g. "blank", "rotated_180"


def load_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as opened:
            opened.load()
            im: Image.Image = opened
            if im.mode not in ("L", "RGB"):
                im = im.convert("RGB") if "A" in im.mode or im.mode == "P" else im.convert("L")
            return np.asarray(im)
    except (OSError, ValueError) as exc:
        raise PageError(
            f"{path.name}: the page image cannot be read ({exc.__class__.__name__})",
            advice="re-scan or re-upload this page",
        ) from exc


def _mapped(page: PageText, pre: Preprocessed, width: int, height: int) -> PageText:
    lines = [
        Line(
            [Word(w.text, _clip(pre.to_original(w.bbox), width, height), w.conf) for w in ln.words]
        )
        for ln in page.lines
    ]
    return PageText(
        width=width, height=height, lines=lines, engine=page.engine, skew=pre.skew, source="ocr"
    )


def _clip(b: tuple[int, int, int, int], w: int, h: int) -> tuple[int, int, int, int]:
    return (max(0, b[0]), max(0, b[1]), min(w, b[2]), min(h, b[3]))


def mean_conf(page: PageText) -> float:
    words = [w for w in page.words if len(w.text) > 1 or w.text.isalnum()]
    if not words:
        return 0.0
    return float(sum(w.conf for w in words) / len(words))


def read_page(
    image: np.ndarray,
    engine: OcrEngine,
    options: PreprocessOptions | None = None,
    plausibility: Plausibility | None = None,
) -> PageReading:
    height, width = image.shape[:2]
    grey = to_grey(image, stamp_suppression=(options or PreprocessOptions()).stamp_suppression)
    if is_blank(grey):
        return PageReading(PageText(width=width, height=height, engine=engine.name), ["blank"])
    pre = preprocess(grey if image.ndim == 3 else image, options)
    page = _mapped(engine.read(pre.image), pre, width, height)
    warnings: list[str] = []
    score_of = plausibility or mean_conf
    score = score_of(page)
    if score < UPSIDE_DOWN_RETRY_SCORE:
        # Maybe upside down: read it turned round and keep the better reading.
        flipped = cv2.rotate(pre.image, cv2.ROTATE_180)
        alt = engine.read(flipped)
        if score_of(alt) > score + 0.15 and len(alt.words) >= len(page.words) // 2:
            pre180 = Preprocessed(
                image=flipped, skew=pre.skew, matrix=_compose_180(pre.matrix, width, height)
            )
            page = _mapped(alt, pre180, width, height)
            page.rotation = 180
            warnings.append("rotated_180")
    return PageReading(page, warnings)


def _compose_180(matrix: np.ndarray, width: int, height: int) -> np.ndarray:
    """original → deskewed → turned round (x' = w-1-x, y' = h-1-y)."""
    m = np.vstack([matrix, [0, 0, 1]])
    turn = np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], dtype=np.float64)
    return (turn @ m)[:2]
