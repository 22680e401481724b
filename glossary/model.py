"""The term base, concept-oriented like TBX: a concept has terms per language.

A ``Concept`` is one thing named in the news (KFOR, Pristina, the Belgrade-Pristina Dialogue). Its
kind says what the pipeline does with it: ``translate`` (each language has its own term: Pristina
→ Priştine / Prishtinë / Priština / Приштина), ``keep`` (the same letters in every language: KFOR,
NATO) or ``forbidden`` (terms that must be flagged wherever they appear).

A ``Term`` is one written form in one language with a status: ``preferred`` (what the
translation must use; one per language), ``admitted`` (a variant recognised in the source, e.g.
"Prishtina" in English), ``deprecated`` or ``forbidden`` (flagged when they appear in a draft).
``forms`` maps grammatical tags to inflected forms (``{"gen": "Prishtinës", "loc": "Prishtinë"}``),
used both to recognise inflected source words and to choose the right target form. ``spoken`` says
how a Turkish reader says the term where it is not read as spelled (``"baydın"`` for Biden: Biden'ın);
it decides the term's Turkish endings and overrides the table in ``glossary.turkish``.

Spellings: the preferred term of a language is the one the newsroom writes (its *house spelling*); for
a ``keep`` concept a language without a term of its own writes the kept term, and a language (or
Serbian script) that writes it otherwise says so with its own preferred term. Admitted terms are
the other spellings the press uses (Serbian *Kfor*, *Кфор*, *НАТО*), recognised in the source and
put back into the house spelling in a translation.

This module imports nothing from the rest of dragoman.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from common.languages import LANGUAGES

KINDS = ("translate", "keep", "forbidden")
STATUSES = ("preferred", "admitted", "deprecated", "forbidden")
# Grammatical tags used in ``Term.forms``. Cases: nominative, genitive, dative, accusative,
# locative, ablative, instrumental, vocative; Albanian adds definite/indefinite.
FORM_TAGS = ("nom", "gen", "dat", "acc", "loc", "abl", "ins", "voc",
             "def", "indef", "def.gen", "def.dat", "def.acc", "def.abl", "indef.gen", "indef.abl")


# A reading: letters, with single hyphens, spaces or apostrophes between them ("si-en-en", "los ancelıs").
SPOKEN_TEXT = re.compile(r"[^\W\d_]+(?:[-' ][^\W\d_]+)*")


class GlossaryError(ValueError):
    """A term base that cannot be accepted; the message names the concept, term or line at fault."""


@dataclass
class Term:
    lang: str
    text: str
    status: str = "preferred"
    forms: dict[str, str] = field(default_factory=dict)
    case_sensitive: bool = True
    note: str = ""
    spoken: str = ""    # how a Turkish reader says it, where not as spelled ("baydın": Biden'ın)

    def surface_forms(self) -> list[str]:
        """The base text and every inflected form, longest first, without repeats."""
        return sorted(dict.fromkeys([self.text, *self.forms.values()]), key=len, reverse=True)


@dataclass
class Concept:
    id: str
    kind: str = "translate"
    terms: list[Term] = field(default_factory=list)
    note: str = ""
    subject: str = ""

    def terms_in(self, lang: str, statuses: tuple[str, ...] = STATUSES) -> list[Term]:
        return [t for t in self.terms if t.lang == lang and t.status in statuses]

    def preferred(self, lang: str) -> Term | None:
        """The term a translation into ``lang`` must use (for ``keep`` concepts: the kept term)."""
        found = self.terms_in(lang, ("preferred",))
        if found:
            return found[0]
        if self.kind == "keep":
            kept = [t for t in self.terms if t.status == "preferred"]
            if kept:
                term = kept[0]
                return Term(lang, term.text, "preferred", {}, term.case_sensitive, term.note, term.spoken)
        return None

    def source_terms(self, lang: str) -> list[Term]:
        """Terms recognised in source text of ``lang`` (preferred and admitted)."""
        own = self.terms_in(lang, ("preferred", "admitted"))
        if self.kind == "keep" and not own:
            kept = self.preferred(lang)
            return [kept] if kept else []
        return own

    def flagged_terms(self, lang: str) -> list[Term]:
        """Terms that must be flagged when they appear in text of ``lang``."""
        if self.kind == "forbidden":
            return self.terms_in(lang)
        return self.terms_in(lang, ("deprecated", "forbidden"))


def slug(text: str) -> str:
    """A concept id from a term: "Belgrade-Pristina Dialogue" -> "belgrade-pristina-dialogue"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "concept"


