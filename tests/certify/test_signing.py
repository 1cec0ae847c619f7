"""PAdES signing sizes a signer's signature room once and reuses it; every copy validates."""

from __future__ import annotations

import io

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from certify import signing
from certify.signing import TestPki, check_signature, load_signer, sign_pdf
from tests.certify.conftest import pki_root


def _pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(100, 700, "extract")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_the_room_sized_on_the_first_signature_serves_the_next(pki: TestPki) -> None:
    signer = load_signer(pki.office_key, pki.office_cert)
    first = sign_pdf(_pdf(), signer, reason="r", location="l")
    room = signing._RESERVED[signer]
    assert room == signing._reserved_bytes(first) > 0
    second = sign_pdf(_pdf(), signer, reason="r", location="l")
    assert signing._reserved_bytes(second) == room  # no new estimate
    for pdf in (first, second):
        check = check_signature(pdf, [pki_root(pki)])
        assert check.ok and check.covers_whole_file


def test_a_room_too_small_is_sized_again(pki: TestPki) -> None:
    signer = load_signer(pki.office_key, pki.office_cert)
    signing._RESERVED[signer] = 64  # far too small for any container
    pdf = sign_pdf(_pdf(), signer)
    assert check_signature(pdf, [pki_root(pki)]).ok
    assert signing._RESERVED[signer] > 64
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
