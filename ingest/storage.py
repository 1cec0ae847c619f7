"""Content-addressed storage under the data dir, written atomically and never rewritten.

Layout::

    <data_dir>/sources/<sha256><ext>           the original file, byte for byte (.pdf .tif .jpg
                                               .png .zip); for a folder, each page file as its
                                               own source and <sha256>.json, the folder manifest
    <data_dir>/pages/<sha[:2]>/<sha>.png       one page image, lossless PNG, mode L or RGB

A page's sha is :func:`pixel_sha256` of its decoded pixels. Every file is written to a hidden
temporary file in the same folder, flushed to disk and then linked into place, so a crash never
leaves a half-written file under a final name; a file that already exists is left untouched
(same bytes, same mtime).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

import cv2
import numpy as np
from PIL import Image

_CHUNK = 1024 * 1024


def pixel_sha256(image: np.ndarray | Image.Image) -> str:
    """SHA-256 of ``f"{mode} {width}x{height}\\n"`` (ASCII) followed by the raw pixel bytes.

    ``mode`` is ``L`` (uint8 array (h, w)) or ``RGB`` (uint8 array (h, w, 3)); raw bytes are
    row-major, top row first, one byte per channel: numpy's C order, Pillow's ``tobytes()``.
    Anyone can recompute it from the stored PNG, with numpy or Pillow.
    """
    if isinstance(image, Image.Image):
        if image.mode not in ("L", "RGB"):
            raise ValueError(f"page images are L or RGB, not {image.mode}")
        arr = np.asarray(image)
    else:
        arr = image
    mode = _mode_of(arr)
    h = hashlib.sha256(f"{mode} {arr.shape[1]}x{arr.shape[0]}\n".encode("ascii"))
    h.update(np.ascontiguousarray(arr).data)
    return h.hexdigest()


def _mode_of(arr: np.ndarray) -> str:
    if arr.dtype != np.uint8:
        raise ValueError(f"page pixels must be uint8, not {arr.dtype}")
    if arr.ndim == 2:
        return "L"
    if arr.ndim == 3 and arr.shape[2] == 3:
        return "RGB"
    raise ValueError(f"page pixels must be (h, w) or (h, w, 3), not {arr.shape}")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def page_path(data_dir: Path, sha: str) -> Path:
    return data_dir / "pages" / sha[:2] / f"{sha}.png"


def create_once(path: Path, write: Callable[[IO[bytes]], None]) -> bool:
    """Write ``path`` atomically unless it exists; True if this call created it.

    ``write`` gets a binary file opened on a temporary file in the same folder. The temporary
    file is removed whatever happens; the final name appears only complete.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(0o644)
        try:
            os.link(tmp, path)  # fails if another ingest stored the same content meanwhile
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            tmp.replace(path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def encode_png(pixels: np.ndarray, dpi: int, compress_level: int) -> bytes:
    """Lossless PNG of L/RGB pixels, with a pHYs chunk for ``dpi``.

    OpenCV's encoder with the RLE strategy: as small as zlib's default on clean pages, about
    twice as fast as Pillow on noisy scans, and it releases the GIL.
    """
    mode = _mode_of(pixels)
    bgr = pixels if mode == "L" else cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    params = [
        cv2.IMWRITE_PNG_COMPRESSION,
        compress_level,
        cv2.IMWRITE_PNG_STRATEGY,
        cv2.IMWRITE_PNG_STRATEGY_RLE,
    ]
    ok, buf = cv2.imencode(".png", bgr, params)
    if not ok:
        raise OSError("PNG encoding failed")
    png = buf.tobytes()
    return _with_phys(png, dpi) if dpi > 0 else png


def _with_phys(png: bytes, dpi: int) -> bytes:
    """Insert a pHYs chunk (pixels per metre) right after IHDR."""
    ppm = round(dpi / 0.0254)
    data = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + data + struct.pack(">I", zlib.crc32(data) & 0xFFFFFFFF)
    ihdr_end = 8 + 8 + 13 + 4  # signature, length + type, IHDR data, CRC
    if png[12:16] != b"IHDR" or b"pHYs" in png[: ihdr_end + 64]:
        return png
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def store_page(
    data_dir: Path, pixels: np.ndarray, dpi: int, compress_level: int
) -> tuple[str, Path]:
    """Store L/RGB ``pixels`` as ``pages/<sha[:2]>/<sha>.png`` unless there; return (sha, path)."""
    sha = pixel_sha256(pixels)
    path = page_path(data_dir, sha)
    if not path.exists():
        store_bytes(path, encode_png(pixels, dpi, compress_level))
    return sha, path.absolute()


def store_file(dest: Path, source: Path) -> bool:
    """Copy ``source`` to ``dest`` atomically unless ``dest`` exists; True if copied."""

    def write(fh: IO[bytes]) -> None:
        with source.open("rb") as src:
            shutil.copyfileobj(src, fh, _CHUNK)

    return create_once(dest, write)


def store_bytes(dest: Path, data: bytes) -> bool:
    """Write ``data`` to ``dest`` atomically unless ``dest`` exists; True if written."""

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    return create_once(dest, write)
