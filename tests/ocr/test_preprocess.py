"""Preprocessing steps on images drawn at test time."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.preprocess import (
    PreprocessOptions,
    clip_light,
    enclosed_dots_mask,
    estimate_skew,
    is_blank,
    leader_mask,
    preprocess,
    rotate,
    rotation_matrix,
    to_grey,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
MONO = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"


def text_page(
    lines: list[str], *, font: str = FONT, size: int = 44, leaders: bool = False
) -> np.ndarray:
    img = Image.new("L", (2000, 120 + 90 * len(lines)), 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(font, size)
    for i, line in enumerate(lines):
        y = 60 + 90 * i
        d.text((100, y), line, font=f, fill=0)
        if leaders:
            x = 100 + d.textlength(line, font=f) + 20
            while x < 1900:
                d.text((x, y), ".", font=f, fill=0)
                x += 22
    return np.asarray(img)


def test_deskew_finds_the_angle_it_must_undo() -> None:
    page = text_page(["Họ, chữ đệm, tên: NGUYỄN THỊ MINH ANH"] * 8)
    skewed = rotate(page, rotation_matrix(page.shape, 2.0))
    assert estimate_skew(skewed) == pytest.approx(-2.0, abs=0.3)
    assert abs(estimate_skew(page)) <= 0.3


def test_leaders_go_and_diacritics_stay() -> None:
    page = text_page(["Nơi sinh: Bệnh viện Phụ sản", "Quê quán: Tỉnh Thái Nguyên"], leaders=True)
    mask = leader_mask(page)
    plain = text_page(["Nơi sinh: Bệnh viện Phụ sản", "Quê quán: Tỉnh Thái Nguyên"])
    # Everything removed lies right of the text; the text itself (with its dots below, ạ ệ ụ) is
    # untouched.
    ink_of_text = plain < 128
    assert not (mask.astype(bool) & ink_of_text).any()
    assert mask.sum() > 0


def test_dotted_zero_loses_its_dot_only() -> None:
    page = text_page(["0901317 09/10/2000"], font=MONO, size=48)
    mask = enclosed_dots_mask(page)
    n, _ = cv2.connectedComponents(mask)
    # 7 zeros in the line, each with one dot, and nothing else.
    assert n - 1 == 7


def test_stamp_colour_and_bleed_through_are_cleaned() -> None:
    page = np.full((400, 800, 3), (235, 225, 190), np.uint8)  # yellowed paper
    cv2.putText(page, "TEXT", (50, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (20, 20, 20), 8)
    cv2.circle(page, (600, 200), 120, (205, 45, 55), 12)  # a red stamp ring
    cv2.putText(page, "BLEED", (50, 330), cv2.FONT_HERSHEY_SIMPLEX, 3, (190, 185, 160), 8)
    grey = to_grey(page)
    assert grey[200, 480] > 180  # the stamp is paper-bright in the brightest channel
    out = clip_light(grey)
    assert (out[280:360, 40:500] == 255).mean() > 0.99  # bleed-through gone
    assert (out[90:160, 50:350] < 100).any()  # text kept


def test_blank_pages() -> None:
    rng = np.random.default_rng(0)
    paper = (230 + rng.normal(0, 3, (3000, 2000))).clip(0, 255).astype(np.uint8)
    assert is_blank(paper)
    assert not is_blank(text_page(["Số: 12"]))


def test_preprocess_maps_boxes_back() -> None:
    page = text_page(["Giới tính: Nữ"] * 6)
    skewed = rotate(page, rotation_matrix(page.shape, 1.5))
    pre = preprocess(skewed, PreprocessOptions())
    x0, y0, x1, y1 = pre.to_original((100, 100, 300, 150))
    assert 0 <= x0 < x1 and 0 <= y0 < y1
    assert abs((x1 - x0) - 200) < 15
