"""XLIFF 2.1 (OASIS, core only) for one draft: export it for a CAT tool, read the edited file back.

One ``<file>`` per draft, one ``<group>`` per article line that has sentences, one ``<unit>`` per
segment with its QA flags and glossary report as ``<notes>``, its inline tags as ``<pc>``, ``<ph>``,
``<sc>``/``<ec>`` with their markup in ``<originalData>`` (``xliff_inline``), and the whitespace that
followed the sentence as an ``<ignorable>``. Characters XML 1.0 cannot carry are written as ``<cp hex>``.

Reading is defensive: no DTD is loaded, no entity expanded, nothing fetched from the network,
and a document declaring entities is refused outright. ``import_draft`` only accepts a file made
from the same draft (same languages, same draft id, same source sentences) and returns the
targets that changed; ``validate`` lists structural problems against the core specification.
"""

from __future__ import annotations

import re

from lxml import etree

from common.languages import LanguageError, normalize
from common.xml import XML_LANG, parse_safely
from newsroom import xliff_inline
from translate import inline

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_SPACE = f"{{{XML_NS}}}space"
VERSIONS = ("2.0", "2.1")
SEGMENT_STATES = ("initial", "translated", "reviewed", "final")
TERM_NOTES = ("missing", "forbidden", "undecided")  # glossary report keys written as notes

# Characters not allowed in XML 1.0 documents (written as <cp hex="..."/> in XLIFF 2).
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Inline elements whose text belongs to the content, and those that only mark positions/codes.
_INLINE_TEXT = ("mrk", "pc")
_INLINE_EMPTY = ("ph", "sc", "ec", "sm", "em")


class XliffError(ValueError):
    """The XLIFF document cannot be used: malformed, unsafe, or made from another draft."""


def q(tag: str) -> str:
    """The qualified name of an XLIFF 2 core element."""
    return f"{{{NS}}}{tag}"


# --- export ----------------------------------------------------------------------------------------
def segment_state(segment: dict, draft_state: str | None) -> str:
    """XLIFF state of a stored segment, from its review status: no target -> initial; approved
    (the segment, or the whole draft) -> final; edited by a reviewer -> reviewed; else translated."""
    if segment.get("target") is None:
        return "initial"
    status = segment.get("status")
    if status == "approved" or draft_state == "approved":
        return "final"
    return "reviewed" if status == "edited" else "translated"


def _put_text(element: etree._Element, text: str) -> None:
    """Set ``text`` as the content of ``element``, writing XML-invalid characters as <cp/>."""
    parts = _INVALID_XML.split(text)
    chars = _INVALID_XML.findall(text)
    element.text = parts[0] or None
    for char, after in zip(chars, parts[1:], strict=True):
        cp = etree.SubElement(element, q("cp"), hex=f"{ord(char):04X}")
        cp.tail = after or None


def _notes(segment: dict) -> list[tuple[str, str]]:
    notes = [("qa", flag) for flag in segment.get("flags") or []]
    terms = segment.get("terms") or {}
    for key in TERM_NOTES:
        notes += [("terminology", f"{key}: {concept}") for concept in terms.get(key) or []]
    return notes


def indent_xml(element: etree._Element, level: int = 0, leaves: tuple[str, ...] = ()) -> None:
    """Pretty-print by hand: structural elements get newlines and indentation; the content of
    ``leaves`` (source, target, note...) is never touched, so whitespace in texts survives."""
    if element.tag in leaves or not len(element):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        indent_xml(child, level + 1, leaves)
        child.tail = pad
    element[-1].tail = "\n" + "  " * level


