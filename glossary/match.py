"""Find glossary terms in a sentence: longest match first, on word boundaries, with each term's case
rule, including inflected forms (the term's listed forms, Turkish suffixes after an apostrophe
such as ``KFOR'un`` or ``Priştine'de``, and hyphenated suffixes on acronyms such as ``KFOR-it``,
``NATO-s``, ``KFOR-a``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from glossary.model import Concept, Term

_APOSTROPHE_SUFFIX = r"(?:['’](?P<suffix>[^\W\d_]{1,12}))?"
_HYPHEN_SUFFIX = r"(?:-(?P<suffix>[^\W\d_]{1,5}))?"


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

    @property
    def flagged(self) -> bool:
        return self.term.status in ("deprecated", "forbidden") or self.concept.kind == "forbidden"


def upper(text: str, lang: str) -> str:
    """Capitals as each language writes them (Turkish: i -> İ, ı -> I)."""
    if lang == "tr":
        text = text.replace("i", "İ").replace("ı", "I")
    return text.upper()


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper()


class Matcher:
    """Matches the terms of ``concepts`` that are recognised in ``lang`` (preferred and admitted
    terms, and forbidden or deprecated ones, which the caller flags)."""

    def __init__(self, concepts: list[Concept], lang: str):
        self.lang = lang
        entries: list[tuple[str, Term, Concept, str, bool]] = []
        for concept in concepts:
            for term in [*concept.source_terms(lang), *concept.flagged_terms(lang)]:
                for form in term.surface_forms():
                    tag = "base" if form == term.text else "|".join(k for k, v in term.forms.items() if v == form)
                    entries.append((form, term, concept, tag, False))
                    capitals = upper(form, lang)
                    if term.case_sensitive and capitals != form:
                        entries.append((capitals, term, concept, tag, True))
        entries.sort(key=lambda e: len(e[0]), reverse=True)
        self._sensitive = self._compile([e for e in entries if e[1].case_sensitive], 0)
        self._insensitive = self._compile([e for e in entries if not e[1].case_sensitive], re.IGNORECASE)

    def _compile(self, entries, flags) -> tuple[re.Pattern[str], dict[str, tuple]] | None:
        if not entries:
            return None
        lookup: dict[str, tuple] = {}
        for written, term, concept, tag, capitals in entries:
            key = written.casefold() if flags else written
            form = next(f for f in term.surface_forms() if upper(f, self.lang) == written) if capitals else written
            lookup.setdefault(key, (term, concept, tag, form, capitals))
        alternation = "|".join(re.escape(written) for written, *_ in entries)
        suffix = _APOSTROPHE_SUFFIX if self.lang == "tr" else _HYPHEN_SUFFIX
        pattern = re.compile(rf"(?<![\w'’-])(?P<term>{alternation}){suffix}(?![\w])", flags)
        return pattern, lookup

    def find(self, text: str) -> list[Match]:
        candidates: list[Match] = []
        for compiled, folded in ((self._sensitive, False), (self._insensitive, True)):
            if compiled is None:
                continue
            pattern, lookup = compiled
            pos = 0
            while True:
                m = pattern.search(text, pos)
                if not m:
                    break
                written = m.group("term")
                term, concept, tag, form, capitals = lookup[written.casefold() if folded else written]
                suffix = m.group("suffix") or ""
                end = m.end()
                if suffix and self.lang != "tr" and not _is_acronym(form):
                    end, suffix = m.end("term"), ""  # only acronyms take hyphen suffixes
                candidates.append(Match(m.start(), end, text[m.start():end], concept, term, form, tag, suffix,
                                        capitals))
                pos = m.start() + 1
        return _longest_first(candidates)


def _longest_first(candidates: list[Match]) -> list[Match]:
    """Non-overlapping matches, preferring longer ones, in text order."""
    chosen: list[Match] = []
    taken: list[tuple[int, int]] = []
    for match in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= a or match.start >= b for a, b in taken):
            chosen.append(match)
            taken.append((match.start, match.end))
    return sorted(chosen, key=lambda m: m.start)
