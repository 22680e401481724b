"""Glossaries as TBX (ISO 30042): v2 ``martif`` files and v3 TBX-Basic ``tbx`` files.

Reading is namespace-agnostic and tells the version from the root element (``<martif>`` for v2,
``<tbx>`` for v3). Entries are ``termEntry``/``conceptEntry``, language sections ``langSet``/``langSec``
(with ``xml:lang``), term groups ``tig``/``ntig``/``termSec`` with one ``term``.

* ``xml:lang``: ``en``, ``tr``, ``sq``, ``sr-Latn``, ``sr-Cyrl`` and regional variants (``en-GB``,
  ``en-US``, ``tr-TR``, ``sq-AL``, ``sr-Latn-RS`` ...). Plain ``sr``/``sr-RS`` are split per term by
  script: a term with Cyrillic letters is ``sr-Cyrl``, otherwise ``sr-Latn``.
* Status: ``termNote type="administrativeStatus"`` (or ``normativeAuthorization``) with
  ``preferredTerm-admn-sts``, ``admittedTerm-admn-sts``, ``deprecatedTerm-admn-sts``,
  ``supersededTerm-admn-sts`` (read as deprecated) or ``forbiddenTerm-admn-sts``/``forbidden``.
  A term without one is preferred if it is the first such term of its language in its section and
  the section names no preferred term, otherwise admitted.
* dragoman's own data, which other tools ignore: ``<descrip type="x-dragoman-kind">keep</descrip>``
  on the entry (missing: translate), ``<termNote type="x-dragoman-forms">gen=Prishtinës;
  loc=Prishtinë</termNote>`` (same escaping as the CSV braces), ``<termNote
  type="x-dragoman-case">insensitive</termNote>`` and ``<termNote type="x-dragoman-spoken">baydın</termNote>``
  (how a Turkish reader says the term) in the term group. ``<descrip type="subjectField">``
  is the subject; ``<note>`` on the entry or the term group is the note (several are joined by
  newlines).
* The entry's ``id`` attribute is the concept id; without one, the slug of its first preferred term.

Parsing is safe: no DTD loading, no network, no entity resolution, no huge trees; a document
declaring entities (billion laughs, external entities) is refused before lxml sees it.
"""

from __future__ import annotations

import re

from lxml import etree

from common.languages import SR_CYRL, SR_LATN, LanguageError, normalize
from common.xml import XML_LANG, parse_safely
from glossary.formats import FormatError, format_forms, parse_forms, settle
from glossary.model import KINDS, LANGUAGES, Concept, Term

NS3 = "urn:iso:std:iso:30042:ed-2"
STATUS_IN = {
    "preferredterm-admn-sts": "preferred", "preferredterm": "preferred", "preferred": "preferred",
    "admittedterm-admn-sts": "admitted", "admittedterm": "admitted", "admitted": "admitted",
    "deprecatedterm-admn-sts": "deprecated", "deprecatedterm": "deprecated", "deprecated": "deprecated",
    "supersededterm-admn-sts": "deprecated", "supersededterm": "deprecated", "superseded": "deprecated",
    "forbiddenterm-admn-sts": "forbidden", "forbiddenterm": "forbidden", "forbidden": "forbidden",
}
STATUS_OUT = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
              "deprecated": "deprecatedTerm-admn-sts", "forbidden": "forbiddenTerm-admn-sts"}
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ENTRIES = ("termEntry", "conceptEntry")
_LANG_SECTIONS = ("langSet", "langSec")
_TERM_GROUPS = ("tig", "ntig", "termSec")


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _where(el: etree._Element) -> str:
    return f"<{_local(el)}> on line {el.sourceline}"


def _text(el: etree._Element) -> str:
    return "".join(el.itertext()).strip()


def parse(data: bytes) -> etree._Element:
    """The root element, parsed safely, or a FormatError naming the line."""
    return parse_safely(data, FormatError, "TBX")


def _map_lang(raw: str, text: str, section: etree._Element) -> str:
    """The term's language; Serbian without a script subtag is placed by the letters of the term."""
    try:
        return normalize(raw, SR_CYRL if _CYRILLIC.search(text) else SR_LATN)
    except LanguageError:
        raise FormatError(f"{_where(section)}: unknown language xml:lang={raw!r} (expected {', '.join(LANGUAGES)} "
                          "or a regional variant such as en-GB, tr-TR, sq-AL, sr-RS)") from None


def _term(group: etree._Element, raw_lang: str, section: etree._Element) -> tuple[Term, bool]:
    """A term and whether its status was given."""
    found = [el for el in group.iter() if _local(el) == "term"]
    if len(found) != 1:
        raise FormatError(f"{_where(group)}: expected one <term>, found {len(found)}")
    text = _text(found[0])
    if not text:
        raise FormatError(f"{_where(found[0])}: an empty term")
    term = Term(_map_lang(raw_lang, text, section), text)
    given = False
    notes = []
    for el in group.iter():
        name = _local(el)
        if name == "note" and _text(el):
            notes.append(_text(el))
        if name != "termNote":
            continue
        kind, value = el.get("type", ""), _text(el)
        if kind in ("administrativeStatus", "normativeAuthorization"):
            if value.lower() not in STATUS_IN:
                raise FormatError(f"{_where(el)}: unknown {kind} {value!r} (expected "
                                  f"{', '.join(STATUS_OUT.values())} or supersededTerm-admn-sts)")
            term.status, given = STATUS_IN[value.lower()], True
        elif kind == "x-dragoman-forms":
            try:
                term.forms = parse_forms(value)
            except ValueError as err:
                raise FormatError(f"{_where(el)}: {err}") from None
        elif kind == "x-dragoman-case":
            if value.lower() not in ("insensitive", "sensitive"):
                raise FormatError(f"{_where(el)}: x-dragoman-case is {value!r} (expected insensitive or sensitive)")
            term.case_sensitive = value.lower() == "sensitive"
        elif kind == "x-dragoman-spoken":
            term.spoken = value
    term.note = "\n".join(notes)
    return term, given


