"""Page clean-up before OCR, with OpenCV.

Each step is a pure function from an image to an image (uint8, greyscale unless said). What is on
by default is what measured best (bench/preprocess.py writes the comparison); every step can be
switched off through ``PreprocessOptions`` to re-measure.

- ``to_grey``: colour → grey by the *brightest* channel, which drops coloured stamps (a red stamp
  is bright in red, black ink is dark in every channel) and yellowed paper in one step. A blue or
  violet stamp on yellowed paper stays dark in every channel (paper is weak in blue), so where a
  stamp is found its ink is divided out (``remove_stamp_ink``).
- ``estimate_skew`` / ``rotate``: deskew by the projection profile of a small binarised copy.
- ``remove_leaders``: dotted leaders (". . . .", "……") that Tesseract reads as junk words and that
  bleed into the value beside them; found as runs of small, evenly spaced dots on one baseline,
  so the dots of Vietnamese diacritics (which never run in a row) stay.
- ``remove_rules``: long horizontal and vertical ruling lines.
- ``enclosed_dots_mask``: the dot inside a dotted zero, which Tesseract reads as 9.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.types import BBox


@dataclass(frozen=True)
class PreprocessOptions:
    stamp_suppression: bool = True
    deskew: bool = True
    remove_leaders: bool = True
    remove_rules: bool = True
    fill_dotted_zeros: bool = True
    flatten: bool = True
    clip_bleed_through: bool = True
    denoise: bool = False  # median blur; measured as no better on our scans
    binarize: bool = False  # measured: hurts degraded pages (shared/notes/measured.md)
    max_skew: float = 5.0


@dataclass(frozen=True)
class Preprocessed:
    image: np.ndarray  # what the engine reads
    skew: float  # degrees the page was rotated by to straighten it
    matrix: np.ndarray  # 2x3 affine: original → cleaned coordinates

    def to_original(self, bbox: BBox) -> BBox:
        """Map a box on the cleaned image back to the stored page image."""
        inv = cv2.invertAffineTransform(self.matrix)
        x0, y0, x1, y1 = bbox
        pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
        mapped = pts @ inv.T
        return (
            int(np.floor(mapped[:, 0].min())),
            int(np.floor(mapped[:, 1].min())),
            int(np.ceil(mapped[:, 0].max())),
            int(np.ceil(mapped[:, 1].max())),
        )


def to_grey(image: np.ndarray, *, stamp_suppression: bool = True) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        image = image[:, :, :3]
    if stamp_suppression:
        # Measured: also whitening saturated pixels left JPEG-speckled stamps and broke the
        # black text under them; the brightest channel alone does better, and a stamp whose
        # brightest channel stays dark is unmixed.
        # np.maximum over channel planes: 5× faster than .max(axis=2) on a 300 dpi page
        brightest = np.maximum(np.maximum(image[:, :, 0], image[:, :, 1]), image[:, :, 2])
        return remove_stamp_ink(image, brightest.astype(np.uint8))
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


STAMP_SATURATION = 0.3  # (max − min) / max of a paper-balanced pixel: stamp-coloured above
MIN_STAMP_SHARE = 0.001  # of the page's pixels: fewer stamp-coloured ones is no stamp
MIN_STAMP_CONTRAST = 0.15  # the stamp colour's strongest minus weakest channel
# Unmixed only where the stamp's estimated density is above this: lower, the JPEG colour
# fringes of plain black text were lightened too (−0.5 points on red-stamped dev books).
MIN_STAMP_DENSITY = 0.25
# Stamp alone on paper, in the brightest channel, as a share of paper: measured 0.76–0.89 for red
# stamps (left alone), 0.53–0.60 for blue ones.
STAMP_SHOWN_MAX = 0.7
_STAMP_STEP = 8  # subsampling for finding the stamp


def remove_stamp_ink(image: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """``grey`` (the brightest channel of the RGB ``image``) with a coloured stamp's ink divided
    out where the page has one; unchanged where it has none.

    Ink multiplies: a pixel is paper × text × stamp, with text neutral and the stamp of one
    colour k. Balanced by the paper colour, a pixel's saturation (max − min) / max then depends on
    the stamp's density alone, not on the text under it, so the density a follows from it, and
    the text is the stamp's brightest channel divided by (1 − a (1 − k)). Measured on dev poor
    books (60 entries): blue-stamped 87.4 % → 96.6 %. A stamp the brightest channel already
    shows light (red) is left alone.
    """
    small = image[::_STAMP_STEP, ::_STAMP_STEP].reshape(-1, 3).astype(np.float32)
    paper = np.maximum(np.percentile(small, 90, axis=0), 1.0)
    bal = np.minimum(small / paper, 1.0)
    top, low = bal.max(axis=1), bal.min(axis=1)
    sat = (top - low) / np.maximum(top, 1e-3)
    stamp = (sat > STAMP_SATURATION) & (top > 0.25)  # dark pixels' hue is noise
    if stamp.mean() < MIN_STAMP_SHARE:
        return grey
    colours, sats = bal[stamp], sat[stamp]
    dense = colours[sats >= np.percentile(sats, 75)]
    direction = np.median(dense / dense.max(axis=1, keepdims=True), axis=0)
    j, m = int(np.argmax(direction)), int(np.argmin(direction))
    # where the stamp is alone on paper its brightest channel is k_j itself
    k = np.clip(direction * float(np.percentile(dense[:, j], 90)), 0.0, 1.0)
    k_j, k_m = float(k[j]), float(k[m])
    if k_j - k_m < MIN_STAMP_CONTRAST:
        return grey
    if k_j * paper[j] / paper.max() >= STAMP_SHOWN_MAX:
        # The brightest channel already shows this stamp light (a red stamp on yellowed paper);
        # unmixing it anyway measured neutral (7 red-stamped poor books: mean +0.09 points,
        # −0.85 to +0.60 each), so such pages are left exactly as they were.
        return grey
    h, w = grey.shape
    mask = stamp.reshape(
        (image.shape[0] + _STAMP_STEP - 1) // _STAMP_STEP,
        (image.shape[1] + _STAMP_STEP - 1) // _STAMP_STEP,
    ).astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    out = grey.copy()
    level = float(paper.max())  # the brightest channel's paper, as ``grey`` has it
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area < 20:  # a speck, not a stamp
            continue
        x0, y0 = max(0, (x - 1) * _STAMP_STEP), max(0, (y - 1) * _STAMP_STEP)
        x1, y1 = min(w, (x + bw + 1) * _STAMP_STEP), min(h, (y + bh + 1) * _STAMP_STEP)
        win = image[y0:y1, x0:x1].astype(np.float32)
        c_j = np.minimum(win[:, :, j] / paper[j], 1.0)
        c_m = np.minimum(win[:, :, m] / paper[m], 1.0)
        q = np.clip((c_j - c_m) / np.maximum(c_j, 1e-3), 0.0, None)
        a = np.clip(q / ((k_j - k_m) + q * (1.0 - k_j)), 0.0, 1.0)
        text = np.clip(c_j / (1.0 - a * (1.0 - k_j)) * level, 0, 255).astype(np.uint8)
        old = out[y0:y1, x0:x1]
        out[y0:y1, x0:x1] = np.where(a > MIN_STAMP_DENSITY, np.maximum(text, old), old)
    return out


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Binary mask (255 = ink) by Otsu's threshold."""
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def is_blank(grey: np.ndarray, *, min_ink_share: float = 0.0005) -> bool:
    """A page with (almost) no ink: Otsu on a uniform page finds noise, so also ask for contrast."""
    small = cv2.resize(grey, (grey.shape[1] // 4 or 1, grey.shape[0] // 4 or 1))
    if int(small.max()) - int(small.min()) < 40:
        return True
    mask = ink_mask(small)
    dark = small < (int(small.max()) - 60)
    return float((mask.astype(bool) & dark).mean()) < min_ink_share


def estimate_skew(grey: np.ndarray, *, max_angle: float = 5.0) -> float:
    """Angle (degrees) to rotate by so text lines become horizontal: maximise profile variance."""
    scale = 0.25
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    mask = ink_mask(small)
    h, w = mask.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = rot.sum(axis=1, dtype=np.float64)
        return float(np.var(profile))

    best = 0.0
    step = 0.5
    candidates = np.arange(-max_angle, max_angle + 1e-9, step)
    best = max(candidates, key=score)
    for step in (0.1, 0.025):
        candidates = np.arange(best - 5 * step, best + 5 * step + 1e-9, step)
        best = max(candidates, key=score)
    return float(round(best, 3))


def rotation_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray:
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def rotate(grey: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    h, w = grey.shape[:2]
    return cv2.warpAffine(
        grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def leader_mask(grey: np.ndarray) -> np.ndarray:
    """Pixels of dotted leaders: runs of ≥ 4 small dots, evenly spaced on one baseline."""
    mask = ink_mask(grey)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return np.zeros_like(mask)
    w = stats[:, cv2.CC_STAT_WIDTH]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    # A printed dot at 300 dpi is a few pixels across and roughly square; an ellipsis glyph's
    # dots are separate components too.
    dot = (w <= 14) & (h <= 14) & (area >= 4) & (w <= 2.5 * h) & (h <= 2.5 * w)
    dot[0] = False
    idx = np.flatnonzero(dot)
    if idx.size == 0:
        return np.zeros_like(mask)
    # Group dots into rows by centre y, then into runs with gaps below ~1/2 a text height.
    cy = cents[idx, 1]
    cx = cents[idx, 0]
    order = np.lexsort((cx, np.round(cy / 6)))
    keep = np.zeros(n, dtype=bool)
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 4:
            ys = cents[run, 1]
            if float(ys.max() - ys.min()) <= 6:
                keep[run] = True

    prev: int | None = None
    for k in order:
        i = int(idx[k])
        if prev is not None:
            same_row = abs(cents[i, 1] - cents[prev, 1]) <= 5
            gap = cents[i, 0] - cents[prev, 0]
            if not (same_row and 0 < gap <= 40):
                flush()
                run = []
        run.append(i)
        prev = i
    flush()
    out = keep[labels]
    return (out * 255).astype(np.uint8)


def rules_mask(grey: np.ndarray, *, min_len: int = 200) -> np.ndarray:
    """Pixels of long horizontal and vertical ruling lines."""
    mask = ink_mask(grey)
    horiz = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1))
    )
    vert = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_len))
    )
    lines = cv2.bitwise_or(horiz, vert)
    return cv2.dilate(lines, np.ones((3, 3), np.uint8))


