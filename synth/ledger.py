"""Drawing register books in the ledger layout: a ruled table, one entry per row.

Per book (seeded): the columns (``extraction.ledger.LEDGER_GROUPS``: which items a column stacks,
how a group is split, the order of the groups), their widths, the faces and sizes, and whether a
spread is scanned as one wide image or page by page. ``SPREADS`` lets the caller choose instead:
``one-image``, or ``two-pages``, where each spread's table runs across the binding (its first
columns on the left page, the rest on the right one, every row continuing across at the same
height) and each page is scanned as an image of its own. A column's header prints its items'
labels in the wording the book's press chose (``BookSpec.labels``) joined by "; ". In a data
cell each stacked item starts a new line ("-" when blank); a value too long for the cell wraps
onto lines indented by ``LedgerStyle.indent``. Rows are as tall as their tallest cell; a page
holds as many rows as fit. Everything random comes from the ``random.Random`` given.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from itertools import pairwise

from PIL import Image, ImageDraw, ImageFont

from extraction.ledger import LEDGER_GROUPS, MOVABLE_TAIL, Column, header_text
from synth import fonts
from synth.data import pick
from synth.records import BookSpec, Entry
from synth.render import EntryBlock, Page, StampSpot

Font = ImageFont.FreeTypeFont

# Page sizes at 300 dpi: a whole spread in one image (two A4 pages side by side), or one A4 page
# in landscape.
SPREAD_SIZE = (4960, 3508)
PAGE_SIZE = (3508, 2480)
# How a spread is scanned: as the book's seed draws (one wide image, or page by page with a whole
# table on each page), as one image, or as two page images with the table across the binding.
SPREADS = ("auto", "one-image", "two-pages")
BINDING_MARGIN = 55  # a two-page spread: pixels between the binding and each page's table

# How wide a column holding an item should be, relative to a name (before jitter).
_ITEM_WIDTH: dict[str, float] = {
    "entry_no": 0.28,
    "registration_date": 0.55,
    "date_of_birth_words": 1.5,
    "date_words": 1.5,
    "residence": 1.35,
    "place_of_birth": 1.3,
    "home_town": 1.1,
    "place": 1.3,
    "id_doc_type": 1.55,
    "cause": 1.0,
    "issuer": 1.2,
    "notes": 0.9,
    "registration_kind": 0.75,
    "marriage_recognised_date": 0.6,
    "relationship": 1.0,
    "title": 0.9,
}


def _item_weight(item: str) -> float:
    attr = item.split(".", 1)[-1]
    return _ITEM_WIDTH.get(item, _ITEM_WIDTH.get(attr, 1.0))


@dataclass(frozen=True)
class LedgerStyle:
    label_face: fonts.Face
    value_face: fonts.Face
    header_px: int
    value_px: int
    pitch: int
    indent: int  # wrapped lines of a value start this much further right
    pad: int  # space between a rule and the text
    spread: bool  # one image per spread (else one per page)
    ink: int
    rule_width: int
    blank_single: str  # a blank single-item cell: "" or "-"
    two_pages: bool = False  # a spread scanned as two page images (the table across the binding)

    @classmethod
    def draw(cls, rng: random.Random) -> LedgerStyle:
        label_face = pick(rng, fonts.require(fonts.LABEL_FACES, "printed labels"))
        value_face = pick(rng, fonts.require(fonts.VALUE_FACES, "typed values"))
        value_px = rng.randint(38, 43)  # 9–10 pt typed entries
        if "Mono" in value_face.name:
            value_px -= 3
        return cls(
            label_face=label_face,
            value_face=value_face,
            header_px=rng.randint(30, 34),
            value_px=value_px,
            pitch=round(value_px * rng.uniform(1.3, 1.45)),
            indent=round(value_px * rng.uniform(1.6, 2.2)),
            pad=rng.randint(12, 18),
            spread=rng.random() < 0.5,
            ink=rng.randint(15, 40),
            rule_width=rng.choice((2, 3, 3, 4)),
            blank_single=rng.choice(("", "-")),
        )

    def font(self, role: str) -> Font:
        if role == "value":
            return fonts.load(self.value_face.regular, self.value_px)
        if role == "header":
            return fonts.load(self.label_face.regular, self.header_px)
        if role == "title":
            return fonts.load(self.label_face.bold, round(self.header_px * 1.7))
        if role == "sub":
            return fonts.load(self.label_face.regular, self.header_px + 4)
        raise ValueError(role)


def choose_columns(rng: random.Random, register_type: str) -> list[Column]:
    """The book's columns: one way of splitting each group; the entry number first, the
    registration date second or after the persons, the closing groups in any order."""
    groups = list(LEDGER_GROUPS[register_type])
    ways = [rng.choice(g) for g in groups]
    head, date, persons, tail = ways[0], ways[1], ways[2:-MOVABLE_TAIL], ways[-MOVABLE_TAIL:]
    tail = tail[:-1]
    rng.shuffle(tail)
    tail.append(ways[-1])  # notes stay last
    order = [head]
    if rng.random() < 0.6:
        order += [date, *persons]
    else:
        order += [*persons, date]
    order += tail
    return [col for way in order for col in way]


def _fit(total: float, weights: list[float], minimum: list[float]) -> list[float] | None:
    """Widths in proportion to ``weights`` filling ``total``, each raised to its minimum (the
    room taken from the others in proportion to what they have over theirs); None when the
    minimums do not fit."""
    if sum(minimum) > total:
        return None
    widths = [total * w / sum(weights) for w in weights]
    for _ in range(5):
        short = [i for i, w in enumerate(widths) if w < minimum[i]]
        if not short:
            break
        need = sum(minimum[i] - widths[i] for i in short)
        rest = [i for i in range(len(widths)) if i not in short]
        spare = sum(widths[i] - minimum[i] for i in rest)
        for i in short:
            widths[i] = minimum[i]
        for i in rest:
            widths[i] -= need * (widths[i] - minimum[i]) / max(spare, 1.0)
    return widths


class LedgerLayout:
    """Lays out rows and draws ledger pages for one book."""

    def __init__(self, book: BookSpec, style: LedgerStyle, columns: list[Column]) -> None:
        self.book = book
        self.style = style
        self.columns = columns
        self.fonts = {r: style.font(r) for r in ("value", "header", "title", "sub")}
        self.size = SPREAD_SIZE if style.spread else PAGE_SIZE
        self.margin = (150, 140, 120, 130)  # left, top, right, bottom
        self.widths: list[float] = []
        self.split = len(columns)  # two pages: the first column of the right page
        self._right: Page | None = None  # two pages: the right half of the spread drawn last
        self.headers = [
            header_text([book.labels[book.form.label_id(i)] for i in col]) for col in columns
        ]

    # --- measuring ----------------------------------------------------------------------------

    def length(self, text: str, role: str) -> float:
        return float(self.fonts[role].getlength(text))

    def table_parts(self) -> list[tuple[float, float]]:
        """Where the table may be drawn, (left, right) x per part: one part, or two pages' parts
        either side of the binding."""
        w = self.size[0]
        left, right = float(self.margin[0]), float(w - self.margin[2])
        if not self.style.two_pages:
            return [(left, right)]
        half = w / 2
        return [(left, half - BINDING_MARGIN), (half + BINDING_MARGIN, right)]

    def set_widths(self, entries: list[Entry], jitter: list[float]) -> bool:
        """Column widths: by what the columns hold, jittered, never narrower than their longest
        word nor than a few words (a printed column fits what the clerks write). False when
        the columns do not fit the page (two pages: no column boundary lets each page's columns
        fit its part)."""
        st = self.style
        parts = self.table_parts()
        table_w = sum(b - a for a, b in parts)
        weights = [
            max(_item_weight(i) for i in col) * j
            for col, j in zip(self.columns, jitter, strict=True)
        ]
        minimum: list[float] = []
        for col in self.columns:
            longest = max(
                (
                    self.length(w, "value")
                    for e in entries
                    for i in col
                    for w in (self._value(e, i, col) or "").split()
                ),
                default=0.0,
            )
            head = max(self.length(w, "header") for w in self.headers[len(minimum)].split())
            least = 6 * st.value_px if len(col) > 1 or _item_weight(col[0]) >= 1 else 0
            minimum.append(max(longest + st.indent, head, least) + 2 * st.pad + 4)
        if sum(minimum) > table_w:
            return False
        if len(parts) == 1:
            widths = _fit(table_w, weights, minimum)
            if widths is None:
                return False
            self.widths = widths
            return True
        # two pages: the columns split where the left page's share comes nearest its part
        left_w = parts[0][1] - parts[0][0]
        cum = [sum(weights[:k]) / sum(weights) * table_w for k in range(len(weights) + 1)]
        for k in sorted(range(1, len(weights)), key=lambda k: abs(cum[k] - left_w)):
            a = _fit(left_w, weights[:k], minimum[:k])
            b = _fit(table_w - left_w, weights[k:], minimum[k:])
            if a is not None and b is not None:
                self.widths, self.split = a + b, k
                return True
        return False

    def column_edges(self) -> list[tuple[float, float]]:
        """Each column's (left, right) x on the drawn image."""
        parts = self.table_parts()
        edges: list[tuple[float, float]] = []
        x = parts[0][0]
        for c, width in enumerate(self.widths):
            if c == self.split and len(parts) > 1:
                x = parts[1][0]
            edges.append((x, x + width))
            x += width
        return edges

    def _value(self, entry: Entry, item: str, col: Column) -> str:
        value = entry.printed.get(item)
        if value:
            return value
        return "-" if len(col) > 1 else self.style.blank_single

    def wrap(self, text: str, width: float, role: str, indent: float | None = None) -> list[str]:
        """Lines of ``text`` in ``width``: the first at the cell's left, the rest indented."""
        if not text:
            return []
        hang = self.style.indent if indent is None else indent
        lines: list[str] = []
        line: list[str] = []
        for word in text.split():
            room = width - (hang if lines else 0)
            trial = " ".join([*line, word])
            if line and self.length(trial, role) > room:
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word)
        lines.append(" ".join(line))
        return lines

    def cell_lines(self, entry: Entry, c: int) -> list[tuple[str, bool]]:
        """(text, indented) per printed line of an entry's cell in column ``c``."""
        col = self.columns[c]
        inner = self.widths[c] - 2 * self.style.pad
        out: list[tuple[str, bool]] = []
        for item in col:
            for k, text in enumerate(self.wrap(self._value(entry, item, col), inner, "value")):
                out.append((text, k > 0))
        return out

    def header_lines(self, c: int) -> list[str]:
        return self.wrap(self.headers[c], self.widths[c] - 2 * self.style.pad, "header", 0)

    def row_height(self, entry: Entry) -> int:
        n = max(max(1, len(self.cell_lines(entry, c))) for c in range(len(self.columns)))
        return round(n * self.style.pitch + 2 * self.style.pad)

    def header_height(self) -> int:
        n = max(len(self.header_lines(c)) for c in range(len(self.columns)))
        return round(n * self.style.header_px * 1.25 + 2 * self.style.pad + 10)

    def title_height(self) -> int:
        return round(self.style.header_px * 1.7 * 1.4 + (self.style.header_px + 4) * 2.6 + 40)

    # --- pages --------------------------------------------------------------------------------

    def paginate(self, entries: list[Entry]) -> list[list[EntryBlock]]:
        room = self.size[1] - self.margin[1] - self.margin[3] - self.title_height()
        room -= self.header_height()
        pages: list[list[EntryBlock]] = []
        current: list[EntryBlock] = []
        used = 0
        for e in entries:
            h = self.row_height(e)
            if current and used + h > room:
                pages.append(current)
                current, used = [], 0
            current.append(EntryBlock(e, [], h, self.style.pitch))
            used += h
        if current:
            pages.append(current)
        return pages

    def draw_page(self, page_no: int, blocks: list[EntryBlock], rng: random.Random) -> Page:
        """Page ``page_no``: its image (a spread's two pages drawn together, the left one
        numbered odd: the right one is the half kept from drawing the left one)."""
        if not self.style.two_pages:
            return self._draw(page_no, blocks, rng, (f"- {page_no} -",))
        if page_no % 2 == 0 and self._right is not None and self._right.number == page_no:
            right, self._right = self._right, None
            return right
        spread = self._draw(page_no, blocks, rng, (f"- {page_no} -", f"- {page_no + 1} -"))
        half = self.size[0] // 2
        h = self.size[1]
        left_stamps = [s for s in spread.stamps if s.x < half]
        right_stamps = [
            StampSpot(s.x - half, s.y, s.entry_no) for s in spread.stamps if s.x >= half
        ]
        self._right = Page(
            page_no + 1, blocks, spread.image.crop((half, 0, 2 * half, h)), right_stamps
        )
        return Page(page_no, blocks, spread.image.crop((0, 0, half, h)), left_stamps)

    def _draw(
        self, page_no: int, blocks: list[EntryBlock], rng: random.Random, footers: tuple[str, ...]
    ) -> Page:
        st = self.style
        w, h = self.size
        img = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(img)
        x0, y = float(self.margin[0]), float(self.margin[1])
        half = w / 2 if st.spread else w
        # title block, centred on the (left) page
        for text, role, gap in (
            (self.book.form.heading, "title", st.header_px * 1.7 * 1.4),
            (self.book.authority_header, "sub", (st.header_px + 4) * 1.3),
            (
                f"{self.book.labels['book_no']}: {self.book.book_no}",
                "sub",
                (st.header_px + 4) * 1.3,
            ),
        ):
            tx = (x0 + half - self.margin[2]) / 2 - self.length(text, role) / 2
            draw.text((tx, y + gap * 0.75), text, font=self.fonts[role], fill=st.ink, anchor="ls")
            y += gap
        y = float(self.margin[1] + self.title_height())
        edges = self.column_edges()
        top = y
        ys = [y, y + self.header_height()]
        for b in blocks:
            ys.append(ys[-1] + b.height)
        # header
        hp = st.header_px * 1.25
        for c in range(len(self.columns)):
            lines = self.header_lines(c)
            cy = top + st.pad + 5 + st.header_px
            for ln in lines:
                cx = (edges[c][0] + edges[c][1]) / 2 - self.length(ln, "header") / 2
                draw.text((cx, cy), ln, font=self.fonts["header"], fill=st.ink, anchor="ls")
                cy += hp
        stamps: list[StampSpot] = []
        sign_col = next((c for c, col in enumerate(self.columns) if "signer.title" in col), None)
        for r, b in enumerate(blocks):
            b.entry.page = page_no
            ry = ys[r + 1]
            for c in range(len(self.columns)):
                cy = ry + st.pad + st.value_px
                for text, indented in self.cell_lines(b.entry, c):
                    tx = edges[c][0] + st.pad + (st.indent if indented else 0)
                    draw.text(
                        (tx, cy), text, font=self.fonts["value"], fill=st.ink - 10, anchor="ls"
                    )
                    cy += st.pitch
            if sign_col is not None and rng.random() < 0.35:
                # the office's stamp goes over the signature, in the free lower part of the
                # signer's cell, its rim now and then over the title
                sx = edges[sign_col][1] - rng.uniform(60, 180)
                sy = ry + b.height - rng.uniform(40, 160)
                stamps.append(StampSpot(sx, sy, b.entry.entry_no))
        # rules: outer frame thicker, a double rule under the header now and then
        bottom = ys[-1]
        rw = st.rule_width
        cuts = [0, self.split, len(self.columns)] if self.split < len(self.columns) else [0, None]
        for c0, c1 in pairwise(cuts):  # each part of the table: the one page, or either page
            cols = edges[c0:c1]
            x_left, x_right = cols[0][0], cols[-1][1]
            for yy in ys:
                draw.line([(x_left, yy), (x_right, yy)], fill=st.ink, width=rw)
            draw.line(
                [(x_left, ys[1] + 7), (x_right, ys[1] + 7)], fill=st.ink, width=max(1, rw - 1)
            )
            for xx in [*(e[0] for e in cols), x_right]:
                draw.line([(xx, top), (xx, bottom)], fill=st.ink, width=rw)
            draw.rectangle(
                [x_left - 2, top - 2, x_right + 2, bottom + 2], outline=st.ink, width=rw + 1
            )
        for k, footer in enumerate(footers):  # the page number under each page
            centre = w / 2 if len(footers) == 1 else w / 4 + k * w / 2
            fx = centre - self.length(footer, "sub") / 2
            draw.text(
                (fx, h - self.margin[3] / 2),
                footer,
                font=self.fonts["sub"],
                fill=st.ink,
                anchor="ls",
            )
        return Page(page_no, blocks, img, stamps)


