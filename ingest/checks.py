"""Cheap page checks the OCR stage may use (ingest itself stores every page as it is)."""

from __future__ import annotations

import cv2
import numpy as np

_MAX_SIDE = 1200  # pixels: enough to see a word on a 300 dpi page, fast on any page


def is_blank(image: np.ndarray, *, min_ink: float = 5e-5, contrast: int = 60) -> bool:
    """True if a page image is nearly uniform: marks darker than the paper by ``contrast`` grey
    levels cover less than ``min_ink`` of it.

    ``image``: uint8, (h, w) grey or (h, w, 3) RGB. The page is first shrunk by averaging to
    at most 1200 pixels a side, which fades specks of dust and noise but not pen strokes, and
    its borders (3 % a side, where scanner edges and shadows sit) are ignored. A page with one
    short word on it is not blank; paper texture, dust and faint show-through are.
    """
    if image.size == 0:
        return True
    grey = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    if grey.dtype != np.uint8:
        grey = np.clip(grey, 0, 255).astype(np.uint8)
    h, w = grey.shape
    scale = min(1.0, _MAX_SIDE / max(h, w))
    if scale < 1.0:
        grey = cv2.resize(
            grey, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
        h, w = grey.shape
    my, mx = int(h * 0.03), int(w * 0.03)
    inner = grey[my : h - my or h, mx : w - mx or w]
    if inner.size == 0:
        return True
    paper = float(np.percentile(inner, 90))
    ink = inner.astype(np.int16) < paper - contrast
    return float(ink.mean()) < min_ink
