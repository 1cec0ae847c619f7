"""Engine-neutral OCR result: page → lines → words.

Coordinates are pixels of the page image as stored by ingest, origin at the top-left corner,
boxes as ``(x0, y0, x1, y1)`` with x1/y1 exclusive. Confidences are 0..1.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BBox = tuple[int, int, int, int]


def union_bbox(boxes: list[BBox]) -> BBox:
    """Smallest box holding every box in ``boxes`` (which must not be empty)."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True)
class Word:
    text: str
    bbox: BBox
    conf: float  # 0..1


@dataclass
class Line:
    words: list[Word]

    @property
    def bbox(self) -> BBox:
        return union_bbox([w.bbox for w in self.words])

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class PageText:
    """What was read on one page: by an OCR engine, or from a PDF's text layer."""

    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    source: str = "ocr"  # "ocr" | "text_layer"
    engine: str = ""  # e.g. "tesseract-5.5.4 vie psm=4"
    rotation: int = 0  # degrees the image was rotated before reading (0, 90, 180, 270)
    skew: float = 0.0  # degrees corrected by deskew

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PageText:
        def word(w: dict[str, Any]) -> Word:
            x0, y0, x1, y1 = (int(v) for v in w["bbox"])
            return Word(str(w["text"]), (x0, y0, x1, y1), float(w["conf"]))

        lines = [Line([word(w) for w in ln["words"]]) for ln in d["lines"]]
        return cls(
            width=int(d["width"]),
            height=int(d["height"]),
            lines=lines,
            source=str(d.get("source", "ocr")),
            engine=str(d.get("engine", "")),
            rotation=int(d.get("rotation", 0)),
            skew=float(d.get("skew", 0.0)),
        )

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a crash never leaves half a file

    @classmethod
    def load(cls, path: Path) -> PageText:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
