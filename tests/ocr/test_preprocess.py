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


def stamped_line(colour: tuple[int, int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """'Chức vụ: Phó Chủ tịch' in black on yellowed paper, a stamp of ``colour`` multiplied over
    'Chủ tịch' as ink does; and a point of the stamp with no text under it."""
    img = Image.new("L", (1400, 400), 255)
    ImageDraw.Draw(img).text(
        (60, 170), "Chức vụ: Phó Chủ tịch", font=ImageFont.truetype(FONT, 56), fill=15
    )
    text = np.asarray(img, np.float32) / 255.0
    paper = np.array((232, 218, 182), np.float32)
    stamp = np.zeros((400, 1400), np.float32)
    cv2.circle(stamp, (580, 200), 150, 1.0, 14)  # the rings and a filled centre, as a seal
    cv2.circle(stamp, (580, 200), 120, 1.0, 8)
    cv2.circle(stamp, (580, 200), 60, 1.0, -1)
    stamp = cv2.GaussianBlur(stamp, (0, 0), 1.2) * 0.85
    tint = np.array(colour, np.float32) / 255.0
    rgb = paper * text[:, :, None] * (1.0 - stamp[:, :, None] * (1.0 - tint))
    return np.clip(rgb, 0, 255).astype(np.uint8), (580, 350)


@pytest.mark.parametrize("colour", [(45, 70, 175), (120, 60, 160)])
def test_stamp_ink_is_divided_out_and_text_under_it_kept(colour: tuple[int, int, int]) -> None:
    page, (x, y) = stamped_line(colour)
    grey = to_grey(page)
    assert grey[y, x] > 200  # stamp alone on paper: paper-bright (paper is 232)
    assert grey[260, 580] > 200  # the filled centre, below the letters
    clean, _ = stamped_line((255, 255, 255))  # the same line with no stamp
    ink = clean.max(axis=2) < 80
    under = ink & (np.arange(1400)[None, :] > 470)  # the letters under the stamp
    assert under.any()
    assert float(np.median(grey[under])) < 90  # still ink
    out = clip_light(grey)
    assert (out[140:260, 520:640][~ink[140:260, 520:640]] == 255).mean() > 0.97


def test_a_blue_stamp_stays_dark_in_the_brightest_channel_alone() -> None:
    # Why unmixing is needed: on yellowed paper (weak in blue) a blue stamp is dark everywhere.
    page, (x, y) = stamped_line((45, 70, 175))
    assert page[y, x].max() < 170
    assert to_grey(page, stamp_suppression=False)[y, x] < 140


@pytest.mark.parametrize("colour", [(255, 255, 255), (205, 45, 55)])
def test_no_stamp_or_a_red_one_is_the_brightest_channel(colour: tuple[int, int, int]) -> None:
    page, (x, y) = stamped_line(colour)
    grey = to_grey(page)
    assert np.array_equal(grey, page.max(axis=2))
    assert grey[y, x] > 180  # a red stamp is light in red already


def test_text_under_a_blue_stamp_is_read(tesseract: object) -> None:
    from ocr.engine import TesseractEngine

    assert isinstance(tesseract, TesseractEngine)
    page, _ = stamped_line((45, 70, 175))
    pre = preprocess(page, PreprocessOptions())
    words = " ".join(w.text for w in tesseract.read(pre.image).words)
    assert "Chủ tịch" in words


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
