"""The ALTO v4 rules (schema 4.2) for every element and attribute our ALTO files use, checked
without the XSD. The files are also validated against the XSD itself (``alto_xsd``); this check
stays beside it: it holds what lxml's validation leaves out (an IDREF pointing at no ID) and
names each fault in our terms.

Held: the namespace; each element's children in the schema's order and counts; required
attributes; no attribute the schema does not declare; numbers where the schema wants floats;
``WC``/``PC`` within 0..1; ``MeasurementUnit`` and ``processingCategory`` from their lists;
``xsd:ID`` values are NCNames and unique in the file; ``xsd:IDREF`` values point at one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# element → (children as a regex over one letter per child, {letter: tag}, required attributes,
# optional attributes). Letters are given per element; text-only elements have no children.
BOX = {"HPOS", "VPOS", "WIDTH", "HEIGHT"}
MODEL: dict[str, tuple[str, dict[str, str], set[str], set[str]]] = {
    "alto": ("D?Y?T?L", {"D": "Description", "Y": "Styles", "T": "Tags", "L": "Layout"},
             set(), {"SCHEMAVERSION"}),
    "Description": ("MS?O*P*",
                    {"M": "MeasurementUnit", "S": "sourceImageInformation",
                     "O": "OCRProcessing", "P": "Processing"}, set(), set()),
    "MeasurementUnit": ("", {}, set(), set()),
    "sourceImageInformation": ("F?I*C*", {"F": "fileName", "I": "fileIdentifier",
                                          "C": "documentIdentifier"}, set(), set()),
    "fileName": ("", {}, set(), set()),
    "fileIdentifier": ("", {}, set(), {"fileIdentifierLocation"}),
    "Processing": ("C?T?A?D*S?W?", {"C": "processingCategory", "T": "processingDateTime",
                                    "A": "processingAgency", "D": "processingStepDescription",
                                    "S": "processingStepSettings", "W": "processingSoftware"},
                   {"ID"}, set()),
    "processingCategory": ("", {}, set(), set()),
    "processingStepDescription": ("", {}, set(), set()),
    "processingStepSettings": ("", {}, set(), set()),
    "processingSoftware": ("C?N?V?A?", {"C": "softwareCreator", "N": "softwareName",
                                       "V": "softwareVersion", "A": "applicationDescription"},
                           set(), set()),
    "softwareName": ("", {}, set(), set()),
    "Layout": ("P+", {"P": "Page"}, set(), {"STYLEREFS"}),
    "Page": ("T?L?R?B?P?", {"T": "TopMargin", "L": "LeftMargin", "R": "RightMargin",
                            "B": "BottomMargin", "P": "PrintSpace"},
             {"ID", "PHYSICAL_IMG_NR"},
             {"PAGECLASS", "STYLEREFS", "PROCESSINGREFS", "HEIGHT", "WIDTH", "PRINTED_IMG_NR",
              "QUALITY", "QUALITY_DETAIL", "POSITION", "PROCESSING", "ACCURACY", "PC"}),
    "PrintSpace": ("X?[BIGC]*", {"X": "Shape", "B": "TextBlock", "I": "Illustration",
                                 "G": "GraphicalElement", "C": "ComposedBlock"},
                   set(), {"ID", "STYLEREFS", "PROCESSINGREFS"} | BOX),
    "TextBlock": ("X?L*", {"X": "Shape", "L": "TextLine"}, {"ID"},
                  {"STYLEREFS", "TAGREFS", "PROCESSINGREFS", "ROTATION", "IDNEXT", "CS",
                   "language", "LANG"} | BOX),
    "TextLine": ("X?(SP?)+H?", {"X": "Shape", "S": "String", "P": "SP", "H": "HYP"}, set(),
                 {"ID", "STYLEREFS", "TAGREFS", "PROCESSINGREFS", "BASELINE", "LANG", "CS"}
                 | BOX),
    "String": ("X?A*G*", {"X": "Shape", "A": "ALTERNATIVE", "G": "Glyph"}, {"CONTENT"},
               {"ID", "STYLEREFS", "TAGREFS", "PROCESSINGREFS", "STYLE", "SUBS_TYPE",
                "SUBS_CONTENT", "WC", "CC", "CS", "LANG"} | BOX),
    "SP": ("", {}, set(), {"ID"} | BOX),
}  # fmt: skip

FLOATS = BOX | {"PHYSICAL_IMG_NR", "ACCURACY", "PC", "WC", "ROTATION"}
UNIT_INTERVAL = {"PC", "WC"}
ID_ATTRS = {"ID"}
IDREF_ATTRS = {"PROCESSING", "IDNEXT"}
NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
UNITS = {"pixel", "mm10", "inch1200"}
CATEGORIES = {"contentGeneration", "contentModification", "preOperation", "postOperation", "other"}


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, name = tag[1:].split("}", 1)
        return ns, name
    return None, tag


def check(root: ET.Element) -> list[str]:
    """Every way ``root`` breaks the rules above (empty: it keeps them)."""
    errors: list[str] = []
    ids: set[str] = set()
    refs: list[str] = []
    if _local(root.tag) != (NS, "alto"):
        return [f"root is {root.tag}, not alto in the ALTO v4 namespace"]
    for el in root.iter():
        ns, name = _local(el.tag)
        where = f"{name}#{el.get('ID', '')}"
        if ns != NS:
            errors.append(f"{el.tag}: not in the ALTO v4 namespace")
            continue
        if name not in MODEL:
            errors.append(f"{name}: not an element these rules allow")
            continue
        pattern, letters, required, optional = MODEL[name]
        by_tag = {tag: letter for letter, tag in letters.items()}
        seq = ""
        for child in el:
            cns, cname = _local(child.tag)
            if cns != NS or cname not in by_tag:
                errors.append(f"{where}: child {cname} not allowed")
            else:
                seq += by_tag[cname]
        if not re.fullmatch(pattern, seq):
            errors.append(f"{where}: children {seq!r} break {pattern!r}")
        for attr in required - set(el.attrib):
            errors.append(f"{where}: required attribute {attr} missing")
        for attr, value in el.attrib.items():
            ans, aname = _local(attr)
            if ans == XSI and el is root:
                continue
            if ans is not None or aname not in required | optional:
                errors.append(f"{where}: attribute {attr} not declared")
                continue
            if aname in FLOATS:
                try:
                    number = float(value)
                except ValueError:
                    errors.append(f"{where}: {aname}={value!r} is not a number")
                    continue
                if aname in UNIT_INTERVAL and not 0 <= number <= 1:
                    errors.append(f"{where}: {aname}={value} outside 0..1")
            if aname in ID_ATTRS:
                if not NCNAME.match(value):
                    errors.append(f"{where}: ID {value!r} is not an NCName")
                if value in ids:
                    errors.append(f"{where}: ID {value!r} used twice")
                ids.add(value)
            if aname in IDREF_ATTRS:
                refs.append(value)
            if aname in {"LANG", "language"} and not LANGUAGE.match(value):
                errors.append(f"{where}: {aname}={value!r} is not a language tag")
        if name == "MeasurementUnit" and (el.text or "") not in UNITS:
            errors.append(f"MeasurementUnit {el.text!r} not one of {sorted(UNITS)}")
        if name == "processingCategory" and not set((el.text or "").split()) <= CATEGORIES:
            errors.append(f"processingCategory {el.text!r} not from {sorted(CATEGORIES)}")
    errors += [f"IDREF {r!r} points at no ID" for r in refs if r not in ids]
    return errors