def _entry(entry: etree._Element) -> Concept:
    concept = Concept(entry.get("id", "").strip())
    notes = []
    for child in entry:
        if _local(child) in _LANG_SECTIONS:
            raw = child.get(XML_LANG) or child.get("lang")
            if not raw:
                raise FormatError(f"{_where(child)}: no xml:lang")
            groups = [el for el in child.iter() if _local(el) in _TERM_GROUPS]
            if not groups:
                raise FormatError(f"{_where(child)}: no term")
            found = [_term(group, raw, child) for group in groups]
            for lang in dict.fromkeys(term.lang for term, _ in found):
                mine = [(term, given) for term, given in found if term.lang == lang]
                named = any(given and term.status == "preferred" for term, given in mine)
                for term, given in mine:
                    if not given:
                        term.status = "admitted" if named else "preferred"
                        named = True
            concept.terms.extend(term for term, _ in found)
            continue
        for el in child.iter():
            name, kind = _local(el), el.get("type", "")
            if name == "note" and _text(el):
                notes.append(_text(el))
            elif name in ("descrip", "admin") and kind == "x-dragoman-kind":
                value = _text(el).lower()
                if value not in KINDS:
                    raise FormatError(f"{_where(el)}: unknown kind {value!r} (expected {', '.join(KINDS)})")
                concept.kind = value
            elif name in ("descrip", "admin") and kind == "subjectField":
                concept.subject = _text(el)
    concept.note = "\n".join(notes)
    if not concept.terms:
        raise FormatError(f"{_where(entry)}: no terms")
    return concept


def load(data: bytes) -> list[Concept]:
    root = parse(data)
    version = {"martif": 2, "tbx": 3}.get(_local(root))
    if version is None:
        raise FormatError(f"{_where(root)}: not a TBX document (expected a <martif> (TBX v2) or <tbx> (TBX v3) root)")
    entries = [el for el in root.iter() if _local(el) in _ENTRIES]
    concepts: list[Concept] = []
    element_of: dict[int, etree._Element] = {}
    explicit: dict[str, int] = {}
    for entry in entries:
        concept = _entry(entry)
        if concept.id:
            if concept.id in explicit:
                first = explicit[concept.id]
                raise FormatError(f"{_where(entry)}: duplicate id {concept.id!r} (first on line {first})")
            explicit[concept.id] = entry.sourceline or 0
        element_of[len(concepts)] = entry
        concepts.append(concept)
    return settle(concepts, set(explicit), [_where(element_of[i]) for i in range(len(concepts))])


def dump(concepts: list[Concept], *, version: int) -> bytes:
    """TBX v2 (``martif``) or v3 TBX-Basic, pretty-printed UTF-8 with an XML declaration."""
    if version == 3:
        def q(name: str) -> str:
            return f"{{{NS3}}}{name}"
        root = etree.Element(q("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"}, nsmap={None: NS3})
        header, entry_tag, section_tag, group_tag = "tbxHeader", "conceptEntry", "langSec", "termSec"
    else:
        def q(name: str) -> str:
            return name
        root = etree.Element("martif", {"type": "TBX", XML_LANG: "en"})
        header, entry_tag, section_tag, group_tag = "martifHeader", "termEntry", "langSet", "tig"

    def sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, q(name), attrs)
        if text is not None:
            el.text = text
        return el

    source = sub(sub(sub(root, header), "fileDesc"), "sourceDesc")
    sub(source, "p", "dragoman glossary")
    body = sub(sub(root, "text"), "body")
    try:
        for concept in concepts:
            entry = sub(body, entry_tag, id=concept.id)
            sub(entry, "descrip", concept.kind, type="x-dragoman-kind")
            if concept.subject:
                sub(entry, "descrip", concept.subject, type="subjectField")
            if concept.note:
                sub(entry, "note", concept.note)
            for lang in LANGUAGES:
                terms = concept.terms_in(lang)
                if not terms:
                    continue
                section = sub(entry, section_tag)
                section.set(XML_LANG, lang)
                for term in terms:
                    group = sub(section, group_tag)
                    sub(group, "term", term.text)
                    sub(group, "termNote", STATUS_OUT[term.status], type="administrativeStatus")
                    if term.forms:
                        sub(group, "termNote", format_forms(term.forms), type="x-dragoman-forms")
                    if not term.case_sensitive:
                        sub(group, "termNote", "insensitive", type="x-dragoman-case")
                    if term.spoken:
                        sub(group, "termNote", term.spoken, type="x-dragoman-spoken")
                    if term.note:
                        sub(group, "note", term.note)
    except ValueError as err:  # text XML cannot hold, e.g. control characters
        raise FormatError(f"concept {concept.id!r} cannot be written as TBX: {err}") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
