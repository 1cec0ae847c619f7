"""The ``civreg`` command as a user runs it: bad input gets one clear line and an exit code."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CIVREG = str(Path(sys.executable).with_name("civreg"))


def run(
    *args: str, cwd: Path | None = None, timeout: int = 300, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS=str(columns))
    env.pop("PREFECT_LOGGING_LEVEL", None)  # the CLI's own default must keep errors to one line
    return subprocess.run(
        [CIVREG, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd
    )


def digitize(
    path: Path, tmp_path: Path, *extra: str, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    return run(
        "digitize",
        str(path),
        "--type",
        "birth",
        "--book-no",
        "01/2016",
        "--authority",
        "UBND phường Ngọc Lâm",
        "--data-dir",
        str(tmp_path / "data"),
        "--db",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        *extra,
        columns=columns,
    )


def one_line_error(p: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error:")
    return lines[0]


@pytest.mark.parametrize(
    ("name", "content", "needle", "code"),
    [
        ("notes.pdf", b"just some text, not a scan\n", "is not a PDF", 2),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "damaged PDF", 2),
        ("empty.pdf", b"", "empty", 2),
    ],
)
def test_unusable_books_are_refused_with_one_line(
    tmp_path: Path, name: str, content: bytes, needle: str, code: int
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    p = digitize(f, tmp_path, columns=60)  # a narrow console must not wrap the error
    line = one_line_error(p)
    assert p.returncode == code
    assert name in line and needle in line
    assert not (tmp_path / "db.sqlite").exists() or _no_books(tmp_path)


def _no_books(tmp_path: Path) -> bool:
    import sqlite3

    con = sqlite3.connect(tmp_path / "db.sqlite")
    try:
        return con.execute("select count(*) from book").fetchone()[0] == 0
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100))
    f = tmp_path / "bomb.png"
    f.write_bytes(png + chunk(b"IEND", b""))
    p = digitize(f, tmp_path, columns=60)  # a narrow console must not wrap the error
    line = one_line_error(p)
    assert p.returncode == 2 and "bomb.png" in line and "megapixels" in line


def test_unknown_type_and_missing_file(tmp_path: Path) -> None:
    p = run("digitize", str(tmp_path), "--type", "adoption", "--book-no", "1", "--authority", "x")
    assert p.returncode == 2 and "unknown register type 'adoption'" in one_line_error(p)
    p = digitize(tmp_path / "nope.pdf", tmp_path)
    assert p.returncode == 2 and "nope.pdf" in one_line_error(p)


def test_digitize_export_and_eval(sample_book: Path, tmp_path: Path) -> None:
    p = digitize(sample_book / "book.pdf", tmp_path, "--workers", "2")
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Book summary" in p.stdout and "field_straight_through_share" in p.stdout
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    out = tmp_path / "records.jsonl"
    assert (
        run(
            "export", "--format", "jsonl", "--book-no", "01/2016", "--db", db, "--out", str(out)
        ).returncode
        == 0
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    truth = [json.loads(line) for line in (sample_book / "truth.jsonl").read_text().splitlines()]
    assert len(records) == len(truth)
    rec = records[0]
    assert set(rec) == {
        "register_type",
        "book_no",
        "entry_no",
        "registration_authority",
        "pages",
        "status",
        "fields",
    }
    f = rec["fields"]["child.full_name"]
    assert set(f) == {"value", "raw", "confidence", "status", "reasons", "page", "bbox"}
    assert len(f["bbox"]) == 4 and f["page"] == rec["pages"][0]
    c = run("export", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(c.stdout)))
    assert len(rows) == len(truth) and "child.date_of_birth" in rows[0]
    e = run(
        "eval",
        "--truth",
        str(sample_book / "truth.jsonl"),
        "--export",
        str(out),
        "--json",
        str(tmp_path / "eval.json"),
    )
    assert e.returncode == 0 and "accuracy" in e.stdout
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["overall"]["accuracy"] >= 0.95
    # the same book again: recognised, nothing new
    again = digitize(sample_book / "book.pdf", tmp_path)
    assert again.returncode == 0
    assert run("export", "--db", db).stdout.count("\n") == len(truth)


def test_ocr_command_formats(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1600, 200), 255)
    ImageDraw.Draw(img).text(
        (50, 60),
        "Giới tính: Nữ   Dân tộc: Kinh",
        font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 44),
        fill=0,
    )
    img.save(tmp_path / "p.png")
    t = run("ocr", str(tmp_path / "p.png"))
    assert t.returncode == 0 and "Giới tính: Nữ Dân tộc: Kinh" in t.stdout
    tsv = run("ocr", str(tmp_path / "p.png"), "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == ["line", "x0", "y0", "x1", "y1", "conf", "text"] and len(tsv) == 7
    js = json.loads(run("ocr", str(tmp_path / "p.png"), "--format", "json").stdout)
    assert js["width"] == 1600 and js["lines"][0]["words"][0]["text"] == "Giới"
    bad = tmp_path / "x.png"
    bad.write_text("not an image")
    p = run("ocr", str(bad))
    assert p.returncode == 3 and "x.png" in one_line_error(p)


def test_sample_book_command(tmp_path: Path) -> None:
    p = run("sample-book", str(tmp_path / "b"), "--records", "2", "--seed", "5", "--format", "png")
    assert p.returncode == 0
    assert (tmp_path / "b" / "truth.jsonl").exists() and list(
        (tmp_path / "b" / "pages").glob("*.png")
    )
    p = run("sample-book", str(tmp_path / "c"), "--layout", "scroll")
    assert p.returncode == 2 and "unknown layout" in one_line_error(p)
