r"""Glossaries as CSV, the format editors keep in a spreadsheet.

One column per language (``csv``)::

    id,kind,subject,en,tr,sq,sr-Latn,sr-Cyrl,note
    pristina,,places,Pristina | Prishtina,Priştine {gen=Priştine'nin; loc=Priştine'de},...,"Capital, since 2008"
    kfor,keep,,KFOR,,,,,NATO-led mission: never translate

* The header names the columns: ``id``, ``kind``, ``subject``, ``note`` (all optional, any order) and
  at least one language tag out of ``en, tr, sq, sr-Latn, sr-Cyrl`` (case does not matter). A
  missing or empty ``id`` becomes the slug of the row's first preferred term; ``kind`` defaults to
  ``translate``. An empty language cell means no term in that language.
* Two columns with a header of two language tags (``en,tr``) is the same format; a headerless
  two-column file (``csv-pair``) needs the languages from the caller, and there every cell must hold
  a term.
* A cell holds one or more terms separated by ``|`` (written `` | ``). The first term with no marker
  is preferred, later ones are admitted variants. A marker before a term sets its status: ``!``
  forbidden, ``~`` deprecated, ``?`` admitted, ``*`` preferred (the writer only uses ``?``/``*`` where
  position alone would say otherwise).
* Braces after a term hold ``tag=value`` pairs separated by ``;``: inflected forms with the tags of
  ``glossary.model.FORM_TAGS`` (``Prishtinë {def=Prishtina; gen=Prishtinës}``), ``case=insensitive``
  for a term matched regardless of case (terms are case-sensitive by default), ``note=...`` for a
  note on the term, and ``spoken=...`` for how a Turkish reader says a term not read as spelled
  (``Biden {spoken=baydın}``: Biden'ın).
* A backslash makes the next character literal: ``\|``, ``\{``, ``\}``, ``\;``, ``\=``, ``\\``, a
  leading ``\!``/``\~``/``\?``/``\*``, and ``\ `` for a space kept at either end of a value. The
  writer escapes exactly these, so any text survives ``load(dump(...))``.
* The file must be UTF-8 (a BOM is fine); a ``.tsv`` file is the same with tabs. Every error names
  the line.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from common.languages import LanguageError, normalize
from glossary.formats import FormatError, Tokens, escape, lex, parse_pairs, settle, split, strip, text_of
from glossary.model import FORM_TAGS, KINDS, LANGUAGES, Concept, Term

CONCEPT_COLUMNS = ("id", "kind", "subject", "note")
MARKERS = {"!": "forbidden", "~": "deprecated", "?": "admitted", "*": "preferred"}
MARK_OF = {status: mark for mark, status in MARKERS.items()}
_DELIMITER_NAMES = {",": "comma", ";": "';'", "\t": "tab", "|": "'|'"}
_LOOKS_LIKE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def decode(data: bytes) -> str:
    """UTF-8 text (BOM allowed), or a FormatError naming the line of the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("line 1: the file is UTF-16; save it as UTF-8 (in Excel: \"CSV UTF-8\")")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise FormatError(
            f"line {line}: the file is not UTF-8 (byte 0x{data[err.start]:02X} at column {column}); it looks like "
            "Latin-1 or Windows-1250/1252 - save it as UTF-8 (in Excel: \"CSV UTF-8\")") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError(f"line {line}: the file contains NUL characters; it is not a UTF-8 CSV file")
    return text


def _wrong_delimiter(cells: list[str], delimiter: str) -> str | None:
    """'looks like ...-separated' when a row is one cell holding another usual delimiter."""
    if len(cells) != 1:
        return None
    for other in (";", "\t", ",", "|"):
        if other != delimiter and other in cells[0]:
            hint = ("give the file a .tsv name or load it with fmt='tsv'" if other == "\t" else
                    "save it as comma-separated CSV (in Excel: \"CSV UTF-8 (Comma delimited)\")")
            if delimiter == "\t" and other == ",":
                hint = "give the file a .csv name or load it with fmt='csv'"
            return f"looks like {_DELIMITER_NAMES[other]}-separated; {hint}"
    return None


def _column_lang(name: str) -> str | None:
    """The language of a column header written as a tag (``sr-Latn``, ``tr-TR``); Serbian must say
    its script. None when the header is not a language tag dragoman knows."""
    if not _LOOKS_LIKE_TAG.match(name):
        return None
    try:
        return normalize(name, None)
    except LanguageError:
        return None