def export_draft(draft: dict, source_lang: str, job_id: str) -> bytes:
    """The draft as an XLIFF 2.1 document (UTF-8, with declaration, indented)."""
    root = etree.Element(q("xliff"), nsmap={None: NS}, version="2.1", srcLang=source_lang,
                         trgLang=draft["target_lang"])
    file = etree.SubElement(root, q("file"), id=f"f-{draft['id']}", original=f"job/{job_id}", canResegment="no")
    if draft.get("models"):
        holder = etree.SubElement(file, q("notes"))
        for model in draft["models"]:
            _put_text(etree.SubElement(holder, q("note"), category="model"), model_note(model))
    blocks = draft.get("blocks") or []
    by_block: dict[int, list[dict]] = {}
    for seg in sorted(draft.get("segments") or [], key=lambda s: s["idx"]):
        by_block.setdefault(seg["block"], []).append(seg)
    for block, segs in sorted(by_block.items()):
        group = etree.SubElement(file, q("group"), id=f"b{block}")
        for seg in segs:
            unit = etree.SubElement(group, q("unit"), id=f"u{seg['idx']}")
            notes = _notes(seg)
            if notes:
                holder = etree.SubElement(unit, q("notes"))
                for category, text in notes:
                    _put_text(etree.SubElement(holder, q("note"), category=category), text)
            segment = etree.SubElement(unit, q("segment"), id=f"s{seg['idx']}",
                                       state=segment_state(seg, draft.get("state")))
            source = etree.SubElement(segment, q("source"))
            source.set(XML_SPACE, "preserve")
            used = xliff_inline.put_content(source, seg["source"])
            if seg.get("target") is not None:
                target = etree.SubElement(segment, q("target"))
                target.set(XML_SPACE, "preserve")
                used |= xliff_inline.put_content(target, seg["target"])
            markup = (blocks[block].get("codes") or {}) if block < len(blocks) else {}
            xliff_inline.original_data(unit, used, {k: v for k, v in markup.items() if isinstance(v, str)})
            if seg.get("space_after"):
                ignorable = etree.SubElement(unit, q("ignorable"))
                space = etree.SubElement(ignorable, q("source"))
                space.set(XML_SPACE, "preserve")
                _put_text(space, seg["space_after"])
    indent_xml(root, leaves=(q("source"), q("target"), q("note")))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def model_note(model: dict) -> str:
    """Which model made a hop of the draft: "hop 1 en-sq: Helsinki-NLP/opus-mt-en-sq @ <revision>"."""
    revision = model.get("revision") or ("fixture " + model["fixture"] if model.get("fixture") else "unpinned")
    return f"hop {model.get('hop', 0)} {model.get('direction', '?')}: {model.get('model', '?')} @ {revision}"


# --- import ----------------------------------------------------------------------------------------
def _where(element: etree._Element) -> str:
    name = etree.QName(element).localname
    ident = element.get("id")
    label = f"<{name} id={ident!r}>" if ident is not None else f"<{name}>"
    return f"{label} (line {element.sourceline})"


def content_text(element: etree._Element) -> str:
    """The plain text of a <source>/<target>: text, <cp> characters, the text inside <mrk>/<pc>;
    placeholders and markers (<ph>, <sc>, <ec>, <sm>, <em>) contribute nothing."""
    out = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):          # comments, processing instructions
            out.append(child.tail or "")
            continue
        name = etree.QName(child)
        if name.namespace != NS:
            raise XliffError(f"{_where(child)}: unexpected element {child.tag} inside {_where(element)}")
        if name.localname == "cp":
            try:
                out.append(chr(int(child.get("hex", ""), 16)))
            except (ValueError, OverflowError) as exc:
                raise XliffError(f"{_where(child)}: hex={child.get('hex')!r} is not a code point") from exc
        elif name.localname in _INLINE_TEXT:
            out.append(content_text(child))
        elif name.localname not in _INLINE_EMPTY:
            raise XliffError(f"{_where(child)}: <{name.localname}> is not allowed inside {_where(element)}")
        out.append(child.tail or "")
    return "".join(out)


def _same_lang(a: str | None, b: str | None) -> bool:
    try:
        return normalize(a or "", None) == normalize(b or "", None)
    except LanguageError:
        return (a or "").lower() == (b or "").lower()


def import_draft(data: bytes, draft: dict, source_lang: str | None = None) -> dict[int, str]:
    """Read an XLIFF file made by ``export_draft`` for ``draft`` (and edited in a CAT tool);
    return segment index -> new target for the targets that differ from the stored ones.

    ``source_lang`` (or ``draft["source_lang"]``, when present) is checked against srcLang.
    Raises XliffError naming the element and line when the file is malformed, unsafe, or was
    made from another draft or altered (languages, file id, unit ids or source texts differ)."""
    root = parse_safely(data, XliffError, "XLIFF")
    if root.tag != q("xliff"):
        raise XliffError(f"{_where(root)}: the root element must be <xliff> in the namespace {NS}, "
                         f"not {root.tag}")
    version = root.get("version")
    if version not in VERSIONS:
        raise XliffError(f"{_where(root)}: version {version!r} is not supported (expected 2.0 or 2.1)")
    expected_source = source_lang or draft.get("source_lang")
    if expected_source and not _same_lang(root.get("srcLang"), expected_source):
        raise XliffError(f"{_where(root)}: srcLang={root.get('srcLang')!r} but the draft translates from "
                         f"{expected_source}")
    if not _same_lang(root.get("trgLang"), draft["target_lang"]):
        raise XliffError(f"{_where(root)}: trgLang={root.get('trgLang')!r} but the draft translates into "
                         f"{draft['target_lang']}")
    files = root.findall(q("file"))
    if len(files) != 1:
        raise XliffError(f"{_where(root)}: expected exactly one <file>, found {len(files)}")
    file = files[0]
    if file.get("id") != f"f-{draft['id']}":
        raise XliffError(f"{_where(file)}: the file belongs to another draft (expected id 'f-{draft['id']}')")

    stored = {s["idx"]: s for s in draft.get("segments") or []}
    seen: set[int] = set()
    changes: dict[int, str] = {}
    for unit in file.iter(q("unit")):
        match = re.fullmatch(r"u(\d+)", unit.get("id") or "")
        if not match or int(match.group(1)) not in stored:
            raise XliffError(f"{_where(unit)}: no such segment in draft {draft['id']}; "
                             "the file belongs to another draft or was altered")
        idx = int(match.group(1))
        if idx in seen:
            raise XliffError(f"{_where(unit)}: the unit appears twice")
        seen.add(idx)
        segs = unit.findall(q("segment"))
        if len(segs) != 1:
            raise XliffError(f"{_where(unit)}: expected one <segment>, found {len(segs)} "
                             "(units must not be resegmented)")
        sources = segs[0].findall(q("source"))
        targets = segs[0].findall(q("target"))
        if len(sources) != 1 or len(targets) > 1:
            raise XliffError(f"{_where(segs[0])}: a segment needs one <source> and at most one <target>")
        try:
            source = xliff_inline.read_content(sources[0])
            text = xliff_inline.read_content(targets[0]) if targets else None
        except (xliff_inline.InlineError, inline.TooManyCodes) as exc:
            raise XliffError(f"{_where(unit)}: {exc}") from exc
        if source != stored[idx]["source"]:
            raise XliffError(f"{_where(unit)}: the source text differs from segment {idx} of draft "
                             f"{draft['id']}; the file belongs to another draft or was altered")
        if targets and text != stored[idx].get("target"):
            changes[idx] = text
    return changes


