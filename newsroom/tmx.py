"""TMX 1.4b (LISA) for the translation memory: export units, read units back, check a document.

A unit is a dict ``{source_lang, target_lang, source, target}`` with optional ``id``,
``created_at``, ``updated_at`` (datetimes) and ``uses``; each becomes one ``<tu>`` with a
``<tuv>`` per language. Reading is as defensive as for XLIFF (no DTD, no entities, no network);
a plain ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``, as many tools write, is accepted and ignored.

XML 1.0 cannot carry most control characters and TMX has no escape for them: they are written
as U+FFFD.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata

from lxml import etree

from common.xml import XML_LANG, parse_safely
from newsroom.xliff import indent_xml

SEGTYPES = ("block", "paragraph", "sentence", "phrase")
HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
DATE_ATTRS = ("creationdate", "changedate", "lastusagedate")
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_DATE = re.compile(r"\d{8}T\d{6}Z")
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Inline elements of <seg>: native codes (skipped) and highlighted text (kept).
_CODES = ("bpt", "ept", "it", "ph", "ut")


class TmxError(ValueError):
    """The TMX document cannot be used: malformed, unsafe or not TMX."""


def _version() -> str:
    try:
        return importlib_metadata.version("dragoman")
    except importlib_metadata.PackageNotFoundError:
        return "0.1.0"


def tmx_date(value: datetime | None) -> str:
    """A datetime in TMX form (UTC, YYYYMMDDThhmmssZ); naive datetimes are taken as UTC."""
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(DATE_FORMAT)


def parse_date(text: str | None) -> datetime | None:
    if not text or not _DATE.fullmatch(text):
        return None
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def export_tm(units: list[dict], creation_tool: str = "dragoman", version: str | None = None) -> bytes:
    """``units`` as a TMX 1.4 document (UTF-8, with declaration, indented)."""
    sources = {u["source_lang"] for u in units}
    srclang = sources.pop() if len(sources) == 1 else "*all*"
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": creation_tool, "creationtoolversion": version or _version(), "segtype": "sentence",
        "o-tmf": "dragoman", "adminlang": "en", "srclang": srclang, "datatype": "plaintext",
        "creationdate": tmx_date(None)})
    body = etree.SubElement(root, "body")
    for n, unit in enumerate(units, 1):
        tu = etree.SubElement(body, "tu", tuid=str(unit.get("id") or n), srclang=unit["source_lang"])
        tu.set("creationdate", tmx_date(unit.get("created_at")))
        if unit.get("updated_at"):
            tu.set("changedate", tmx_date(unit["updated_at"]))
        if unit.get("uses"):
            tu.set("usagecount", str(int(unit["uses"])))
        for lang, text in ((unit["source_lang"], unit["source"]), (unit["target_lang"], unit["target"])):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            etree.SubElement(tuv, "seg").text = _clean(text)
    indent_xml(root, leaves=("seg",))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _where(element: etree._Element) -> str:
    return f"<{element.tag}> (line {element.sourceline})"


def _lang(tuv: etree._Element) -> str | None:
    return tuv.get(XML_LANG) or tuv.get("lang")      # "lang" is TMX 1.1-1.3


def seg_text(seg: etree._Element) -> str:
    """The text of a <seg>: its characters and those of <hi>, without native codes and <sub> flows."""
    out = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and child.tag == "hi":
            out.append(seg_text(child))
        out.append(child.tail or "")
    return "".join(out)


def import_tm(data: bytes) -> list[dict]:
    """Units of a TMX document: one dict per (source tuv, other tuv) of each <tu>, with
    ``source_lang, target_lang, source, target, tuid, created_at, updated_at``."""
    root = parse_safely(data, TmxError, "TMX")
    if root.tag != "tmx":
        raise TmxError(f"{_where(root)}: the root element must be <tmx>")
    header = root.find("header")
    body = root.find("body")
    if header is None or body is None:
        raise TmxError(f"{_where(root)}: a TMX document needs a <header> and a <body>")
    default_src = header.get("srclang")
    units: list[dict] = []
    for tu in body.iter("tu"):
        variants = []
        for tuv in tu.findall("tuv"):
            lang, segs = _lang(tuv), tuv.findall("seg")
            if not lang or len(segs) != 1:
                raise TmxError(f"{_where(tuv)}: a <tuv> needs xml:lang and exactly one <seg>")
            variants.append((lang, seg_text(segs[0])))
        if len(variants) < 2:
            continue
        srclang = tu.get("srclang") or default_src
        langs = [lang.lower() for lang, _ in variants]
        if not srclang or srclang == "*all*" or srclang.lower() not in langs:
            src_index = 0
        else:
            src_index = langs.index(srclang.lower())
        src_lang, source = variants[src_index]
        created = parse_date(tu.get("creationdate"))
        changed = parse_date(tu.get("changedate")) or created
        for i, (lang, text) in enumerate(variants):
            if i != src_index:
                units.append({"source_lang": src_lang, "target_lang": lang, "source": source, "target": text,
                              "tuid": tu.get("tuid"), "created_at": created, "updated_at": changed})
    return units


def validate(data: bytes) -> list[str]:
    """Problems of a TMX document against TMX 1.4b, each naming the element and line; an empty
    list means none were found."""
    try:
        root = parse_safely(data, TmxError, "TMX")
    except TmxError as exc:
        return [str(exc)]
    if root.tag != "tmx":
        return [f"{_where(root)}: the root element must be <tmx>, not {root.tag}"]
    problems: list[str] = []
    add = problems.append
    if root.get("version") != "1.4":
        add(f"{_where(root)}: version={root.get('version')!r}; expected 1.4")
    children = [c for c in root if isinstance(c.tag, str)]
    if [c.tag for c in children] != ["header", "body"]:
        add(f"{_where(root)}: <tmx> must hold one <header> followed by one <body>, found "
            f"{', '.join(c.tag for c in children) or 'nothing'}")
    header = root.find("header")
    if header is not None:
        for attr in HEADER_REQUIRED:
            if not header.get(attr):
                add(f"{_where(header)}: the {attr} attribute is required")
        if header.get("segtype") and header.get("segtype") not in SEGTYPES:
            add(f"{_where(header)}: segtype={header.get('segtype')!r} must be one of {', '.join(SEGTYPES)}")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in DATE_ATTRS:
            value = element.get(attr)
            if value is not None and parse_date(value) is None:
                add(f"{_where(element)}: {attr}={value!r} is not a TMX date (YYYYMMDDThhmmssZ)")
        if element.tag == "tu" and element.get("segtype") not in (None, *SEGTYPES):
            add(f"{_where(element)}: segtype={element.get('segtype')!r} must be one of {', '.join(SEGTYPES)}")
        if element.tag in ("tu", "tuv") and element.getparent().tag != ("body" if element.tag == "tu" else "tu"):
            add(f"{_where(element)}: <{element.tag}> is misplaced")
    body = root.find("body")
    for tu in body.iter("tu") if body is not None else ():
        tuvs = tu.findall("tuv")
        if len(tuvs) < 2:
            add(f"{_where(tu)}: a <tu> needs at least two <tuv>, found {len(tuvs)}")
        for tuv in tuvs:
            if not tuv.get(XML_LANG):
                add(f"{_where(tuv)}: the xml:lang attribute is required")
            segs = tuv.findall("seg")
            if len(segs) != 1:
                add(f"{_where(tuv)}: a <tuv> needs exactly one <seg>, found {len(segs)}")
    return problems