def enclosed_dots_mask(grey: np.ndarray, *, max_dot: int = 16, max_hole: int = 90) -> np.ndarray:
    """Small blobs inside a character's hole: the dot of a dotted zero (mono and typewriter
    fonts), read as 9 or 8 otherwise. Diacritics are never inside a hole, so nothing else goes.
    """
    mask = ink_mask(grey)
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    if hierarchy is None:
        return out
    h = hierarchy[0]
    for i, c in enumerate(contours):
        hole = h[i][3]
        if hole < 0 or h[hole][3] < 0:
            continue  # not inside a hole of another blob
        if h[h[hole][3]][3] >= 0:
            continue  # deeper nesting (text inside a ruled box inside …): leave it
        _x, _y, w, hh = cv2.boundingRect(c)
        _, _, hw, hh2 = cv2.boundingRect(contours[hole])
        if w <= max_dot and hh <= max_dot and hw <= max_hole and hh2 <= max_hole:
            cv2.drawContours(out, contours, i, 255, thickness=cv2.FILLED)
    return cv2.dilate(out, np.ones((3, 3), np.uint8))


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness (estimated on a small copy): uneven light, shadows
    and yellowing go, and ink keeps its contrast."""
    small = cv2.resize(grey, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), 3)
    bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(grey, np.maximum(bg, 1), scale=255)
    return out


# Mid-tones per ink pixel (tones between 0.9 × Otsu and the soft cut): measured 0.19 on clean
# pages, 0.36–0.40 on scans, 0.82–1.02 on poor pages with bleed-through and stamps.
BLEED_THROUGH_RATIO = 0.6
SOFT_MARGIN = 0.35  # cut this far from Otsu's threshold towards white
HARD_FACTOR = 0.9  # cut at this share of Otsu's threshold: +6 points at `poor`, −0.5 at `clean`


def clip_light(grey: np.ndarray) -> np.ndarray:
    """Paint paper-white every pixel lighter than the ink: bleed-through from the back of the
    page and the stamp's tints are lighter than any ink, faded or not. Ink keeps its grey edges
    (unlike a binarisation, which measured badly on degraded pages). On a page full of such
    mid-tones the cut goes below Otsu's threshold; elsewhere that would thin fine diacritics.
    """
    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    soft = t + SOFT_MARGIN * (255 - t)
    hard = HARD_FACTOR * t
    ink = int((grey < hard).sum())
    mid = int(((grey >= hard) & (grey < soft)).sum())
    cut = hard if mid > BLEED_THROUGH_RATIO * max(ink, 1) else soft
    out = grey.copy()
    out[grey > cut] = 255
    return out


def erase(grey: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Paint masked pixels with the page's paper tone."""
    if not mask.any():
        return grey
    paper = int(np.percentile(grey, 90))
    out = grey.copy()
    out[mask > 0] = paper
    return out


def preprocess(image: np.ndarray, options: PreprocessOptions | None = None) -> Preprocessed:
    opts = options or PreprocessOptions()
    grey = to_grey(image, stamp_suppression=opts.stamp_suppression)
    angle = estimate_skew(grey, max_angle=opts.max_skew) if opts.deskew else 0.0
    matrix = rotation_matrix(grey.shape, angle)
    if abs(angle) >= 0.05:
        grey = rotate(grey, matrix)
    else:
        matrix = rotation_matrix(grey.shape, 0.0)
        angle = 0.0
    if opts.flatten:
        grey = flatten_background(grey)
    if opts.clip_bleed_through:
        grey = clip_light(grey)
    if opts.denoise:
        grey = cv2.medianBlur(grey, 3)
    if opts.remove_rules:
        grey = erase(grey, rules_mask(grey))
    if opts.remove_leaders:
        grey = erase(grey, leader_mask(grey))
    if opts.fill_dotted_zeros:
        grey = erase(grey, enclosed_dots_mask(grey))
    if opts.binarize:
        grey = cv2.adaptiveThreshold(
            grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 41, 15
        )
    return Preprocessed(image=grey, skew=angle, matrix=matrix)
