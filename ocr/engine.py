"""OCR engines: one small interface, Tesseract as the default implementation.

``TesseractEngine`` keeps one tesserocr engine per thread (loading the ``vie`` model costs more
than reading a small page); ``TesseractCliEngine`` runs the ``tesseract`` program per call and is
the baseline the speed benchmark compares against. Both return the same ``PageText``.

Tesseract's own OpenMP threads make a page several times slower on a 2-core machine
(shared/notes/measured.md): we run single-threaded engines, one page each, in parallel.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # must be set before libtesseract loads

import shutil
import subprocess
import tempfile
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from civreg_cli.errors import ConfigError
from ocr.types import BBox, Line, PageText, Word

TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata/",
    "/usr/share/tesseract-ocr/4.00/tessdata/",
    "/usr/share/tessdata/",
)


def find_tessdata(lang: str) -> str:
    """The tessdata folder holding ``lang``; a clear error naming the Debian package if none."""
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ([env] if env else []) + list(TESSDATA_DIRS):
        if all((Path(d) / f"{code}.traineddata").exists() for code in lang.split("+")):
            return d if d.endswith("/") else d + "/"
    raise ConfigError(
        f"Tesseract language data '{lang}' not found",
        advice="install it with `apt-get install tesseract-ocr-vie` (or run `make setup`)",
    )


class OcrEngine(ABC):
    """Reads a page image (greyscale or RGB uint8 array) into words with boxes and confidences."""

    name: str = "engine"

    @abstractmethod
    def read(self, image: np.ndarray) -> PageText: ...

    def read_region(self, image: np.ndarray, bbox: BBox) -> PageText:
        """Read one region; boxes come back in page coordinates. Engines may do better."""
        x0, y0, x1, y1 = bbox
        sub = self.read(image[y0:y1, x0:x1])
        return shift(sub, x0, y0, image.shape[1], image.shape[0])


def shift(page: PageText, dx: int, dy: int, width: int, height: int) -> PageText:
    lines = [
        Line(
            [
                Word(
                    w.text, (w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx, w.bbox[3] + dy), w.conf
                )
                for w in ln.words
            ]
        )
        for ln in page.lines
    ]
    return PageText(width=width, height=height, lines=lines, source=page.source, engine=page.engine)


def _lines_from_rows(rows: list[dict[str, Any]]) -> list[Line]:
    """Group Tesseract's word rows (block, par, line numbers) into lines, top to bottom."""
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for r in rows:
        text = str(r["text"]).strip()
        if not text:
            continue
        conf = float(r["conf"])
        if conf < 0:
            continue
        x, y, w, h = int(r["left"]), int(r["top"]), int(r["width"]), int(r["height"])
        key = (int(r["block_num"]), int(r["par_num"]), int(r["line_num"]))
        groups.setdefault(key, []).append(Word(text, (x, y, x + w, y + h), conf / 100.0))
    lines = [Line(sorted(ws, key=lambda w: w.bbox[0])) for ws in groups.values()]
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return lines


DIGIT_CHARS = "0123456789/.-"
_DATE_RE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")
PHANTOM_PRONE = {".", ","}


_ID_RE = re.compile(r"\d{9}|\d{12}")  # old ID card, personal number


def is_number_shape(text: str) -> bool:
    return bool(_DATE_RE.fullmatch(text) or _ID_RE.fullmatch(text))


def needs_digit_reread(text: str) -> bool:
    """A word of 6+ digits that is neither a date nor a 9- or 12-digit number."""
    core = text.strip(".,;:()")
    digits = sum(ch.isdigit() for ch in core)
    if digits < 6 or digits < len(core) - 3 or is_number_shape(core):
        return False
    return digits in (8, 10, 11, 13) or any(ch in "/.-" for ch in core)


MIN_DOT_PIXELS = 6  # a printed period at 300 dpi has far more dark pixels


def _has_ink(
    image: np.ndarray, box: tuple[int, int, int, int] | None, after_x: int, ink_below: float
) -> bool:
    """Is there ink in ``box`` right of ``after_x`` (where the previous symbol ends)?"""
    if not box:
        return True
    x0, y0, x1, y1 = box
    region = image[max(0, y0) : y1 + 1, max(0, x0, after_x + 1) : x1 + 1]
    if region.ndim == 3:
        region = region.min(axis=2)
    return int((region < ink_below).sum()) >= MIN_DOT_PIXELS


def _drop_last(text: str, symbol: str) -> str:
    i = text.rfind(symbol)
    return text[:i] + text[i + 1 :] if i >= 0 else text


