"""Installed fonts that cover every Vietnamese letter, by role.

Only fonts from Debian packages known to carry all Vietnamese letters are used (measured.md):
``fonts-dejavu-core``, ``fonts-liberation2`` (not v1), ``fonts-freefont-ttf``, ``fonts-noto-core``.
Lookup is by file name in the usual directories, so it is quick and the same on every machine
that has the package; ``fc-match`` is not needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from civreg_cli.errors import ConfigError

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/local/share/fonts"),
)


@dataclass(frozen=True)
class Face:
    name: str  # short name for meta.json: "DejaVu Serif"
    regular: str  # file names
    bold: str
    package: str  # the Debian package that ships it


# Printed labels of the form: serif faces.
LABEL_FACES: tuple[Face, ...] = (
    Face("Liberation Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
         "fonts-liberation2"),
    Face("DejaVu Serif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    Face("Noto Serif", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "fonts-noto-core"),
    Face("FreeSerif", "FreeSerif.ttf", "FreeSerifBold.ttf", "fonts-freefont-ttf"),
)  # fmt: skip

# Typed values: sans and mono faces. FreeMono is left out (its hairline strokes vanish in scans),
# and so is DejaVu Sans Mono, which lacks 46 Vietnamese letters (ả, ễ, ố, …).
VALUE_FACES: tuple[Face, ...] = (
    Face("Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
         "fonts-liberation2"),
    Face("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    Face("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    Face("FreeSans", "FreeSans.ttf", "FreeSansBold.ttf", "fonts-freefont-ttf"),
    Face("Liberation Mono", "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf",
         "fonts-liberation2"),
)  # fmt: skip


@lru_cache(maxsize=64)
def find_font_file(file_name: str) -> Path | None:
    """The installed path of ``file_name``, or None."""
    for base in FONT_DIRS:
        if not base.is_dir():
            continue
        direct = [p for p in (base / sub / file_name for sub in _SUBDIRS) if p.is_file()]
        if direct:
            return direct[0]
        found = sorted(base.rglob(file_name))
        if found:
            return found[0]
    return None


_SUBDIRS = ("dejavu", "liberation2", "freefont", "noto", "liberation")


VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)


@lru_cache(maxsize=64)
def covers_vietnamese(file_name: str) -> bool:
    """Whether the installed font draws every Vietnamese letter (none falls back to .notdef)."""
    path = find_font_file(file_name)
    if path is None:
        return False
    font = ImageFont.truetype(str(path), 24, layout_engine=ImageFont.Layout.BASIC)

    def shape(ch: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    notdef = shape("\ue000")  # a private-use code point: no font here has a glyph for it
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
    return all(shape(ch) != notdef for ch in letters)


def available(faces: tuple[Face, ...]) -> list[Face]:
    """The faces of ``faces`` installed with every Vietnamese letter, regular and bold."""
    return [f for f in faces if covers_vietnamese(f.regular) and covers_vietnamese(f.bold)]


def require(faces: tuple[Face, ...], role: str) -> list[Face]:
    """Like ``available`` but raise a ConfigError naming the packages when none is installed."""
    found = available(faces)
    if not found:
        packages = ", ".join(dict.fromkeys(f.package for f in faces))
        raise ConfigError(
            f"no installed font with Vietnamese letters for the {role}",
            advice=f"install one of the Debian packages: {packages}",
        )
    return found


@lru_cache(maxsize=64)
def load(file_name: str, size: int) -> ImageFont.FreeTypeFont:
    """A font at ``size`` pixels. Basic layout: same glyph placement with or without libraqm."""
    path = find_font_file(file_name)
    if path is None:  # pragma: no cover - callers go through require()
        raise ConfigError(f"font file {file_name} is not installed")
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