def _header(cells: list[str]) -> tuple[list[str], list[str]]:
    """Known column names, and the cells that are none."""
    names, unknown = [], []
    for cell in cells:
        key = cell.strip()
        if key.lower() in CONCEPT_COLUMNS:
            names.append(key.lower())
        elif (lang := _column_lang(key)) is not None:
            names.append(lang)
        else:
            unknown.append(key)
    return names, unknown


def _unknown_column(name: str, line: int) -> FormatError:
    expected = f"expected {', '.join(CONCEPT_COLUMNS)} or a language: {', '.join(LANGUAGES)}"
    if name.lower() in ("sr", "sr-rs", "sr_rs"):
        return FormatError(f"line {line}: unknown language column {name!r}: say sr-Latn or sr-Cyrl")
    if _LOOKS_LIKE_TAG.match(name):
        return FormatError(f"line {line}: unknown language column {name!r} ({expected})")
    return FormatError(f"line {line}: unknown column {name!r} ({expected}; a headerless two-column file "
                       "needs its source and target languages)")


def parse_cell(cell: str, lang: str) -> list[Term]:
    """The terms of one cell; ValueError (without the line) on bad syntax."""
    terms: list[Term] = []
    unmarked_seen = False
    for raw in split(lex(cell), "|"):
        part: Tokens = strip(raw)
        if not part:
            raise ValueError(f"an empty {lang} term in {cell.strip()!r}")
        status = None
        if not part[0][1] and part[0][0] in MARKERS:
            status = MARKERS[part[0][0]]
            part = part[1:]
        attrs: list[tuple[str, str]] = []
        brace = next((i for i, (ch, esc) in enumerate(part) if ch == "{" and not esc), None)
        if brace is not None:
            inner = part[brace + 1:]
            if not inner or inner[-1] != ("}", False):
                raise ValueError(f"unclosed '{{' in {lang} term {text_of(part)!r} (or text after the '}}')")
            inner = inner[:-1]
            if any(ch in "{}" and not esc for ch, esc in inner):
                raise ValueError(f"a stray brace in {lang} term {text_of(part)!r}")
            attrs = parse_pairs(inner)
            part = part[:brace]
        if any(ch == "}" and not esc for ch, esc in part):
            raise ValueError(f"a '}}' without '{{' in {lang} term {text_of(part)!r}")
        text = text_of(part)
        if not text:
            raise ValueError(f"an empty {lang} term in {cell.strip()!r}")
        if status is None:
            status = "admitted" if unmarked_seen else "preferred"
            unmarked_seen = True
        term = Term(lang, text, status)
        for key, value in attrs:
            if key == "case":
                if value.lower() not in ("insensitive", "sensitive"):
                    raise ValueError(f"case={value!r} on {lang} term {text!r}: say case=insensitive or case=sensitive")
                term.case_sensitive = value.lower() == "sensitive"
            elif key == "note":
                term.note = value
            elif key == "spoken":
                term.spoken = value
            elif key in FORM_TAGS:
                if key in term.forms:
                    raise ValueError(f"form {key!r} given twice for {lang} term {text!r}")
                term.forms[key] = value
            else:
                raise ValueError(f"unknown tag {key!r} on {lang} term {text!r} (expected a form tag: "
                                 f"{', '.join(FORM_TAGS)}; or case, note, spoken)")
        terms.append(term)
    return terms


def format_term(term: Term, implicit: str) -> str:
    text = escape(term.text)
    if text[:1] in MARKERS:
        text = "\\" + text
    mark = "" if term.status == implicit else MARK_OF[term.status]
    attrs = [f"{tag}={escape(form)}" for tag, form in term.forms.items()]
    if not term.case_sensitive:
        attrs.append("case=insensitive")
    if term.note:
        attrs.append(f"note={escape(term.note)}")
    if term.spoken:
        attrs.append(f"spoken={escape(term.spoken)}")
    return mark + text + (" {" + "; ".join(attrs) + "}" if attrs else "")


def format_cell(terms: list[Term]) -> str:
    out = []
    unmarked_seen = False
    for term in terms:
        implicit = "admitted" if unmarked_seen else "preferred"
        if term.status == implicit:
            unmarked_seen = True
        out.append(format_term(term, implicit))
    return " | ".join(out)


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
    except csv.Error as err:
        raise FormatError(f"line {reader.line_num}: malformed CSV: {err}") from None
    return rows


