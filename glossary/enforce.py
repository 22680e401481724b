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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from glossary import morphology
from glossary.match import Match, Matcher, upper
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

    @property
    def ok(self) -> bool:
        return not self.missing and not self.forbidden


class Enforcer:
    def __init__(self, concepts: list[Concept], source_lang: str, target_lang: str, scheme: str = INLINE):
        if scheme not in (INLINE, PLACEHOLDER):
            raise ValueError(f"unknown protection scheme {scheme!r}")
        self.concepts, self.source_lang, self.target_lang, self.scheme = concepts, source_lang, target_lang, scheme
        self.source_matcher = Matcher(concepts, source_lang)
        self.target_matcher = Matcher(concepts, target_lang)

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
            return term, morphology.tr_attach(term.text, target_tag), True
        form, exact = morphology.choose_form(term, target_tag)
        return term, form, exact

    def _source_tag(self, match: Match) -> str | None:
        if self.source_lang == "tr" and match.suffix:
            return morphology.tr_case(match.suffix)
        if match.suffix:  # an acronym's hyphen suffix (KFOR-it, NATO-s): the case is not listed
            return None
        return match.tag

    # --- protect / restore ---------------------------------------------------------------------
    def protect(self, sentence: str) -> Protected:
        slots: list[Slot] = []
        parts: list[str] = []
        last = 0
        for match in self.source_matcher.find(sentence):
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
        """Put the right target forms into the model's output; return it with a list of problems
        (``lost:<concept>``, ``duplicated:<concept>``)."""
        problems: list[str] = []
        text, pos = output, 0
        for slot in protected.slots:
            pattern = self._slot_pattern(slot)
            hits = list(pattern.finditer(text))
            expected = sum(1 for s in protected.slots if s.match.concept is slot.match.concept)
            if not hits:
                problems.append(f"lost:{slot.match.concept.id}")
                continue
            if len(hits) > expected:
                problems.append(f"duplicated:{slot.match.concept.id}")
            hit = next((h for h in hits if h.start() >= pos), hits[0])  # slots come in source order
            final = self._final_form(slot, hit)
            text = text[:hit.start()] + final + text[hit.end():]
            pos = hit.start() + len(final)
        return text, problems

    def _slot_pattern(self, slot: Slot) -> re.Pattern[str]:
        if self.scheme == PLACEHOLDER:
            return re.compile(rf"{re.escape(slot.marker)}(?!\d)")
        forms = sorted({slot.marker, slot.form, *slot.term.surface_forms()}, key=len, reverse=True)
        alternation = "|".join(re.escape(f) for f in forms)
        suffix = r"(?:['’](?P<suffix>[^\W\d_]{1,12}))?" if self.target_lang == "tr" else ""
        flags = 0 if slot.term.case_sensitive else re.IGNORECASE
        return re.compile(rf"(?<![\w])(?P<term>{alternation}){suffix}(?![\w])", flags)

    def _final_form(self, slot: Slot, hit: re.Match[str]) -> str:
        if self.target_lang == "tr" and self.scheme == INLINE and hit.groupdict().get("suffix"):
            return morphology.tr_reinflect(hit.group(0), morphology.split_tr(slot.form)[0])
        return slot.form

    # --- verification ----------------------------------------------------------------------------
    def check(self, source: str, target: str) -> TermReport:
        """Which terms the target must name (from the source), which it names in the right form,
        which are missing, and which forbidden or deprecated terms it contains."""
        report = TermReport()
        found_in_target = self.target_matcher.find(target)
        named = {(m.concept.id, (upper(m.form, self.target_lang) if m.upper else m.form)
                  + (f"'{m.suffix}" if m.suffix and self.target_lang == "tr" else ""))
                 for m in found_in_target if not m.flagged}
        named_concepts = {cid for cid, _ in named}
        for match in self.source_matcher.find(source):
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
            if right or (not exact and cid in named_concepts) or (self.target_lang == "tr" and cid in named_concepts
                                                                   and self._tr_stem_ok(found_in_target, cid, form)):
                report.found.append(cid)
            else:
                report.missing.append(cid)
        report.forbidden = [m.text for m in found_in_target if m.flagged]
        return report

    @staticmethod
    def _tr_stem_ok(found: list[Match], cid: str, form: str) -> bool:
        """In Turkish the model may choose the case; the stem must be the term's."""
        stem = morphology.split_tr(form)[0]
        return any(m.concept.id == cid and morphology.split_tr(m.form)[0] == stem for m in found)
