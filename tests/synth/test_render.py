"""Page layout: what is drawn is exactly what the truth says, inside the page."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from civreg_cli.errors import ConfigError
from synth import fonts
from synth.records import BookSpec, Entry, make_book_spec, make_entries
from synth.render import PAGE_H, PAGE_W, EntryBlock, Layout, RenderStyle


def _laid_out(
    seed: int, year: int = 2018, n: int = 30
) -> tuple[BookSpec, Layout, list[EntryBlock]]:
    rng = random.Random(seed)
    book = make_book_spec(rng, year=year, book_no=f"01/{year}", authority=None, first_entry_no=1)
    entries = make_entries(rng, book, n)
    lay = Layout(book, RenderStyle.draw(random.Random(seed + 100)))
    return book, lay, [lay.layout_entry(e, rng) for e in entries]


@pytest.mark.parametrize("seed", range(8))
def test_drawn_values_are_the_printed_values(seed: int) -> None:
    book, _, blocks = _laid_out(seed, year=2014 + seed)
    printed_ids = [i for line in book.lines for i in line]
    for block in blocks:
        entry: Entry = block.entry
        values: dict[str, list[str]] = defaultdict(list)
        labels: dict[str, str] = {}
        for op in block.ops:
            if op.role == "value":
                values[op.key].append(op.text)
            elif op.role == "label":
                labels[op.key] = op.text
        assert list(labels) == printed_ids  # every printed label, left to right, top to bottom
        for label_id in printed_ids:
            assert labels[label_id] == book.labels[book.form.label_id(label_id)] + ":"
            value = entry.printed[label_id]
            drawn = " ".join(values.get(label_id, []))
            if value:
                assert drawn == value  # wrapped at spaces only: joined, it is the value
            else:
                assert drawn in ("", "-")


@pytest.mark.parametrize("seed", range(8))
def test_text_stays_on_the_page(seed: int) -> None:
    _, lay, blocks = _laid_out(seed)
    right = PAGE_W - lay.style.margin_right + 2
    for block in blocks:
        for op in block.ops:
            assert op.x >= lay.style.margin_left - 1
            if op.role != "value" or " " in op.text:  # a single word longer than a line may not
                assert (
                    op.x + lay.length(op.text, op.role if op.role != "leader" else "label") <= right
                )


@pytest.mark.parametrize("seed", range(6))
def test_pages_hold_one_or_two_whole_entries(seed: int) -> None:
    _, lay, blocks = _laid_out(seed, n=25)
    pages = lay.paginate(blocks, random.Random(seed))
    assert [b.entry.entry_no for p in pages for b in p] == [b.entry.entry_no for b in blocks]
    _, top = lay.header_ops(1)
    for group in pages:
        assert 1 <= len(group) <= lay.style.max_per_page
        used = sum(b.height for b in group) + lay.style.pitch * 0.9 * (len(group) - 1)
        assert top + used <= PAGE_H - lay.style.margin_bottom


def test_page_image_and_stamp_spots() -> None:
    _, lay, blocks = _laid_out(3, n=4)
    rng = random.Random(1)
    pages = lay.paginate(blocks, rng)
    page = lay.draw_page(1, pages[0], rng)
    assert page.image.size == (PAGE_W, PAGE_H) and page.image.mode == "L"
    darkest = page.image.getextrema()[0]
    assert isinstance(darkest, int) and darkest < 60  # there is ink
    assert len(page.stamps) == len(pages[0])
    for spot in page.stamps:
        assert 0 < spot.x < PAGE_W and 0 < spot.y < PAGE_H
    assert all(b.entry.page == 1 for b in pages[0])


def test_fonts_cover_vietnamese() -> None:
    assert fonts.available(fonts.LABEL_FACES), "no serif face installed"
    assert fonts.available(fonts.VALUE_FACES), "no sans/mono face installed"
    if fonts.find_font_file("DejaVuSansMono.ttf"):
        assert not fonts.covers_vietnamese("DejaVuSansMono.ttf")  # why it is not used


def test_missing_fonts_name_the_package() -> None:
    ghost = (fonts.Face("Ghost", "NoSuchFont-Regular.ttf", "NoSuchFont-Bold.ttf", "fonts-ghost"),)
    with pytest.raises(ConfigError, match="fonts-ghost"):
        fonts.require(ghost, "labels")
