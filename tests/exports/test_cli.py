"""``civreg export --format exchange`` (and an unknown book) as a user runs it (SQLite only: the
exports read the registry the same way on both databases, as the other tests here show)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.civreg_cli.test_cli import one_line_error, run
from tests.exports.conftest import BOOK_NO, Registry


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_commands(registry: Registry, db_url: str, tmp_path: Path) -> None:
    common = ("--db", db_url, "--data-dir", str(registry.data_dir))
    out = tmp_path / "exports"
    p = run("export", "--format", "exchange", "--book-no", BOOK_NO, "--out", str(out), *common)
    assert p.returncode == 0, p.stderr
    (zip_path,) = out.glob("*.zip")
    assert f"{zip_path} (records: 4, pdfs: 3)" in p.stdout
    with zipfile.ZipFile(zip_path) as zf:
        assert sum(n.endswith(".pdf") for n in zf.namelist()) == 3
    # the record whose page image is lost is named on stderr, without personal data
    notes = [ln for ln in p.stderr.splitlines() if ln.startswith("note:")]
    assert len(notes) == 1 and "record 4 (entry 4)" in notes[0] and "page 3" in notes[0]
    assert "Nguyễn" not in p.stderr

    p = run("export", "--format", "alto", "--book-no", "99/2099", "--out", str(out), *common)
    assert p.returncode == 2
    assert "no book numbered '99/2099'" in one_line_error(p)
