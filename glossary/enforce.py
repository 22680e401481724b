"""Glossary enforcement around any translation engine: protect, restore, verify.

Protection scheme (chosen by experiment, see ``bench/protection.py`` and the README): **inline
target forms**. Each matched source term is replaced, before translation, by the target term in
the form the source calls for (Pristina → Priştine for Turkish, Prištini for a Serbian locative).
Marian models copy an unfamiliar proper name far more reliably than an artificial placeholder,
which they drop, duplicate or translate; and a real model can still inflect the inserted name for
its sentence (Turkish ``Priştine'de``), which ``restore`` keeps and re-harmonises. The
``placeholder`` scheme (``ZXQ1``-style tokens) is kept for comparison.

After translation ``restore`` finds each inserted term in the output (in any of its listed forms,
in either Serbian script, with a Turkish suffix the model added), writes the right form, and
reports terms that were lost, duplicated or mangled, so the caller can retranslate without
protection and flag the segment.

House spellings: the output names each concept as the glossary's preferred target term spells it.
``restore`` also finds the concept written another way (an admitted or deprecated spelling, Serbian
in the other script, text without diacritics: *Kfora*, *НАТО-а*, *Pristini*) and writes the house
spelling in the same case (*KFOR-a*, *NATO-а*, *Prištini*); :meth:`Enforcer.house` does the same for
a whole output (a retranslation without protection). Where the source carries no case (English, or
a case that could not be decided) the model's case is kept; otherwise the case the source called for.
``check`` accepts only house spellings, and reports terms typed without diacritics (``misspelt``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from glossary import morphology
from glossary.match import Match, Matcher, bare_spellings, upper
from glossary.model import Concept, Term

INLINE, PLACEHOLDER = "inline", "placeholder"


@dataclass
class Slot:
    match: Match                 # the term in the source
    term: Term                   # the target term
    form: str                    # the target form the sentence needs
    exact: bool                  # False: the right form could not be decided; the base form is used
    marker: str                  # what the model sees in place of the source term


@dataclass
class Protected:
    source: str
    text: str                    # what goes to the model
    slots: list[Slot]


@dataclass
class TermReport:
    expected: list[str] = field(default_factory=list)    # concept ids the target must name
    found: list[str] = field(default_factory=list)       # ... named in the right form
    missing: list[str] = field(default_factory=list)     # ... absent or in a wrong form
    forbidden: list[str] = field(default_factory=list)   # forbidden/deprecated terms present
    undecided: list[str] = field(default_factory=list)   # base form used: the case was unclear
    misspelt: list[str] = field(default_factory=list)    # typed without diacritics: "Kosoves→Kosovës"

    @property
    def ok(self) -> bool:
        return not self.missing and not self.forbidden


SOURCE_CACHE = 4096  # sentences whose source matches an Enforcer keeps (a long article has ~500)


def _finder(matcher: Matcher) -> Callable[[str], tuple[Match, ...]]:
    """The glossary terms a sentence names, as a tuple (Match is frozen: a cache may share them)."""
    return lambda sentence: tuple(matcher.find(sentence))


class Enforcer:
    def __init__(self, concepts: list[Concept], source_lang: str, target_lang: str, scheme: str = INLINE):
        if scheme not in (INLINE, PLACEHOLDER):
            raise ValueError(f"unknown protection scheme {scheme!r}")
        self.concepts, self.source_lang, self.target_lang, self.scheme = concepts, source_lang, target_lang, scheme
        self.source_matcher = Matcher(concepts, source_lang)
        self.target_matcher = Matcher(concepts, target_lang)
        # the scripts a Serbian output may be in before script conversion
        self.target_scripts = ("sr-Latn", "sr-Cyrl") if target_lang.startswith("sr") else (target_lang,)
        self._house_matchers = [self.target_matcher if lang == target_lang else Matcher(concepts, lang)
                                for lang in self.target_scripts]
        # protect, check and the pipeline's name check each read a sentence's source terms: found once
        # (a cache of this Enforcer's; it holds the matcher, not the Enforcer, so no reference cycle)
        self.source_matches: Callable[[str], tuple[Match, ...]] = lru_cache(maxsize=SOURCE_CACHE)(
            _finder(self.source_matcher))

    # --- choosing the target form ---------------------------------------------------------------
    def target_form(self, match: Match) -> tuple[Term, str, bool] | None:
        """The target term and form for a source match (None for forbidden terms)."""
        if match.flagged:
            return None
        term = match.concept.preferred(self.target_lang)
        if term is None:
            return None
        tag = self._source_tag(match)
        if self.source_lang == "en" or self.target_lang == "en":
            return term, term.text, tag is not None  # English names do not inflect
        target_tag = morphology.map_tag(tag, self.source_lang, self.target_lang)
        if target_tag is None:
            return term, term.text, False
        if target_tag in ("base", "nom"):
            return term, term.text, True
        if self.target_lang == "tr" and target_tag not in term.forms:
            return term, morphology.tr_attach(term.text, target_tag, term.spoken or None), True
        form, exact = morphology.choose_form(term, target_tag)
        return term, form, exact

    def _source_tag(self, match: Match) -> str | None:
        if self.source_lang == "tr" and match.suffix:
            return morphology.tr_case(match.suffix)
        if match.suffix:  # an acronym's hyphen ending (OSBE-së, OSBE-om), not a listed form
            return morphology.hyphen_case(match.suffix, self.source_lang)
        return match.tag

    def _free(self, slot_exact: bool) -> bool:
        """Whether the model chooses the target case: the source says none (English), or it was undecided."""
        return self.source_lang == "en" or not slot_exact

    # --- protect / restore ---------------------------------------------------------------------
    def protect(self, sentence: str) -> Protected:
        slots: list[Slot] = []
        parts: list[str] = []
        last = 0
        for match in self.source_matches(sentence):
            chosen = self.target_form(match)
            if chosen is None:
                continue
            term, form, exact = chosen
            if match.upper:
                form = upper(form, self.target_lang)
            marker = form if self.scheme == INLINE else f"ZXQ{len(slots) + 1}"
            if self.scheme == INLINE and self.target_lang == "tr":
                marker = morphology.split_tr(form)[0]  # the model adds (or not) the suffix itself
            slots.append(Slot(match, term, form, exact, marker))
            parts += [sentence[last:match.start], marker]
            last = match.end
        parts.append(sentence[last:])
        return Protected(sentence, "".join(parts), slots)

    def restore(self, protected: Protected, output: str) -> tuple[str, list[str]]:
        """Put the right target forms into the model's output, in the house spelling; return it with a
        list of problems (``lost:<concept>``, ``duplicated:<concept>``)."""
        problems: list[str] = []
        text, pos = output, 0
        for slot in protected.slots:
            pattern, spellings = self._slot_pattern(slot)
            hits = list(pattern.finditer(text))
            expected = sum(1 for s in protected.slots if s.match.concept is slot.match.concept)
            if not hits:
                problems.append(f"lost:{slot.match.concept.id}")
                continue
            if len(hits) > expected:
                problems.append(f"duplicated:{slot.match.concept.id}")
            hit = next((h for h in hits if h.start() >= pos), hits[0])  # slots come in source order
            final = self._final_form(slot, hit, spellings)
            text = text[:hit.start()] + final + text[hit.end():]
            pos = hit.start() + len(final)
        return (self.house(text) if self.scheme == INLINE else text), problems

    def _slot_spellings(self, slot: Slot) -> dict[str, tuple[Term, str, bool]]:
        """Every way the output may write the slot's concept: spelling -> (term, tag, typed without
        diacritics): the marker and the chosen form ("slot"), the house term's forms, then the concept's
        other terms in the target language (and the other Serbian script), and all of these without
        diacritics. Case-insensitive terms are keyed in folded case."""
        concept = slot.match.concept
        terms = [slot.term, *(t for t in concept.terms if t.lang in self.target_scripts and t is not slot.term)]
        spellings = {self._key(w, slot): (slot.term, "slot", False) for w in (slot.marker, slot.form)}
        for term in terms:
            for form in term.surface_forms():
                spellings.setdefault(self._key(form, slot), (term, morphology.tag_of(form, term) or "base", False))
        for written, (term, tag, _) in list(spellings.items()):
            for bare in bare_spellings(written):
                spellings.setdefault(self._key(bare, slot), (term, tag, True))
        return spellings

    @staticmethod
    def _key(written: str, slot: Slot) -> str:
        return written if slot.term.case_sensitive else written.casefold()

    def _slot_pattern(self, slot: Slot) -> tuple[re.Pattern[str], dict[str, tuple[Term, str, bool]]]:
        if self.scheme == PLACEHOLDER:
            return re.compile(rf"{re.escape(slot.marker)}(?!\d)"), {}
        spellings = self._slot_spellings(slot)
        alternation = "|".join(re.escape(f) for f in sorted(spellings, key=len, reverse=True))
        suffix = r"(?:['’](?P<suffix>[^\W\d_]{1,12}))?" if self.target_lang == "tr" else ""
        flags = 0 if slot.term.case_sensitive else re.IGNORECASE
        return re.compile(rf"(?<![\w])(?P<term>{alternation}){suffix}(?![\w])", flags), spellings

    def _final_form(self, slot: Slot, hit: re.Match[str], spellings: dict[str, tuple[Term, str, bool]]) -> str:
        if self.scheme == PLACEHOLDER:
            return slot.form
        term, tag, bare = spellings.get(self._key(hit.group("term"), slot), (slot.term, "slot", False))
        if self.target_lang == "tr" and hit.groupdict().get("suffix"):
            stem = morphology.split_tr(slot.form)[0]
            return morphology.tr_reinflect(hit.group(0), stem, slot.term.spoken or None)
        if tag == "slot" or not self._free(slot.exact):
            return slot.form
        if term is slot.term and not bare:
            return hit.group(0)  # the house term in the case the model chose
        form, exact = morphology.choose_form(slot.term, tag)
        return form if exact else slot.form

    def house(self, text: str) -> str:
        """``text`` with every term the target language writes otherwise than the glossary put in the house
        spelling: a kept name's other spellings (Serbian *Kfora*, *НАТО-а* -> *KFOR-a*, *NATO-а*) and words
        typed without diacritics (*Pristini* -> *Prištini*), in the same case."""
        found = [m for matcher in self._house_matchers for m in matcher.find(text)]
        out, last = [], 0
        for m in sorted(_non_overlapping(found), key=lambda m: m.start):
            fixed = self._house_form(m)
            if fixed is not None:
                out += [text[last:m.start], fixed]
                last = m.end
        return "".join(out) + text[last:]

    def _house_form(self, m: Match) -> str | None:
        """The house spelling of a kept name written otherwise, or of a word typed without diacritics."""
        if m.flagged:
            return None
        house = m.concept.preferred(self.target_lang) if m.concept.kind == "keep" else None
        if house is not None and m.term.text != house.text:
            tag = m.tag if not m.suffix else morphology.hyphen_case(m.suffix, m.term.lang)
            form, exact = morphology.choose_form(house, tag)
            if not exact:
                return None
            return upper(form, self.target_lang) if m.upper else form
        return m.respell or None

    # --- verification ----------------------------------------------------------------------------
    def check(self, source: str, target: str) -> TermReport:
        """Which terms the target must name (from the source), which it names in the right form (house
        spelling), which are missing, which forbidden or deprecated terms it contains, and which terms
        either side typed without diacritics."""
        report = TermReport()
        found_in_target = self.target_matcher.find(target)
        good = [m for m in found_in_target if not m.flagged and not m.misspelt]
        named = {(m.concept.id, (upper(m.form, self.target_lang) if m.upper else m.form)
                  + (f"'{m.suffix}" if m.suffix and self.target_lang == "tr" else "")) for m in good}
        in_house = {m.concept.id for m in good if self._is_house(m)}
        for match in self.source_matches(source):
            if match.misspelt:
                report.misspelt.append(f"{match.text}→{match.respell}")
            chosen = self.target_form(match)
            if chosen is None:
                continue
            _, form, exact = chosen
            if match.upper:
                form = upper(form, self.target_lang)
            cid = match.concept.id
            report.expected.append(cid)
            if not exact:
                report.undecided.append(cid)
            right = (cid, form) in named or (cid, form.replace("’", "'")) in named
            if right or (self._free(exact) and cid in in_house) or (self.target_lang == "tr" and cid in in_house
                                                                    and self._tr_stem_ok(good, cid, form)):
                report.found.append(cid)
            else:
                report.missing.append(cid)
        report.forbidden = [m.text for m in found_in_target if m.flagged]
        report.misspelt += [f"{m.text}→{m.respell}" for m in found_in_target if m.misspelt]
        return report

    def _is_house(self, m: Match) -> bool:
        house = m.concept.preferred(self.target_lang)
        return house is not None and m.term.text == house.text

    @staticmethod
    def _tr_stem_ok(found: list[Match], cid: str, form: str) -> bool:
        """In Turkish the model may choose the case; the stem must be the term's."""
        stem = morphology.split_tr(form)[0]
        return any(m.concept.id == cid and morphology.split_tr(m.form)[0] == stem for m in found)


def _non_overlapping(matches: list[Match]) -> list[Match]:
    """Leftmost, then longest, then spelled right; none overlapping (the matches of two scripts' matchers)."""
    chosen: list[Match] = []
    end = -1
    for m in sorted(matches, key=lambda m: (m.start, m.start - m.end, m.misspelt)):
        if m.start >= end:
            chosen.append(m)
            end = m.end
    return chosen
