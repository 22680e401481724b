"""Find glossary terms in a sentence: longest match first, on word boundaries, with each term's case
rule, including inflected forms (the term's listed forms, Turkish suffixes after an apostrophe
such as ``KFOR'un`` or ``Priştine'de``, and, in Albanian and Serbian, endings after a hyphen: on
acronyms such as ``KFOR-it``, ``NATO-s``, ``НАТО-а``, and on names read as words where the joined
word is a listed form: ``Kfor-a`` = ``Kfora``).

A term is found wherever it starts a word: after a space, a quote or an apostrophe (``'NATO``,
``'Kosova'``) or a hyphen (``non-NATO``). The words of a multi-word term may be separated by any
run of white space.

Text typed without diacritics (``Kosoves``, ``Prishtine``, Serbian ``Pristina``, ``Djakovica`` for
``Đakovica``) is found too; such a match carries ``respell``, the glossary's spelling, so that QA and
enforcement report it as a spelling to fix.

Matching is linear in the text: the text is folded letter for letter (same length), scanned by one
alternation of literal spellings per case rule, and the longest candidates are kept with one pass over
a table of the taken characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from glossary.model import Concept, Term
from glossary.turkish import tr_attach, tr_case, tr_lower

_APOSTROPHE_SUFFIX = r"(?:['’](?P<suffix>[^\W\d_]{1,12}))?"
_HYPHEN_SUFFIX = r"(?:-(?P<suffix>[^\W\d_]{1,3}))?"  # Serbian -a, -om, -ova; Albanian -it, -së, -ja
HYPHEN_LANGS = ("sq", "sr-Latn", "sr-Cyrl")  # languages that write case endings after a hyphen


@dataclass(frozen=True)
class Match:
    start: int
    end: int            # end of the whole match, suffix included
    text: str           # as written in the text
    concept: Concept
    term: Term          # the term that matched
    form: str           # the surface form of the term that matched (without suffix)
    tag: str            # "base", or the grammatical tag of the matched form ("gen", "loc", ...)
    suffix: str = ""    # a Turkish case suffix after an apostrophe, or an acronym's hyphen suffix
    upper: bool = False  # written in capitals (a dateline: PRISTINA, Kosovo)
    respell: str = ""   # typed without its diacritics: the match as the glossary spells it ("Kosovës")

    @property
    def flagged(self) -> bool:
        return self.term.status in ("deprecated", "forbidden") or self.concept.kind == "forbidden"

    @property
    def misspelt(self) -> bool:
        """Typed without the diacritics the glossary writes (a spelling to fix)."""
        return bool(self.respell)


def upper(text: str, lang: str) -> str:
    """Capitals as each language writes them (Turkish: i -> İ, ı -> I)."""
    if lang == "tr":
        text = text.replace("i", "İ").replace("ı", "I")
    return text.upper()


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> the bare letter (ë, ç, š, ğ -> e, c, s, g; ı, đ, ł -> i, d, l)."""
    table = {ord(a): b for a, b in zip("ıđĐłŁøØ", "idDlLoO", strict=True)}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        bare = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if len(bare) == 1 and bare != chr(code) and bare.isascii() and bare.isalpha():
            table[code] = bare
    return table


def fold(text: str) -> str:
    """``text`` without diacritics, letter for letter (the same length): "Prishtinës" -> "Prishtines"."""
    return text.translate(_fold_table())


def bare_spellings(form: str) -> list[str]:
    """How ``form`` is typed without diacritics: folded, and with đ as "dj" ("Đakovica": "Dakovica", "Djakovica")."""
    folded = fold(form)
    if "đ" not in form.lower():
        return [folded]
    return [folded, form.replace("đ", "dj").replace("Đ", "Dj").translate(_fold_table())]


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper()


@dataclass(frozen=True)
class _Entry:
    term: Term
    concept: Concept
    tag: str
    form: str           # the term's form (not in capitals)
    capitals: bool      # the entry is the form in capitals