def ledger_layout(
    book: BookSpec, entries: list[Entry], rng: random.Random, spreads: str = "auto"
) -> tuple[LedgerLayout, list[list[EntryBlock]]]:
    """The book's ledger layout and its pages of rows (``spreads``: one of ``SPREADS``; a
    two-page spread's rows are listed for each of its two pages)."""
    if spreads not in SPREADS:
        raise ValueError(f"spreads must be one of {', '.join(SPREADS)}, not {spreads!r}")
    style = LedgerStyle.draw(rng)
    if spreads != "auto":  # drawn all the same: the rest of the book stays as its seed has it
        style = replace(style, spread=True, two_pages=spreads == "two-pages")
    columns = choose_columns(rng, book.form.register_type)
    jitter = [rng.uniform(0.85, 1.2) for _ in columns]
    lay = LedgerLayout(book, style, columns)
    # columns too wide for a page: the press printed the book on spreads, in smaller type
    while not lay.set_widths(entries, jitter):
        if not style.spread:
            style = replace(style, spread=True)
        elif style.value_px > 28:
            style = replace(style, value_px=style.value_px - 2, pitch=style.pitch - 2)
        else:
            raise RuntimeError("ledger columns do not fit a spread")  # pragma: no cover
        lay = LedgerLayout(book, style, columns)
    spreads_rows = lay.paginate(entries)
    if style.two_pages:
        return lay, [rows for rows in spreads_rows for _ in range(2)]
    return lay, spreads_rows