def load(data: bytes, *, delimiter: str = ",", langs: tuple[str, str] | None = None,
         pair: bool = False) -> list[Concept]:
    rows = _rows(decode(data), delimiter)
    if not rows:
        raise FormatError("line 1: the file is empty (expected a header such as id,kind,en,tr,sq,sr-Latn,sr-Cyrl,note)")
    line, first = rows[0]
    names, unknown = _header(first)
    if not unknown:
        columns = names
        rows = rows[1:]
        if len(set(columns)) != len(columns):
            twice = next(name for name in columns if columns.count(name) > 1)
            raise FormatError(f"line {line}: column {twice!r} appears twice in the header")
        if pair and (len(columns) != 2 or set(columns) & set(CONCEPT_COLUMNS)):
            raise FormatError(f"line {line}: a two-column file has two language columns, not {', '.join(columns)}")
    elif langs is not None:
        bad = [lang for lang in langs if lang not in LANGUAGES]
        if bad or langs[0] == langs[1]:
            raise FormatError(f"a two-column file needs two different languages out of {', '.join(LANGUAGES)} "
                              f"(got {langs[0]!r} and {langs[1]!r})")
        columns = list(langs)
        pair = True
    else:
        hint = _wrong_delimiter(first, delimiter)
        if hint:
            raise FormatError(f"line {line}: {hint}")
        raise _unknown_column(unknown[0], line)
    lang_columns = [name for name in columns if name in LANGUAGES]
    if not lang_columns:
        raise FormatError(f"line {line}: the header names no language column (expected some of {', '.join(LANGUAGES)})")

    concepts: list[Concept] = []
    line_of: dict[int, int] = {}  # index in concepts -> line
    explicit: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) > len(columns) and not any(cell.strip() for cell in cells[len(columns):]):
            cells = cells[:len(columns)]
        if len(cells) != len(columns):
            hint = _wrong_delimiter(cells, delimiter)
            raise FormatError(f"line {line}: {hint}" if hint else
                              f"line {line}: {len(cells)} cells, expected {len(columns)} ({','.join(columns)})")
        record = dict(zip(columns, cells, strict=True))
        kind = record.get("kind", "").strip().lower() or "translate"
        if kind not in KINDS:
            raise FormatError(f"line {line}: unknown kind {kind!r} (expected {', '.join(KINDS)})")
        terms: list[Term] = []
        for lang in lang_columns:
            cell = record[lang]
            if not cell.strip():
                if pair:
                    raise FormatError(f"line {line}: an empty {lang} term (a two-column file needs both)")
                continue
            try:
                terms.extend(parse_cell(cell, lang))
            except ValueError as err:
                raise FormatError(f"line {line}: {err}") from None
        if not terms:
            raise FormatError(f"line {line}: no term in any language column")
        concept_id = record.get("id", "").strip()
        if concept_id:
            if concept_id in explicit:
                raise FormatError(f"line {line}: duplicate id {concept_id!r} (first on line {explicit[concept_id]})")
            explicit[concept_id] = line
        concept = Concept(concept_id, kind, terms, record.get("note", "").strip(), record.get("subject", "").strip())
        line_of[len(concepts)] = line
        concepts.append(concept)

    return settle(concepts, set(explicit), [f"line {line_of[i]}" for i in range(len(concepts))])


def _writer(delimiter: str) -> tuple[io.StringIO, Any]:
    buffer = io.StringIO()
    return buffer, csv.writer(buffer, delimiter=delimiter, lineterminator="\n")


def dump(concepts: list[Concept], *, delimiter: str = ",") -> bytes:
    with_subject = any(concept.subject for concept in concepts)
    buffer, writer = _writer(delimiter)
    writer.writerow(["id", "kind", *(["subject"] if with_subject else []), *LANGUAGES, "note"])
    for concept in concepts:
        writer.writerow([concept.id, concept.kind, *([concept.subject] if with_subject else []),
                         *(format_cell(concept.terms_in(lang)) for lang in LANGUAGES), concept.note])
    return buffer.getvalue().encode("utf-8")


def dump_pair(concepts: list[Concept], source: str, target: str) -> bytes:
    """Two columns with an ``source,target`` header. Lossy: ids, kinds, notes and other languages are
    dropped, a kept concept is written as its kept term on both sides, and a concept without a term
    in either language is left out."""
    buffer, writer = _writer(",")
    writer.writerow([source, target])
    for concept in concepts:
        sides = []
        for lang in (source, target):
            terms = concept.terms_in(lang)
            if not terms and concept.kind == "keep":
                kept = concept.preferred(lang)
                terms = [kept] if kept else []
            sides.append(format_cell(terms))
        if all(sides):
            writer.writerow(sides)
    return buffer.getvalue().encode("utf-8")
