"""Inline codes in XLIFF 2.1: a segment's tags (``translate.inline`` codes) written as the core's
inline elements and read back.

A pair whose both ends are in the segment and nest is ``<pc dataRefStart dataRefEnd>``; a tag whose
other end is in another segment (it spans a sentence boundary) is ``<sc isolated="yes">`` or
``<ec isolated="yes">``; markup with nothing to translate inside (``<br>``, ``<img>``, ``<code>``, a
URL) is ``<ph>``. Each refers (``dataRef*``) to a ``<data>`` of the unit's ``<originalData>`` that
holds the markup as written, so a CAT tool can show it. Reading accepts the same elements, with or
without the references (a bare ``<pc id="3">`` is tag 3), and keeps the text inside ``<mrk>``.
"""

from __future__ import annotations

import re

from lxml import etree

from translate import inline

NS = "urn:oasis:names:tc:xliff:document:2.0"
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RUNS = re.compile("[\U000f0000-\U000ffffd]|[^\U000f0000-\U000ffffd]+")


class InlineError(ValueError):
    """An inline element that cannot be read as a tag of the segment."""


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _add_text(parent: etree._Element, text: str) -> None:
    """Append ``text`` to ``parent``'s content, XML-invalid characters as <cp hex>."""
    parts = _INVALID_XML.split(text)
    chars = _INVALID_XML.findall(text)
    _append(parent, parts[0])
    for char, after in zip(chars, parts[1:], strict=True):
        etree.SubElement(parent, q("cp"), hex=f"{ord(char):04X}")
        _append(parent, after)


def _append(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def put_content(element: etree._Element, text: str) -> set[str]:
    """Write ``text`` (with codes) into ``element``; returns the codes' keys it referred to."""
    codes = inline.codes(text)
    pairs = _pairs(codes)
    stack = [element]
    used: set[str] = set()
    for run in _RUNS.findall(text):
        if not inline.is_code(run):
            _add_text(stack[-1], run)
            continue
        kind, n = inline.parse_code(run)  # type: ignore[misc]
        name = inline.key(run)
        used.add(name)
        if kind == inline.ALONE:
            etree.SubElement(stack[-1], q("ph"), id=f"s{n}", dataRef=name)
        elif n in pairs and kind == inline.OPEN:
            stack.append(etree.SubElement(stack[-1], q("pc"), id=str(n), dataRefStart=name,
                                          dataRefEnd=inline.key(inline.code(inline.CLOSE, n))))
        elif n in pairs:
            stack.pop()
        else:
            tag = "sc" if kind == inline.OPEN else "ec"
            etree.SubElement(stack[-1], q(tag), id=f"{kind}{n}", isolated="yes", dataRef=name)
    return used


def _pairs(codes: list[str]) -> set[int]:
    """The tag numbers whose open and close codes are both in ``codes`` and nest."""
    stack: list[int] = []
    found: set[int] = set()
    present = {inline.parse_code(c) for c in codes}
    for char in codes:
        kind, n = inline.parse_code(char)  # type: ignore[misc]
        if kind == inline.ALONE or (inline.CLOSE if kind == inline.OPEN else inline.OPEN, n) not in present:
            continue
        if kind == inline.OPEN:
            stack.append(n)
        elif stack and stack[-1] == n:
            found.add(stack.pop())
        else:
            return found & set()  # badly nested: write every tag on its own
    return found


def original_data(unit: etree._Element, used: set[str], markup: dict[str, str]) -> None:
    """An <originalData> with the markup of the codes ``used`` (from the block's ``codes``)."""
    known = sorted(k for k in used if k in markup)
    if not known:
        return
    holder = etree.Element(q("originalData"))
    for name in known:
        _add_text(etree.SubElement(holder, q("data"), id=name), markup[name])
    at = 1 if len(unit) and etree.QName(unit[0]).localname == "notes" else 0
    unit.insert(at, holder)


def _code(element: etree._Element, attr: str, kind: str) -> str:
    ref = element.get(attr) or ""
    if re.fullmatch(r"[ocs]\d{1,5}", ref):
        return inline.from_key(ref)
    digits = re.sub(r"\D", "", element.get("id") or element.get("startRef") or "")
    if not digits:
        raise InlineError(f"<{etree.QName(element).localname}> (line {element.sourceline}) names no tag")
    return inline.code(kind, int(digits))


def read_content(element: etree._Element) -> str:
    """The text of a <source>/<target> with its inline elements as codes (<cp> as characters, the
    text of <mrk> kept, markers <sm>/<em> dropped)."""
    out = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            out.append(child.tail or "")
            continue
        name = etree.QName(child).localname
        if etree.QName(child).namespace != NS:
            raise InlineError(f"unexpected element {child.tag} (line {child.sourceline})")
        if name == "cp":
            try:
                out.append(chr(int(child.get("hex", ""), 16)))
            except (ValueError, OverflowError) as exc:
                raise InlineError(f"<cp> (line {child.sourceline}): hex={child.get('hex')!r} is not a "
                                  "code point") from exc
        elif name == "pc":
            out += [_code(child, "dataRefStart", inline.OPEN), read_content(child),
                    _code(child, "dataRefEnd", inline.CLOSE)]
        elif name == "ph":
            out.append(_code(child, "dataRef", inline.ALONE))
        elif name == "sc":
            out.append(_code(child, "dataRef", inline.OPEN))
        elif name == "ec":
            out.append(_code(child, "dataRef", inline.CLOSE))
        elif name == "mrk":
            out.append(read_content(child))
        elif name not in ("sm", "em"):
            raise InlineError(f"<{name}> (line {child.sourceline}) is not allowed in a segment's content")
        out.append(child.tail or "")
    return "".join(out)
