"""Reading and writing term bases: CSV (one column per language, or source/target pairs) and TBX v2/v3.

``load(path_or_bytes, fmt=None)`` returns validated concepts or raises ``FormatError`` naming the line
(CSV) or element and line (TBX) at fault; ``dump(concepts, fmt)`` returns UTF-8 bytes.

Formats: ``csv`` (``.csv``), ``tsv`` (``.tsv``, the same with tabs), ``csv-pair`` (two columns,
source and target, with a header of two language tags or headerless with ``source=``/``target=``),
``tbx`` (``.tbx``/``.xml``; TBX v2 ``martif`` or v3 ``tbx`` is told from the root element), and for
writing ``tbx2`` and ``tbx3``.

Round trips: every loader returns each concept's terms grouped by language in ``LANGUAGES`` order
(CSV columns) or in the file's order (TBX). ``load(dump(c, f)) == canonical(c)`` for every format
but ``csv-pair``, which keeps only two languages and no ids, kinds or notes. Notes and subjects are
read with surrounding whitespace stripped.

Files over ``MAX_BYTES`` (50 MB) are refused before they are read or parsed.

This package imports nothing from dragoman outside ``glossary``.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from glossary.model import LANGUAGES, Concept, GlossaryError, slug, validate

MAX_BYTES = 50 * 1024 * 1024
MAX_SLUG = 100  # characters of an id made from a term (the store keeps ids of up to 200)

READ_FORMATS = ("csv", "tsv", "csv-pair", "tbx", "tbx2", "tbx3", "xml")
WRITE_FORMATS = ("csv", "tsv", "csv-pair", "tbx2", "tbx3")
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tbx": "tbx", ".xml": "tbx"}


class FormatError(GlossaryError):
    """A term-base file that cannot be read; the message names the line (and element) at fault."""


def _too_big(size: int, what: str) -> FormatError:
    return FormatError(f"{what} is {size / 1024 / 1024:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB limit "
                       "for a glossary file; split it or clean it up")


def read_bytes(path_or_bytes: str | os.PathLike[str] | bytes) -> bytes:
    """The file's bytes, refusing anything over MAX_BYTES before reading it."""
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        data = bytes(path_or_bytes)
        if len(data) > MAX_BYTES:
            raise _too_big(len(data), "the glossary")
        return data
    path = Path(path_or_bytes)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise FormatError(f"cannot read {path}: {err.strerror or err}") from err
    if size > MAX_BYTES:
        raise _too_big(size, str(path))
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # grew while we looked
        raise _too_big(len(data), str(path))
    return data


def _sniff(path_or_bytes: str | os.PathLike[str] | bytes, data: bytes) -> str:
    if not isinstance(path_or_bytes, bytes | bytearray | memoryview):
        suffix = Path(path_or_bytes).suffix.lower()
        if suffix in _SUFFIXES:
            return _SUFFIXES[suffix]
        if suffix:
            raise FormatError(f"cannot tell the format of {os.fspath(path_or_bytes)!r} from its suffix "
                              f"{suffix!r} (expected .csv, .tsv, .tbx or .xml, or pass fmt=)")
    head = data[:64].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return "tbx" if head.startswith(b"<") else "csv"


def load(path_or_bytes: str | os.PathLike[str] | bytes, fmt: str | None = None, *,
         source: str | None = None, target: str | None = None) -> list[Concept]:
    """Read a term base; ``fmt`` defaults from the file's suffix (or, for bytes, from the content).

    ``source``/``target`` name the two languages of a headerless two-column CSV."""
    from glossary.formats import csv as csv_format
    from glossary.formats import tbx as tbx_format

    data = read_bytes(path_or_bytes)
    fmt = fmt or _sniff(path_or_bytes, data)
    if fmt not in READ_FORMATS:
        raise FormatError(f"unknown glossary format {fmt!r} (expected one of {', '.join(READ_FORMATS)})")
    if fmt in ("tbx", "tbx2", "tbx3", "xml"):
        concepts = tbx_format.load(data)
    else:
        langs = None
        if source or target:
            if not (source and target):
                raise FormatError("a two-column CSV needs both source and target languages")
            langs = (source, target)  # without them, a csv-pair file's header names its two languages
        concepts = csv_format.load(data, delimiter="\t" if fmt == "tsv" else ",", langs=langs,
                                   pair=fmt == "csv-pair")
    validate(concepts)  # the format loaders validate with line numbers; this is the last word
    return concepts


