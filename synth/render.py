"""Drawing register pages: A4 at 300 dpi, printed labels with dotted leaders, typed values.

The layout follows the book's printed lines (``BookSpec.lines``, from its form's lines): each
line is divided into slots, one per label; a label is drawn in the label face, followed by ``:``
and the value in the value face, and dotted leaders fill the rest of the slot. A value that does
not fit its slot moves the rest of the line down (the order stays left to right); the last value
of a line wraps onto continuation lines at word boundaries, so the printed words joined by single
spaces are exactly the value. Nothing here is random except through the ``random.Random`` given.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from synth import fonts
from synth.data import pick
from synth.records import BookSpec, Entry

PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
DPI = 300

# Relative slot widths of labels that share a printed line (default 1.0).
_SLOT_WEIGHT: dict[str, float] = {
    "entry_no": 0.7,
    "registration_date": 1.6,
    "child.date_of_birth": 1.0,
    "child.date_of_birth_words": 1.7,
    "child.sex": 0.8,
    "child.nationality": 1.15,
    "child.home_town": 1.6,
    "mother.birth_year": 0.8,
    "father.birth_year": 0.8,
    "declarant.full_name": 1.5,
    "signer.full_name": 1.6,
    "clerk.full_name": 1.4,
    "notes": 1.3,
    "wife.date_of_birth": 1.3,
    "husband.date_of_birth": 1.3,
    "wife.nationality": 1.15,
    "husband.nationality": 1.15,
    "deceased.date_of_birth": 1.2,
    "deceased.sex": 0.8,
    "death.time": 0.9,
    "death.date": 1.2,
    "death_notice.no": 1.0,
    "death_notice.date": 1.2,
}

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class RenderStyle:
    """How a book's press and printer draw a page (fixed per book)."""

    label_face: fonts.Face
    value_face: fonts.Face
    label_px: int
    value_px: int
    pitch: int  # baseline-to-baseline distance
    leader: str  # one unit of the dotted leader: ". ", "…" or "."
    max_per_page: int
    margin_left: int
    margin_right: int
    margin_top: int
    margin_bottom: int
    indent: int  # continuation lines of a wrapped value
    label_ink: int
    value_ink: int
    double_rule: bool
    signatures: bool

    @classmethod
    def draw(cls, rng: random.Random) -> RenderStyle:
        label_face = pick(rng, fonts.require(fonts.LABEL_FACES, "printed labels"))
        value_face = pick(rng, fonts.require(fonts.VALUE_FACES, "typed values"))
        max_per_page = 2 if rng.random() < 0.7 else 1
        if max_per_page == 2:
            label_px = rng.randint(38, 41)
            value_px = rng.randint(label_px + 2, label_px + 5)
            pitch = round(value_px * rng.uniform(1.22, 1.3))
        else:  # one entry a page: the form leaves room to write by hand
            label_px = rng.randint(41, 45)
            value_px = rng.randint(label_px + 2, 50)
            pitch = rng.randint(80, 104)
        if "Mono" in value_face.name:
            value_px -= 3  # mono faces are wide: the same point size would not fit the slots
        left = rng.randint(210, 260)  # binding side
        return cls(
            label_face=label_face,
            value_face=value_face,
            label_px=label_px,
            value_px=value_px,
            pitch=pitch,
            leader=pick(rng, (". ", "…", "."), (5, 3, 2)),
            max_per_page=max_per_page,
            margin_left=left,
            margin_right=rng.randint(150, 190),
            margin_top=rng.randint(140, 180),
            margin_bottom=rng.randint(150, 190),
            indent=pick(rng, (0, 40, 80)),
            label_ink=rng.randint(20, 45),
            value_ink=rng.randint(0, 15),
            double_rule=rng.random() < 0.4,
            signatures=rng.random() < 0.85,
        )

    def font(self, role: str) -> Font:
        if role == "label":
            return fonts.load(self.label_face.regular, self.label_px)
        if role == "value":
            return fonts.load(self.value_face.regular, self.value_px)
        if role == "title":
            return fonts.load(self.label_face.bold, round(self.label_px * 1.6))
        if role == "header":
            return fonts.load(self.label_face.regular, self.label_px + 2)
        if role == "small":
            return fonts.load(self.label_face.regular, self.label_px - 4)
        raise ValueError(role)


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float  # baseline, relative to the block's top until placed on a page
    text: str
    role: str  # font role: "label", "value", "leader", "title", "header", "small"
    ink: int
    key: str = ""  # the label id whose label or value this is ("" for leaders and headers)