# --- validation ------------------------------------------------------------------------------------
_CORE = {"xliff", "file", "skeleton", "group", "unit", "notes", "note", "segment", "ignorable", "source",
         "target", "originalData", "data", "cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em"}
_NOTE_PARENTS = ("file", "group", "unit")


def _local(element: etree._Element) -> str | None:
    """Local name of an XLIFF core element; None for other namespaces, comments and PIs."""
    if not isinstance(element.tag, str):
        return None
    name = etree.QName(element)
    return name.localname if name.namespace == NS else None


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def validate(data: bytes) -> list[str]:
    """Structural problems of an XLIFF 2.0/2.1 document against the core specification, each
    naming the element and line; an empty list means none were found."""
    try:
        root = parse_safely(data, XliffError, "XLIFF")
    except XliffError as exc:
        return [str(exc)]
    if root.tag != q("xliff"):
        return [f"{_where(root)}: the root element must be <xliff> in the namespace {NS}, not {root.tag}"]
    problems: list[str] = []
    add = problems.append
    if root.get("version") is None:
        add(f"{_where(root)}: the version attribute is required")
    elif root.get("version") not in VERSIONS:
        add(f"{_where(root)}: version {root.get('version')!r} is not 2.0 or 2.1")
    src_lang, trg_lang = root.get("srcLang"), root.get("trgLang")
    if not src_lang:
        add(f"{_where(root)}: the srcLang attribute is required")
    if root.find(f".//{q('target')}") is not None and not trg_lang:
        add(f"{_where(root)}: trgLang is required when the document has <target> elements")

    for element in root.iter():
        name = _local(element)
        if name is None:
            continue
        if name not in _CORE:
            add(f"{_where(element)}: <{name}> is not an XLIFF 2 core element")
        if name == "notes" and _local(element.getparent()) not in _NOTE_PARENTS:
            add(f"{_where(element)}: <notes> is only allowed in <file>, <group> and <unit>")
        if name == "note" and _local(element.getparent()) != "notes":
            add(f"{_where(element)}: <note> is only allowed inside <notes>")
        for attr in ("canResegment", "translate"):
            if element.get(attr) not in (None, "yes", "no"):
                add(f"{_where(element)}: {attr}={element.get(attr)!r} must be yes or no")
        if element.get(XML_SPACE) not in (None, "default", "preserve"):
            add(f"{_where(element)}: xml:space={element.get(XML_SPACE)!r} must be default or preserve")

    files = _elements(root)
    if not any(_local(f) == "file" for f in files):
        add(f"{_where(root)}: at least one <file> is required")
    file_ids: set[str] = set()
    for file in files:
        if _local(file) != "file":
            add(f"{_where(file)}: only <file> elements are allowed in <xliff>")
            continue
        ident = file.get("id")
        if not ident:
            add(f"{_where(file)}: the id attribute of <file> is required")
        elif ident in file_ids:
            add(f"{_where(file)}: duplicate file id {ident!r}")
        else:
            file_ids.add(ident)
        _check_container(file, "file", problems, {"group": set(), "unit": set()}, src_lang, trg_lang)
    return problems