def validate(concepts: list[Concept]) -> None:
    """Raise GlossaryError naming the first problem: an empty term, an unknown language, kind,
    status or form tag, two preferred terms for one language, a duplicate concept id, or the
    same source term meaning two different things."""
    ids: set[str] = set()
    seen: dict[tuple[str, str], str] = {}
    for concept in concepts:
        where = f"concept {concept.id!r}"
        if not concept.id.strip():
            raise GlossaryError("a concept has an empty id")
        if concept.id in ids:
            raise GlossaryError(f"{where} appears twice")
        ids.add(concept.id)
        if concept.kind not in KINDS:
            raise GlossaryError(f"{where}: unknown kind {concept.kind!r} (expected {', '.join(KINDS)})")
        if not concept.terms:
            raise GlossaryError(f"{where} has no terms")
        preferred: set[str] = set()
        for term in concept.terms:
            if term.lang not in LANGUAGES:
                raise GlossaryError(f"{where}: term {term.text!r} is in an unknown language {term.lang!r} "
                                    f"(expected one of {', '.join(LANGUAGES)})")
            if not term.text.strip():
                raise GlossaryError(f"{where}: an empty {term.lang} term")
            if term.text != term.text.strip():
                raise GlossaryError(f"{where}: term {term.text!r} has leading or trailing spaces")
            if term.status not in STATUSES:
                raise GlossaryError(f"{where}: term {term.text!r} has unknown status {term.status!r}")
            if term.spoken and not SPOKEN_TEXT.fullmatch(term.spoken):
                raise GlossaryError(f"{where}: term {term.text!r} has spoken={term.spoken!r}: say how it is read "
                                    "in letters, with hyphens between spelled letters (\"baydın\", \"si-en-en\")")
            for tag, form in term.forms.items():
                if tag not in FORM_TAGS:
                    raise GlossaryError(f"{where}: term {term.text!r} has unknown form tag {tag!r}")
                if not form.strip():
                    raise GlossaryError(f"{where}: term {term.text!r} has an empty {tag} form")
            if term.status == "preferred" and concept.kind != "forbidden":
                if term.lang in preferred:
                    raise GlossaryError(f"{where}: two preferred {term.lang} terms")
                preferred.add(term.lang)
            if term.status in ("preferred", "admitted"):
                key = (term.lang, term.text if term.case_sensitive else term.text.casefold())
                other = seen.get(key)
                if other is not None and other != concept.id:
                    raise GlossaryError(f"conflicting entries: {term.lang} term {term.text!r} belongs to both "
                                        f"{other!r} and {concept.id!r}")
                seen[key] = concept.id


def to_dict(concept: Concept) -> dict:
    """A plain, JSON-ready form of a concept (the seed glossary and the API use it)."""
    return {
        "id": concept.id, "kind": concept.kind, "note": concept.note, "subject": concept.subject,
        "terms": [{"lang": t.lang, "text": t.text, "status": t.status, "forms": dict(t.forms),
                   "case_sensitive": t.case_sensitive, "note": t.note, **({"spoken": t.spoken} if t.spoken else {})}
                  for t in concept.terms],
    }


def from_dict(data: dict) -> Concept:
    try:
        terms = [Term(t["lang"], t["text"], t.get("status", "preferred"), dict(t.get("forms") or {}),
                      bool(t.get("case_sensitive", True)), t.get("note", ""), t.get("spoken") or "")
                 for t in data["terms"]]
        return Concept(data.get("id") or slug(terms[0].text), data.get("kind", "translate"), terms,
                       data.get("note", ""), data.get("subject", ""))
    except (KeyError, TypeError, IndexError) as exc:
        raise GlossaryError(f"a concept is missing {exc} ({str(data)[:80]})") from exc