@dataclass
class EntryBlock:
    """One entry laid out at y = 0; ``place`` moves it onto a page."""

    entry: Entry
    ops: list[TextOp]
    height: int
    pitch: int  # line spacing used (the book's, or tighter for a very long entry)
    signer_line: tuple[float, float, float] | None = None  # (title label x, baseline, free x)
    signature: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class StampSpot:
    """Where a stamp goes on a page (page pixels): over part of an entry's signer line."""

    x: float
    y: float
    entry_no: str


@dataclass
class Page:
    number: int
    entries: list[EntryBlock]
    image: Image.Image  # "L", clean render
    stamps: list[StampSpot]


class Layout:
    """Lays out entries and draws pages for one book."""

    def __init__(self, book: BookSpec, style: RenderStyle) -> None:
        self.book = book
        self.style = style
        self.fonts = {r: style.font(r) for r in ("label", "value", "title", "header", "small")}
        self.width = PAGE_W - style.margin_left - style.margin_right
        self._len_cache: dict[tuple[str, str], float] = {}
        self._tiles: dict[tuple[str, str], tuple[Image.Image, int, int]] = {}

    # --- measuring ----------------------------------------------------------------------------

    def length(self, text: str, role: str) -> float:
        key = (role, text)
        got = self._len_cache.get(key)
        if got is None:
            got = self.fonts[role].getlength(text)
            if len(self._len_cache) < 50_000:
                self._len_cache[key] = got
        return got

    def _label_text(self, label_id: str) -> str:
        return self.book.labels[self.book.form.label_id(label_id)] + ":"

    def _slots(self, items: tuple[str, ...], x0: float, x1: float) -> list[tuple[float, float]]:
        weights = [_SLOT_WEIGHT.get(i, 1.0) for i in items]
        total = sum(weights)
        out = []
        x = x0
        for w in weights:
            span = (x1 - x0) * w / total
            out.append((x, x + span))
            x += span
        return out

    def _fits(self, label_id: str, value: str | None, slot: tuple[float, float]) -> bool:
        need = self.length(self._label_text(label_id) + " ", "label")
        need += self.length(value, "value") if value else self.length("-", "value")
        need += 3 * self.length(self.style.leader, "label")
        return need <= slot[1] - slot[0]

    # --- one entry ----------------------------------------------------------------------------

    def room(self) -> float:
        """Height available for entries below the page header."""
        _, top = self.header_ops(1)
        return PAGE_H - self.style.margin_bottom - top - 40

    def layout_entry(self, entry: Entry, rng: random.Random) -> EntryBlock:
        """Lay out one entry; an entry too tall for a page is set with tighter line spacing."""
        pitch = self.style.pitch
        block = self._layout_entry(entry, pitch)
        while block.height > self.room() and pitch > self.style.value_px:
            pitch = max(self.style.value_px, round(pitch * 0.9))
            block = self._layout_entry(entry, pitch)
        if self.style.signatures and block.signer_line is not None:
            # one signer signs alike every time: the shape comes from the name, the hand shakes
            shape = random.Random(f"signature/{entry.printed.get('signer.full_name')}")
            x1 = float(PAGE_W - self.style.margin_right)
            pts = _scribble(shape, block.signer_line, x1, pitch)
            dx, dy = rng.uniform(-25, 25), rng.uniform(-8, 8)
            block.signature = [(px + dx, py + dy) for px, py in pts]
        return block

    def _layout_entry(self, entry: Entry, pitch: int) -> EntryBlock:
        st = self.style
        x0 = float(st.margin_left)
        x1 = float(PAGE_W - st.margin_right)
        gap = self.length("  ", "label")
        ops: list[TextOp] = []
        baseline = float(round(pitch * 0.85))
        block = EntryBlock(entry, ops, 0, pitch)
        pending: list[tuple[str, ...]] = list(self.book.lines)
        while pending:
            items = pending.pop(0)
            slots = self._slots(items, x0, x1)
            for k in range(len(items) - 1):
                if not self._fits(items[k], entry.printed.get(items[k]), slots[k]) or (
                    k + 1 < len(items)
                    and not self._first_word_fits(items[k + 1], entry, slots[k + 1])
                ):
                    pending.insert(0, items[k + 1 :])
                    items = items[: k + 1]
                    slots = self._slots(items, x0, x1)
                    break
            for k, label_id in enumerate(items):
                sx0, sx1 = slots[k]
                last = k == len(items) - 1
                end_x = sx1 if last else sx1 - gap
                baseline = self._draw_item(
                    ops, label_id, entry, sx0, end_x, x0, x1, baseline, last, block
                )
            baseline += pitch
        block.height = round(baseline - pitch + pitch * 0.45)
        return block

    def _first_word_fits(self, label_id: str, entry: Entry, slot: tuple[float, float]) -> bool:
        value = entry.printed.get(label_id)
        first = value.split(" ")[0] if value else "-"
        need = self.length(self._label_text(label_id) + " ", "label") + self.length(first, "value")
        return need <= slot[1] - slot[0]

    def _draw_item(
        self,
        ops: list[TextOp],
        label_id: str,
        entry: Entry,
        sx0: float,
        sx1: float,
        x0: float,
        x1: float,
        baseline: float,
        last: bool,
        block: EntryBlock,
    ) -> float:
        """Draw label, value and leaders of one slot; return the baseline of its last line."""
        st = self.style
        label = self._label_text(label_id)
        ops.append(TextOp(sx0, baseline, label, "label", st.label_ink, label_id))
        vx = sx0 + self.length(label + " ", "label")
        value = entry.printed.get(label_id)
        space = self.length(" ", "value")
        if label_id == "signer.title":
            block.signer_line = (sx0, baseline, sx1)
        if not value:
            if entry.blank_dash:
                ops.append(TextOp(vx, baseline, "-", "value", st.value_ink, label_id))
                vx += self.length("-", "value") + 2 * space
            self._leaders(ops, vx, sx1, baseline)
            return baseline
        words = value.split(" ")
        line: list[str] = []
        x_start, x_end = vx, sx1
        for word in words:
            trial = " ".join([*line, word])
            if line and x_start + self.length(trial, "value") > x_end:
                if not last:  # pragma: no cover - the caller split the line so it fits
                    break
                ops.append(
                    TextOp(x_start, baseline, " ".join(line), "value", st.value_ink, label_id)
                )
                baseline += block.pitch
                x_start, x_end = x0 + st.indent, x1
                line = [word]
            else:
                line.append(word)
        text = " ".join(line)
        ops.append(TextOp(x_start, baseline, text, "value", st.value_ink, label_id))
        end = x_start + self.length(text, "value")
        if label_id == "signer.title" and block.signer_line is not None:
            block.signer_line = (sx0, baseline, end)
        self._leaders(ops, end + 1.2 * space, x_end, baseline)
        return baseline

    def _leaders(self, ops: list[TextOp], xa: float, xb: float, baseline: float) -> None:
        unit = self.style.leader
        w = self.length(unit, "label")
        n = int((xb - xa) // w)
        if n >= 2:
            ops.append(TextOp(xb - n * w, baseline, unit * n, "leader", self.style.label_ink))

    # --- pages --------------------------------------------------------------------------------

    def header_ops(self, page_no: int) -> tuple[list[TextOp], float]:
        """The page header and footer; returns the ops and the y where entries start."""
        st = self.style
        cx = st.margin_left + self.width / 2
        ops: list[TextOp] = []
        y = float(st.margin_top + self.fonts["title"].getmetrics()[0])
        title = self.book.form.heading
        ops.append(TextOp(cx - self.length(title, "title") / 2, y, title, "title", st.label_ink))
        y += st.label_px * 1.9
        auth = self.book.authority_header
        ops.append(TextOp(cx - self.length(auth, "header") / 2, y, auth, "header", st.label_ink))
        y += st.label_px * 1.5
        book = f"{self.book.labels['book_no']}: {self.book.book_no}"
        ops.append(TextOp(cx - self.length(book, "header") / 2, y, book, "header", st.label_ink))
        y += st.label_px * 1.2
        footer = f"- {page_no} -"
        ops.append(
            TextOp(
                cx - self.length(footer, "small") / 2,
                PAGE_H - st.margin_bottom + st.label_px,
                footer,
                "small",
                st.label_ink,
            )
        )
        return ops, y

    def paginate(self, blocks: list[EntryBlock], rng: random.Random) -> list[list[EntryBlock]]:
        """Group entry blocks into pages: 1 or 2 a page, never split across pages."""
        st = self.style
        room = self.room()
        pages: list[list[EntryBlock]] = []
        current: list[EntryBlock] = []
        used = 0.0
        sep = st.pitch * 0.9
        for block in blocks:
            need = block.height + (sep if current else 0)
            full = len(current) >= st.max_per_page or used + need > room
            # now and then a clerk starts a new page although the entry would fit
            if current and not full and rng.random() < 0.08:
                full = True
            if current and full:
                pages.append(current)
                current, used = [], 0.0
                need = block.height
            current.append(block)
            used += need
        if current:
            pages.append(current)
        return pages

    def draw_page(self, page_no: int, blocks: list[EntryBlock], rng: random.Random) -> Page:
        st = self.style
        img = Image.new("L", (PAGE_W, PAGE_H), 255)
        draw = ImageDraw.Draw(img)
        ops, y = self.header_ops(page_no)
        x0, x1 = st.margin_left, PAGE_W - st.margin_right
        self._rule(draw, y - st.label_px * 0.2, x0, x1, double=True)
        y += st.pitch * 0.35
        stamps: list[StampSpot] = []
        for i, block in enumerate(blocks):
            if i:
                self._rule(draw, y + st.pitch * 0.2, x0, x1, double=st.double_rule)
                y += st.pitch * 0.9
            block.entry.page = page_no
            ops += [TextOp(o.x, o.y + y, o.text, o.role, o.ink, o.key) for o in block.ops]
            if block.signature:
                pts = [(px, py + y) for px, py in block.signature]
                draw.line(pts, fill=st.value_ink + 25, width=4, joint="curve")
            if block.signer_line is not None:
                # a stamp goes over the left part of the signature
                _, ly, end = block.signer_line
                sx = block.signature[0][0] if block.signature else end + 120
                stamps.append(
                    StampSpot(
                        sx + rng.uniform(-140, 40),
                        ly + y - st.pitch * rng.uniform(0.0, 0.7),
                        block.entry.entry_no,
                    )
                )
            y += block.height
        for op in ops:
            if op.role == "value":  # mostly unique strings: draw them directly
                draw.text((op.x, op.y), op.text, font=self.fonts["value"], fill=op.ink, anchor="ls")
            else:  # printed labels and leaders repeat on every entry: paste cached renders
                self._paste(img, op)
        return Page(page_no, blocks, img, stamps)

    def _tile(self, role: str, text: str) -> tuple[Image.Image, int, int]:
        """``text`` rendered as a mask, with the offset of its box from the baseline origin."""
        key = (role, text)
        got = self._tiles.get(key)
        if got is None:
            font = self.fonts[role]
            left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor="ls"))
            tile = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
            ImageDraw.Draw(tile).text((-left, -top), text, font=font, fill=255, anchor="ls")
            got = (tile, left, top)
            if len(self._tiles) < 2000:
                self._tiles[key] = got
        return got

    def _paste(self, img: Image.Image, op: TextOp) -> None:
        if op.role == "leader":
            unit = self.style.leader
            n = len(op.text) // len(unit)
            strip, left, top = self._tile("label", unit * (PAGE_W // 8))
            width = round(n * self.length(unit, "label")) - left
            tile = strip.crop((0, 0, max(1, min(strip.width, width)), strip.height))
        else:
            tile, left, top = self._tile(op.role, op.text)
        x, y = round(op.x) + left, round(op.y) + top
        img.paste(op.ink, (x, y, x + tile.width, y + tile.height), tile)

    def _rule(
        self, draw: ImageDraw.ImageDraw, y: float, x0: float, x1: float, double: bool
    ) -> None:
        ink = self.style.label_ink
        draw.line([(x0, y), (x1, y)], fill=ink, width=3)
        if double:
            draw.line([(x0, y + 9), (x1, y + 9)], fill=ink, width=2)


def _scribble(
    rng: random.Random, signer_line: tuple[float, float, float], x_right: float, pitch: int
) -> list[tuple[float, float]]:
    """A signature-like stroke over the leaders right of the signer's title (entry coordinates).

    Random control points that run rightwards with small steps back (the loops of handwriting),
    smoothed by a Catmull-Rom spline, slanted, then a flourish back underneath.
    """
    _, baseline, free_x = signer_line
    start = max(free_x + 60, x_right - rng.uniform(420, 560))
    width = x_right - 40 - start
    if width < 220:
        return []
    cy = baseline - pitch * 0.35
    amp = pitch * rng.uniform(0.35, 0.55)
    ctrl: list[tuple[float, float]] = [(start, cy + amp * 0.2), (start + 8, cy - amp * 1.6)]
    x = start + 20
    up = True
    while x < start + width * 0.85:
        x += rng.uniform(-0.4, 1.0) * width / 9 if not up else rng.uniform(0.1, 0.6) * width / 9
        y = cy - amp * rng.uniform(0.4, 1.0) if up else cy + amp * rng.uniform(0.0, 0.4)
        ctrl.append((x, y))
        up = not up
    ctrl.append((start + width, cy - amp * 0.3))
    ctrl.append((start + width * 0.2, cy + amp * 0.9))  # the flourish
    pts: list[tuple[float, float]] = []
    padded = [ctrl[0], *ctrl, ctrl[-1]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for k in range(8):
            t = k / 8
            t2, t3 = t * t, t * t * t
            px = 0.5 * (
                2 * p1[0]
                + (p2[0] - p0[0]) * t
                + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                + (3 * p1[0] - p0[0] - 3 * p2[0] + p3[0]) * t3
            )
            py = 0.5 * (
                2 * p1[1]
                + (p2[1] - p0[1]) * t
                + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                + (3 * p1[1] - p0[1] - 3 * p2[1] + p3[1]) * t3
            )
            pts.append((px + 0.25 * (cy - py), py))  # slant to the right
    pts.append(ctrl[-1])
    return pts