def _check_notes(parent: etree._Element, children: list[etree._Element], problems: list[str]) -> None:
    notes = [c for c in children if _local(c) == "notes"]
    if len(notes) > 1:
        problems.append(f"{_where(notes[1])}: at most one <notes> per {_where(parent)}")
    for holder in notes:
        if not any(_local(n) == "note" for n in holder):
            problems.append(f"{_where(holder)}: <notes> needs at least one <note>")
        for note in holder:
            if _local(note) != "note" and isinstance(note.tag, str):
                problems.append(f"{_where(note)}: only <note> elements are allowed in <notes>")
            elif _local(note) == "note":
                if note.get("appliesTo") not in (None, "source", "target"):
                    problems.append(f"{_where(note)}: appliesTo must be source or target")
                priority = note.get("priority")
                if priority is not None and priority not in {str(n) for n in range(1, 11)}:
                    problems.append(f"{_where(note)}: priority must be an integer from 1 to 10")


def _check_container(element: etree._Element, kind: str, problems: list[str], ids: dict[str, set[str]],
                     src_lang: str | None, trg_lang: str | None) -> None:
    """Check a <file> or <group> and everything inside; ``ids`` holds the group and unit ids seen
    in the enclosing file."""
    add = problems.append
    children = _elements(element)
    _check_notes(element, children, problems)
    allowed = {"notes", "group", "unit"} | ({"skeleton"} if kind == "file" else set())
    if kind == "file" and not any(_local(c) in ("group", "unit") for c in children):
        add(f"{_where(element)}: a <file> needs at least one <unit> or <group>")
    for child in children:
        name = _local(child)
        if name is None:
            continue                              # extensions in other namespaces
        if name not in allowed:
            add(f"{_where(child)}: <{name}> is not allowed in <{kind}>")
            continue
        if name in ("group", "unit"):
            ident = child.get("id")
            if not ident:
                add(f"{_where(child)}: the id attribute of <{name}> is required")
            elif ident in ids[name]:
                add(f"{_where(child)}: duplicate {name} id {ident!r} in the file")
            else:
                ids[name].add(ident)
            if name == "group":
                _check_container(child, "group", problems, ids, src_lang, trg_lang)
            else:
                _check_unit(child, problems, src_lang, trg_lang)


def _check_unit(unit: etree._Element, problems: list[str], src_lang: str | None, trg_lang: str | None) -> None:
    add = problems.append
    children = _elements(unit)
    _check_notes(unit, children, problems)
    seen_ids: set[str] = set()
    segments = 0
    for child in children:
        name = _local(child)
        if name is None or name in ("notes", "originalData"):
            continue
        if name not in ("segment", "ignorable"):
            add(f"{_where(child)}: <{name}> is not allowed in <unit>")
            continue
        segments += name == "segment"
        ident = child.get("id")
        if ident is not None:
            if ident in seen_ids:
                add(f"{_where(child)}: duplicate {name} id {ident!r} in {_where(unit)}")
            seen_ids.add(ident)
        if name == "segment":
            state = child.get("state")
            if state is not None and state not in SEGMENT_STATES:
                add(f"{_where(child)}: state={state!r} must be one of {', '.join(SEGMENT_STATES)}")
            if child.get("subState") is not None and state is None:
                add(f"{_where(child)}: subState requires an explicit state")
        parts = _elements(child)
        sources = [p for p in parts if _local(p) == "source"]
        targets = [p for p in parts if _local(p) == "target"]
        if len(sources) != 1:
            add(f"{_where(child)}: a <{name}> needs exactly one <source>, found {len(sources)}")
        if len(targets) > 1:
            add(f"{_where(child)}: a <{name}> has at most one <target>, found {len(targets)}")
        for part in parts:
            if _local(part) not in ("source", "target") and _local(part) is not None:
                add(f"{_where(part)}: <{_local(part)}> is not allowed in <{name}>")
        if sources and targets and parts.index(targets[0]) < parts.index(sources[0]):
            add(f"{_where(targets[0])}: <target> must come after <source>")
        for source in sources:
            lang = source.get(XML_LANG)
            if lang is not None and src_lang and not _same_lang(lang, src_lang):
                add(f"{_where(source)}: xml:lang={lang!r} differs from srcLang {src_lang!r}")
        for target in targets:
            lang = target.get(XML_LANG)
            if lang is not None and trg_lang and not _same_lang(lang, trg_lang):
                add(f"{_where(target)}: xml:lang={lang!r} differs from trgLang {trg_lang!r}")
        for cp in child.iter(q("cp")):
            if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", cp.get("hex") or ""):
                add(f"{_where(cp)}: hex={cp.get('hex')!r} must be a hexadecimal code point")
    if not segments:
        add(f"{_where(unit)}: a <unit> needs at least one <segment>")
