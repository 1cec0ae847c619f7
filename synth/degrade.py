"""Scan-quality effects on a clean page render (numpy and OpenCV; no per-pixel Python).

``clean`` keeps the render. ``scan`` is a decent flatbed scan of a printed book: slight skew,
mild blur, light sensor noise, uneven light with a shadow at the binding, yellowish paper.
``poor`` is an old, worn book badly scanned: more skew, blur and noise, faded ink, the mirrored
text of the other side showing through, and a red or blue round stamp over the signer's line.
Everything is drawn from the ``numpy.random.Generator`` given, so a page's pixels depend only
on the seed and the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from synth import fonts

QUALITIES = ("clean", "scan", "poor")

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class QualityParams:
    skew_deg: float  # maximum absolute skew
    blur: tuple[float, float]  # Gaussian sigma range (pixels)
    noise: tuple[float, float]  # noise std range (grey levels)
    fade: tuple[float, float]  # ink strength (1 = as printed)
    bleed: tuple[float, float]  # strength of the show-through (0 = none)
    light: float  # depth of the uneven lighting (0..1)
    gutter: float  # darkening at the binding (0..1)
    jpeg: tuple[int, int]  # JPEG quality range
    stamp: bool
    paper: tuple[int, int, int]  # paper colour (RGB)
    ink: tuple[int, int, int]  # ink colour at full strength


PARAMS: dict[str, QualityParams] = {
    "scan": QualityParams(
        skew_deg=1.5,
        blur=(0.55, 0.85),
        noise=(3.0, 5.0),
        fade=(0.92, 1.0),
        bleed=(0.0, 0.0),
        light=0.08,
        gutter=0.18,
        jpeg=(75, 85),
        stamp=False,
        paper=(244, 236, 212),
        ink=(28, 26, 30),
    ),
    "poor": QualityParams(
        skew_deg=3.0,
        blur=(0.9, 1.25),
        noise=(6.0, 9.0),
        fade=(0.55, 0.7),
        bleed=(0.10, 0.16),
        light=0.16,
        gutter=0.32,
        jpeg=(50, 65),
        stamp=True,
        paper=(232, 218, 182),
        ink=(45, 38, 40),
    ),
}


@dataclass(frozen=True)
class BookScan:
    """Per-book scanner settings: JPEG quality, paper colour, stamp ink and the stamp mask."""

    quality: str
    jpeg_quality: int
    paper: tuple[int, int, int]
    stamp_rgb: tuple[int, int, int]
    stamp_mask: F32 | None  # 0..1, square

    @classmethod
    def draw(cls, quality: str, rng: np.random.Generator, stamp_text: str) -> BookScan:
        if quality == "clean":
            return cls(quality, 95, (255, 255, 255), (0, 0, 0), None)
        p = PARAMS[quality]
        jpeg = int(rng.integers(p.jpeg[0], p.jpeg[1] + 1))
        shift = rng.integers(-6, 7, size=3)
        paper = tuple(int(np.clip(c + s, 0, 255)) for c, s in zip(p.paper, shift, strict=True))
        red = rng.random() < 0.75
        stamp_rgb = (205, 45, 55) if red else (45, 70, 175)
        mask = make_stamp_mask(stamp_text) if p.stamp else None
        return cls(quality, jpeg, (paper[0], paper[1], paper[2]), stamp_rgb, mask)


def make_stamp_mask(ring_text: str, radius: int = 200) -> F32:
    """A round official stamp: two rings, the ring text and a star, as a 0..1 mask."""
    size = 2 * radius + 16
    c = size / 2
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=8)
    inner = radius - 62
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=3)
    # the star
    pts = []
    for k in range(10):
        r = inner * (0.55 if k % 2 == 0 else 0.22)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(pts, fill=255)
    # the ring text, clockwise from the left
    face = fonts.require(fonts.VALUE_FACES[:4], "stamp text")[0]
    text = f"{ring_text} ★ ".replace("★", "*")
    r_text = radius - 34
    px = 38
    font = fonts.load(face.bold, px)
    while px > 16:
        font = fonts.load(face.bold, px)
        total = sum(font.getlength(ch) for ch in text) * 1.08
        if total <= 2 * math.pi * r_text * 0.96:
            break
        px -= 2
    scale = 2 * math.pi * r_text / (total or 1.0)
    angle = -math.pi * 0.75
    for ch in text:
        w = font.getlength(ch) * 1.08 * scale
        mid = angle + (w / 2) / r_text
        if ch.strip():
            glyph = Image.new("L", (px * 2, px * 2), 0)
            ImageDraw.Draw(glyph).text((px, px), ch, font=font, fill=255, anchor="mm")
            rot = glyph.rotate(-math.degrees(mid) - 90, resample=Image.Resampling.BICUBIC)
            gx = c + r_text * math.cos(mid) - px
            gy = c + r_text * math.sin(mid) - px
            region = (int(gx), int(gy), int(gx) + px * 2, int(gy) + px * 2)
            base = img.crop(region)
            img.paste(Image.fromarray(np.maximum(np.asarray(base), np.asarray(rot))), region)
        angle += w / r_text
    return np.asarray(img, dtype=np.float32) / 255.0


def _light_field(
    rng: np.random.Generator, h: int, w: int, depth: float, gutter: float, left: bool
) -> U8:
    """Uneven lighting times the binding's shadow, as 0..255 (255 = full light).

    Computed at 1/8 size and scaled up: the field is smooth, so nothing is lost.
    """
    sh, sw = h // 8, w // 8
    grid = rng.random((6, 5)).astype(np.float32)
    field = np.clip(cv2.resize(grid, (sw, sh), interpolation=cv2.INTER_CUBIC), 0.0, 1.0)
    light = 1.0 - depth * field
    x = (np.arange(sw, dtype=np.float32) + 0.5) * 8
    dist = x if left else (w - x)
    light *= (1.0 - gutter * np.exp(-dist / 110.0))[None, :]
    small = np.clip(light * 255.0, 0, 255).astype(np.uint8)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


@lru_cache(maxsize=16)
def _noise_luts(std10: int) -> tuple[U8, U8]:
    """Two lookup tables turning uniform bytes into the positive and negative parts of a
    Gaussian noise with standard deviation ``std10 / 10`` grey levels."""
    dist = NormalDist(0.0, std10 / 10.0)
    values = np.array([dist.inv_cdf((i + 0.5) / 256) for i in range(256)], dtype=np.float32)
    pos = np.clip(np.round(values), 0, 255).astype(np.uint8)
    neg = np.clip(np.round(-values), 0, 255).astype(np.uint8)
    return pos, neg


def degrade(
    page: Image.Image,
    quality: str,
    scan: BookScan,
    rng: np.random.Generator,
    *,
    page_no: int,
    bleed: Image.Image | None = None,
    stamps: list[tuple[float, float]] | None = None,
) -> Image.Image:
    """The page as scanned at ``quality``: "L" for clean, "RGB" otherwise.

    Works on 8-bit images with OpenCV's saturating operations (≈ 50 ms a page).
    """
    if quality == "clean":
        return page
    p = PARAMS[quality]
    h, w = page.height, page.width
    ink: U8 = 255 - np.asarray(page, dtype=np.uint8)
    ink = _u8(cv2.convertScaleAbs(ink, alpha=float(rng.uniform(*p.fade))))
    if bleed is not None and p.bleed[1] > 0:
        back = _u8(cv2.flip(255 - np.asarray(bleed, dtype=np.uint8), 1))
        back = _u8(cv2.GaussianBlur(back, (0, 0), 2.2))
        dy, dx = (int(v) for v in rng.integers(-40, 41, size=2))
        back = np.roll(back, (dy, dx), axis=(0, 1))
        ink = _u8(cv2.addWeighted(ink, 1.0, back, float(rng.uniform(*p.bleed)), 0.0))

    # skew: rotate about the centre (the scanner lid never closes square)
    angle = float(rng.uniform(-p.skew_deg, p.skew_deg))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    ink = _u8(
        cv2.warpAffine(
            ink,
            matrix,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
    )
    ink = _u8(cv2.GaussianBlur(ink, (0, 0), float(rng.uniform(*p.blur))))

    light = _light_field(rng, h, w, p.light, p.gutter, left=page_no % 2 == 1)
    grey = _u8(cv2.multiply(255 - ink, light, scale=1.0 / 255.0))
    pos, neg = _noise_luts(round(float(rng.uniform(*p.noise)) * 10))
    uniform = np.frombuffer(rng.bytes(h * w), dtype=np.uint8).reshape(h, w)
    grey = _u8(cv2.add(grey, cv2.LUT(uniform, pos)))
    grey = _u8(cv2.subtract(grey, cv2.LUT(uniform, neg)))

    # paper and ink colour: each grey level maps to a mix of ink and paper colour
    t = np.arange(256, dtype=np.float32) / 255.0
    luts = [
        np.clip(ic + (pc - ic) * t, 0, 255).astype(np.uint8)
        for ic, pc in zip(p.ink, scan.paper, strict=True)
    ]
    rgb = _u8(cv2.merge([cv2.LUT(grey, lut) for lut in luts]))

    if scan.stamp_mask is not None and stamps:
        for sx, sy in stamps:
            px, py = matrix @ np.array([sx, sy, 1.0])
            _apply_stamp(rgb, scan.stamp_mask, scan.stamp_rgb, float(px), float(py), rng)
    return Image.fromarray(rgb, "RGB")


def _u8(a: object) -> U8:
    return np.asarray(a, dtype=np.uint8)


def _apply_stamp(
    rgb: U8,
    mask: F32,
    colour: tuple[int, int, int],
    cx: float,
    cy: float,
    rng: np.random.Generator,
) -> None:
    """Multiply a rotated, unevenly inked stamp into ``rgb`` around (cx, cy), in place."""
    size = mask.shape[0]
    rot = cv2.getRotationMatrix2D((size / 2, size / 2), float(rng.uniform(0, 360)), 1.0)
    m = cv2.warpAffine(mask, rot, (size, size), flags=cv2.INTER_LINEAR)
    # uneven ink: a smooth strength field, weaker on one side as a hand-pressed stamp is
    field = cv2.resize(rng.random((4, 4)).astype(np.float32), (size, size))
    m = cv2.GaussianBlur(m, (0, 0), 1.1) * (0.45 + 0.45 * field)
    x0, y0 = round(cx - size / 2), round(cy - size / 2)
    h, w = rgb.shape[:2]
    ax0, ay0 = max(0, x0), max(0, y0)
    ax1, ay1 = min(w, x0 + size), min(h, y0 + size)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    sub = m[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0, None]
    region = rgb[ay0:ay1, ax0:ax1].astype(np.float32)
    tint = np.array(colour, dtype=np.float32) / 255.0
    region *= 1.0 - sub * (1.0 - tint)
    rgb[ay0:ay1, ax0:ax1] = np.clip(region, 0, 255).astype(np.uint8)