class _Scan:
    """One alternation over the spellings of the entries of one case rule."""

    def __init__(self, entries: list[tuple[str, _Entry]], insensitive: bool, suffix: str, lang: str):
        self.insensitive, self.lang = insensitive, lang
        self.exact: dict[str, _Entry] = {}
        self.bare: dict[str, _Entry] = {}
        spellings: dict[str, None] = {}
        for written, entry in entries:
            self.exact.setdefault(self.key(written), entry)
            for bare in bare_spellings(written):
                self.bare.setdefault(self.key(bare, bare=True), entry)
                spellings[bare] = None
        ordered = sorted(spellings, key=len, reverse=True)
        alternation = "|".join(r"\s++".join(re.escape(w) for w in s.split()) for s in ordered)
        flags = re.IGNORECASE if insensitive else 0
        self.pattern = re.compile(rf"(?<!\w)(?P<term>{alternation}){suffix}(?!\w)", flags)

    def key(self, written: str, bare: bool = False) -> str:
        """The lookup key: white space as one space, lower case for a case-insensitive term (Turkish
        dotted and dotless i kept apart), and without diacritics for the ``bare`` table."""
        written = " ".join(written.split())
        if self.insensitive:
            written = (tr_lower(written) if self.lang == "tr" else written).casefold()
        return fold(written) if bare else written

    def entry(self, written: str) -> tuple[_Entry | None, bool]:
        """The entry for a spelling found in the text, and whether it was typed without diacritics."""
        exact = self.exact.get(self.key(written))
        if exact is not None:
            return exact, False
        return self.bare.get(self.key(written, bare=True)), True


class Matcher:
    """Matches the terms of ``concepts`` that are recognised in ``lang`` (preferred and admitted
    terms, and forbidden or deprecated ones, which the caller flags)."""

    def __init__(self, concepts: list[Concept], lang: str):
        self.lang = lang
        sensitive: list[tuple[str, _Entry]] = []
        insensitive: list[tuple[str, _Entry]] = []
        for concept in concepts:
            for term in [*concept.source_terms(lang), *concept.flagged_terms(lang)]:
                into = sensitive if term.case_sensitive else insensitive
                for form in term.surface_forms():
                    tag = "base" if form == term.text else "|".join(k for k, v in term.forms.items() if v == form)
                    into.append((form, _Entry(term, concept, tag, form, False)))
                    capitals = upper(form, lang)
                    if term.case_sensitive and capitals != form:
                        into.append((capitals, _Entry(term, concept, tag, form, True)))
        suffix = _APOSTROPHE_SUFFIX if lang == "tr" else _HYPHEN_SUFFIX if lang in HYPHEN_LANGS else ""
        self._scans = [_Scan(entries, flag, suffix, lang)
                       for entries, flag in ((sensitive, False), (insensitive, True)) if entries]

    def find(self, text: str) -> list[Match]:
        folded = fold(text)
        candidates: list[Match] = []
        for scan in self._scans:
            pos = 0
            while (m := scan.pattern.search(folded, pos)) is not None:
                pos = m.start() + 1
                match = self._candidate(scan, text, m)
                if match is not None:
                    candidates.append(match)
        return _longest_first(candidates, len(text))

    def _candidate(self, scan: _Scan, text: str, m: re.Match[str]) -> Match | None:
        start, term_end, end = m.start(), m.end("term"), m.end()
        entry, bare = scan.entry(text[start:term_end])
        if entry is None:
            return None
        suffix = text[m.start("suffix"):end] if m.groupdict().get("suffix") else ""
        tag, form = entry.tag, entry.form
        if suffix and self.lang != "tr" and suffix != suffix.lower():
            end, suffix = term_end, ""  # an ending is lower case: KFOR-NATO is two names
        if suffix and self.lang != "tr":
            joined = self._joined(scan, entry, text[start:term_end] + suffix)
            if joined is not None:
                tag, form, suffix = joined.tag, joined.form, ""
            elif not _is_acronym(entry.form):
                end, suffix = term_end, ""  # only acronyms take unlisted hyphen endings
        respell = ""
        if bare:
            proper = upper(form, self.lang) if entry.capitals else form
            respell = proper + text[term_end:end] if form == entry.form else proper
            case = tr_case(suffix) if suffix and self.lang == "tr" else None
            if case:  # Sirbistan'in -> Sırbistan'ın
                respell = tr_attach(proper, case, entry.term.spoken or None, text[term_end])
                respell = upper(respell, self.lang) if entry.capitals else respell
        return Match(start, end, text[start:end], entry.concept, entry.term, form, tag, suffix, entry.capitals,
                     respell)

    @staticmethod
    def _joined(scan: _Scan, entry: _Entry, glued: str) -> _Entry | None:
        """A listed form of the same term written with a hyphen before its ending ("Kfor-a" for "Kfora")."""
        other, _ = scan.entry(glued)
        if other is not None and other.term is entry.term and other.capitals == entry.capitals:
            return other
        return None


def _longest_first(candidates: list[Match], size: int) -> list[Match]:
    """Non-overlapping matches, preferring longer ones, then those spelled right, in text order."""
    taken = bytearray(size)
    chosen: list[Match] = []
    for match in sorted(candidates, key=lambda m: (m.start - m.end, m.start, m.misspelt)):
        if taken.find(1, match.start, match.end) == -1:
            taken[match.start:match.end] = b"\x01" * (match.end - match.start)
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)