class TesseractEngine(OcrEngine):
    """Tesseract through tesserocr: one engine per thread, reused across pages."""

    def __init__(self, lang: str = "vie", psm: int = 3, variables: dict[str, str] | None = None):
        import tesserocr

        self._tesserocr = tesserocr
        self.lang = lang
        self.psm = psm
        self.variables = variables or {}
        self.path = find_tessdata(lang)
        self._local = threading.local()
        self.name = f"tesseract-{tesserocr.tesseract_version().split()[1]} {lang} psm={psm}"

    def _api(self) -> Any:
        api = getattr(self._local, "api", None)
        if api is None:
            t = self._tesserocr
            api = t.PyTessBaseAPI(path=self.path, lang=self.lang, psm=self.psm)
            for k, v in self.variables.items():
                api.SetVariable(k, v)
            self._local.api = api
        return api

    def _digits_api(self) -> Any:
        api = getattr(self._local, "digits", None)
        if api is None:
            t = self._tesserocr
            api = t.PyTessBaseAPI(path=self.path, lang=self.lang, psm=8)  # one word
            api.SetVariable("tessedit_char_whitelist", DIGIT_CHARS)
            self._local.digits = api
        return api

    def read(self, image: np.ndarray) -> PageText:
        api = self._api()
        h, w = image.shape[:2]
        api.SetImage(Image.fromarray(image))
        api.Recognize()
        rows = self._rows(api, image)
        api.Clear()
        for row in rows:
            if needs_digit_reread(row["text"]):
                self._reread_digits(image, row)
        return PageText(width=w, height=h, lines=_lines_from_rows(rows), engine=self.name)

    def _reread_digits(self, image: np.ndarray, row: dict[str, Any]) -> None:
        """Read a digit word again on its own, with only digits and separators allowed.

        Whole-page reading with the ``vie`` language model sometimes drops or misreads the
        slashes of a date in monospaced type (``16/12/2016`` → ``16422016``) or doubles a digit of
        an ID number; read alone with a digit alphabet the same pixels come out right. Kept only
        when the new reading has the shape of a date or of a 9- or 12-digit number.
        """
        x0, y0 = row["left"], row["top"]
        x1, y1 = x0 + row["width"], y0 + row["height"]
        pad = max(4, row["height"] // 3)
        crop = image[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        api = self._digits_api()
        api.SetImage(Image.fromarray(crop))
        text = (api.GetUTF8Text() or "").strip().replace(" ", "")
        conf = api.MeanTextConf()
        api.Clear()
        if is_number_shape(text):
            tail = row["text"][len(row["text"].rstrip(".,;:)")) :]
            row["text"] = text + tail
            row["conf"] = min(float(row["conf"]), float(conf))

    def _rows(self, api: Any, image: np.ndarray) -> list[dict[str, Any]]:
        """Word rows like the TSV's, but a word's confidence is its weakest symbol's.

        Tesseract's word confidence for ``vie`` collapses on strings like ``04/01/2018`` (0–16 %
        for a correct date whose every symbol is read at 99 %): the language model scores the
        word, not the reading. The weakest symbol says how sure the reading is.
        """
        ril = self._tesserocr.RIL
        it = api.GetIterator()
        rows: list[dict[str, Any]] = []
        if it is None:
            return rows
        grey = image if image.ndim == 2 else image.min(axis=2)
        # The page's own ink level (faded ink is far lighter than fresh print).
        ink_below, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        block = par = line = 0
        prev_x1 = -1
        row: dict[str, Any] | None = None
        while True:
            if it.IsAtBeginningOf(ril.BLOCK):
                block += 1
            if it.IsAtBeginningOf(ril.PARA):
                par += 1
            if it.IsAtBeginningOf(ril.TEXTLINE):
                line += 1
            if it.IsAtBeginningOf(ril.WORD):
                prev_x1 = -1
                box = it.BoundingBox(ril.WORD)
                text = it.GetUTF8Text(ril.WORD)
                row = None
                if box and text:
                    x0, y0, x1, y1 = box
                    row = {
                        "text": text,
                        "conf": 100.0,
                        "left": x0,
                        "top": y0,
                        "width": x1 - x0,
                        "height": y1 - y0,
                        "block_num": block,
                        "par_num": par,
                        "line_num": line,
                    }
                    rows.append(row)
            if row is not None:
                symbol = it.GetUTF8Text(ril.SYMBOL)
                sbox = it.BoundingBox(ril.SYMBOL)
                if symbol in PHANTOM_PRONE and not _has_ink(image, sbox, prev_x1, ink_below):
                    # The language model wrote punctuation the page does not have ("TP.").
                    row["text"] = _drop_last(row["text"], symbol)
                else:
                    row["conf"] = min(row["conf"], it.Confidence(ril.SYMBOL))
                prev_x1 = sbox[2] if sbox else prev_x1
            if not it.Next(ril.SYMBOL):
                break
        return rows


class TesseractCliEngine(OcrEngine):
    """The ``tesseract`` program, one process per call (the speed benchmark's baseline)."""

    def __init__(self, lang: str = "vie", psm: int = 3):
        if shutil.which("tesseract") is None:
            raise ConfigError(
                "the tesseract program is not installed",
                advice="install it with `apt-get install tesseract-ocr tesseract-ocr-vie`",
            )
        self.lang = lang
        self.psm = psm
        self.name = f"tesseract-cli {lang} psm={psm}"

    def read(self, image: np.ndarray) -> PageText:
        h, w = image.shape[:2]
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "page.png"
            Image.fromarray(image).save(src)
            out = run_tesseract_cli(src, Path(tmp) / "out", self.lang, self.psm, "tsv")
            rows = parse_tsv(out.with_suffix(".tsv").read_text(encoding="utf-8"))
        return PageText(width=w, height=h, lines=_lines_from_rows(rows), engine=self.name)


def run_tesseract_cli(image: Path, out_base: Path, lang: str, psm: int, *configs: str) -> Path:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", str(image), str(out_base), "-l", lang, "--psm", str(psm), *configs]
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return out_base


TSV_COLUMNS = [
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
]


def parse_tsv(tsv: str) -> list[dict[str, Any]]:
    """Word rows of Tesseract's TSV (the CLI's has a header line, the API's has none)."""
    lines = tsv.splitlines()
    if lines and lines[0].startswith("level"):
        lines = lines[1:]
    header = TSV_COLUMNS
    rows = []
    for ln in lines:
        parts = ln.split("\t")
        if len(parts) != len(header):
            continue
        rows.append(dict(zip(header, parts, strict=True)))
    return [r for r in rows if r.get("level") == "5"]


def default_engine() -> OcrEngine:
    return TesseractEngine()