def dump(concepts: list[Concept], fmt: str, *, source: str | None = None, target: str | None = None) -> bytes:
    """Write concepts as ``csv``, ``tsv``, ``csv-pair`` (needs ``source`` and ``target``), ``tbx2`` or ``tbx3``."""
    from glossary.formats import csv as csv_format
    from glossary.formats import tbx as tbx_format

    validate(concepts)
    if fmt in ("csv", "tsv"):
        return csv_format.dump(concepts, delimiter="\t" if fmt == "tsv" else ",")
    if fmt == "csv-pair":
        if source not in LANGUAGES or target not in LANGUAGES or source == target:
            raise FormatError(f"csv-pair needs two different languages out of {', '.join(LANGUAGES)} "
                              f"(got source={source!r}, target={target!r})")
        return csv_format.dump_pair(concepts, source, target)
    if fmt in ("tbx2", "tbx3"):
        return tbx_format.dump(concepts, version=int(fmt[-1]))
    raise FormatError(f"unknown glossary format {fmt!r} (expected one of {', '.join(WRITE_FORMATS)})")


def canonical(concepts: list[Concept]) -> list[Concept]:
    """Copies with each concept's terms grouped by language in LANGUAGES order (the CSV order)."""
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    return [replace(c, terms=sorted(c.terms, key=lambda t: order.get(t.lang, len(order)))) for c in concepts]


# --- the small syntax shared by CSV cells and TBX x-dragoman-forms notes -----------------------------

ESCAPED = "\\|{};="


def escape(text: str, extra: str = "") -> str:
    """Backslash before every reserved character (and those in ``extra``) and before whitespace at
    either end, so that ``text_of(lex(escape(t))) == t``."""
    last = len(text) - 1
    return "".join("\\" + ch if ch in ESCAPED or ch in extra or (ch.isspace() and i in (0, last)) else ch
                   for i, ch in enumerate(text))


Tokens = list[tuple[str, bool]]


def lex(text: str) -> Tokens:
    """Characters paired with whether a backslash escaped them."""
    out: Tokens = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            if i + 1 == len(text):
                raise ValueError("a backslash at the end with nothing to escape")
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def split(tokens: Tokens, sep: str) -> list[Tokens]:
    parts: list[Tokens] = [[]]
    for ch, escaped in tokens:
        if ch == sep and not escaped:
            parts.append([])
        else:
            parts[-1].append((ch, escaped))
    return parts


def strip(tokens: Tokens) -> Tokens:
    start, end = 0, len(tokens)
    while start < end and tokens[start][0].isspace() and not tokens[start][1]:
        start += 1
    while end > start and tokens[end - 1][0].isspace() and not tokens[end - 1][1]:
        end -= 1
    return tokens[start:end]


def text_of(tokens: Tokens) -> str:
    return "".join(ch for ch, _ in strip(tokens))


def format_forms(forms: dict[str, str]) -> str:
    """``{"gen": "Prishtinës", "loc": "Prishtinë"}`` -> ``gen=Prishtinës; loc=Prishtinë``."""
    return "; ".join(f"{tag}={escape(form)}" for tag, form in forms.items())


def parse_pairs(tokens: Tokens) -> list[tuple[str, str]]:
    """``key=value; key=value`` (escaped) -> pairs; ValueError on a malformed one."""
    pairs: list[tuple[str, str]] = []
    for part in split(tokens, ";"):
        if not strip(part):
            continue
        pieces = split(part, "=")
        if len(pieces) != 2:
            raise ValueError(f"{text_of(part)!r} is not tag=form")
        key, value = text_of(pieces[0]), text_of(pieces[1])
        if not key or not value:
            raise ValueError(f"{text_of(part)!r} has an empty tag or form")
        pairs.append((key, value))
    return pairs


def parse_forms(text: str) -> dict[str, str]:
    forms: dict[str, str] = {}
    for tag, form in parse_pairs(lex(text)):
        if tag in forms:
            raise ValueError(f"form {tag!r} given twice")
        forms[tag] = form
    return forms


def settle(concepts: list[Concept], explicit: set[str], places: list[str]) -> list[Concept]:
    """Finish loaded concepts: give those without an id one from their first preferred term (never
    one already used), then validate each and all together, naming the place (``line 4``,
    ``<termEntry> on line 12``) of the concept at fault."""
    used = set(explicit)
    for concept in concepts:
        if not concept.id:
            named = next((t for t in concept.terms if t.status == "preferred"), concept.terms[0])
            base = candidate = slug(named.text)[:MAX_SLUG].rstrip("-")
            n = 2
            while candidate in used:
                candidate, n = f"{base}-{n}", n + 1
            concept.id = candidate
            used.add(candidate)
    for concept, place in zip(concepts, places, strict=True):
        try:
            validate([concept])
        except GlossaryError as err:
            raise FormatError(f"{place}: {err}") from None
    try:
        validate(concepts)
    except GlossaryError as err:
        hits = [p for c, p in zip(concepts, places, strict=True) if repr(c.id) in str(err)]
        if hits and all(h.startswith("line ") for h in hits):
            hits = ["lines " + " and ".join(h.removeprefix("line ") for h in hits)] if len(hits) > 1 else hits
        else:
            hits = [" and ".join(hits)] if hits else []
        raise FormatError(f"{err}" + (f" ({hits[0]})" if hits else "")) from None
    return concepts
