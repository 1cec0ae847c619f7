"""PAdES signatures (pyHanko) with the office's key and certificate from configuration, and their
validation. :func:`make_test_pki` makes a throwaway CA and office certificate (tests, demos).
"""

from __future__ import annotations

import io
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from civreg_cli.errors import ConfigError

SIGNATURE_FIELD = "ChuKySo"


def load_signer(
    key_file: Path, cert_file: Path, chain_file: Path | None = None, passphrase: str = ""
) -> signers.SimpleSigner:
    """The office's signer from PEM (or DER) files; ConfigError when they cannot be read."""
    for what, path in (("key", key_file), ("certificate", cert_file), ("chain", chain_file)):
        if path is not None and not path.is_file():
            raise ConfigError(
                f"the extract signing {what} file {path} does not exist",
                advice="set CIVREG_EXTRACT_KEY_FILE and CIVREG_EXTRACT_CERT_FILE",
            )
    signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(key_file),
        str(cert_file),
        ca_chain_files=(str(chain_file),) if chain_file else None,
        key_passphrase=passphrase.encode() if passphrase else None,
    )
    if signer is None:
        raise ConfigError(
            f"cannot load the extract signing key {key_file} with certificate {cert_file}",
            advice="check the files and CIVREG_EXTRACT_KEY_PASSPHRASE",
        )
    return signer


def sign_pdf(pdf: bytes, signer: signers.Signer, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with a PAdES baseline (B-B) signature added as an incremental update."""
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    reserved = _RESERVED.get(signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = io.BytesIO()
    try:
        signers.sign_pdf(writer, meta, signer=signer, output=out, bytes_reserved=reserved)
    except Exception:
        if reserved is None:
            raise
        _RESERVED.pop(signer, None)  # the signer's container outgrew the room: estimate again
        return sign_pdf(pdf, signer, reason=reason, location=location)
    signed = out.getvalue()
    if reserved is None:
        _RESERVED[signer] = _reserved_bytes(signed)
    return signed


# pyHanko sizes the room for the signature by signing once in a dry run before signing for
# real; a signer's containers are all about the same size, so the room its first signature
# needed (pyHanko's estimate, with its margin) is reserved for the next ones: half the work.
_RESERVED: weakref.WeakKeyDictionary[signers.Signer, int] = weakref.WeakKeyDictionary()


def _reserved_bytes(pdf: bytes) -> int:
    """The room the PDF's signature was given, as pyHanko counts it: the hex digits between
    the two signed byte ranges (less the string's angle brackets)."""
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    start, first, second, _length = (int(x) for x in sig.sig_object["/ByteRange"])
    return second - (start + first) - 2


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says of a PDF's signature."""

    present: bool
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature is cryptographically valid
    trusted: bool  # the signer's certificate chains to a trust root
    covers_whole_file: bool
    signer: str
    summary: str

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.valid and self.trusted


def check_signature(pdf: bytes, trust_roots: list[bytes]) -> SignatureCheck:
    """Validate the PDF's (first) signature against ``trust_roots`` (PEM or DER certificates).

    A damaged file is reported as not intact, not raised.
    """
    roots = [_asn1_cert(root) for root in trust_roots]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        return SignatureCheck(False, False, False, False, False, "", f"unreadable: {exc}")
    if not sigs:
        return SignatureCheck(False, False, False, False, False, "", "no signature")
    try:
        status = validate_pdf_signature(sigs[0], ValidationContext(trust_roots=roots))
    except Exception as exc:
        return SignatureCheck(True, False, False, False, False, "", f"invalid: {exc}")
    coverage = getattr(status, "coverage", None)
    return SignatureCheck(
        present=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=coverage is not None and coverage.name == "ENTIRE_FILE",
        signer=status.signing_cert.subject.human_friendly,
        summary=status.summary(),
    )


def _asn1_cert(data: bytes) -> asn1_x509.Certificate:
    cert = (
        x509.load_pem_x509_certificate(data)
        if data.lstrip().startswith(b"-----")
        else x509.load_der_x509_certificate(data)
    )
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class TestPki:
    __test__ = False  # not a pytest test class

    root_cert: Path
    office_cert: Path
    office_key: Path


def make_test_pki(folder: Path, office: str = "UBND phường Ngọc Lâm") -> TestPki:
    """A throwaway root CA and an office signing certificate under it (EC P-256, PEM files).

    For tests and demos only: a real office's key comes from the national CA.
    """
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, "civreg test root CA"),
        ]
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, office),
                    x509.NameAttribute(NameOID.COMMON_NAME, office),
                ]
            )
        )
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    pki = TestPki(folder / "root.pem", folder / "office.pem", folder / "office.key")
    pki.root_cert.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    pki.office_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.office_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pki.office_key.chmod(0o600)
    return pki
