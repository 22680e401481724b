"""Merging a term base from a file into the glossary, and the difference between two term bases.

Pure functions over concepts: ``plan(current, incoming, prefer_file)`` says what a merge would do,
``diff(old, new)`` what replacing ``old`` by ``new`` changes (``dragoman glossary diff``, ``--replace``),
and ``apply(current, plan)`` gives the glossary after either. Nothing here reads or writes a store.

How a merge decides:

* **Which concept.** A concept from the file joins the glossary's concept with the same id; if no id
  matches, the one that shares a recognised term with it (preferred or admitted, the same text in the
  same language, compared after NFC and case folding; an exact match is looked at first). If its
  terms point at two or more concepts it is a ``match`` conflict and is skipped, even with
  ``prefer_file``. A concept that joins none is added as it is. Several concepts of the file that
  join one concept are merged into it one after another, in the file's order.
* **What joins.** New languages, terms, forms and notes are added; nothing is ever removed. A note
  from the file is appended on a new line unless the note already holds it. A term text that only
  differs in case keeps the glossary's spelling.
* **Defaults do not override.** A file says ``translate`` and ``case_sensitive`` when it says
  nothing (TBX and CSV files from other tools have no kinds), so a file's ``translate`` never
  changes a ``keep`` or ``forbidden`` concept and its case-sensitive term never changes an
  insensitive one. A ``translate`` concept takes the file's ``keep``/``forbidden`` and a sensitive
  term the file's ``insensitive``: the file says more.
* **Conflicts** are reported with both values and applied only with ``prefer_file``: a different
  kind (neither the default), another preferred term for the concept and language, a different
  status for the same term, a different form for the same tag, a different subject, and a file
  term that another concept already recognises (never applied). When the file's preferred term
  wins, the glossary's preferred term in that language stays as an admitted one.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from glossary.model import LANGUAGES, Concept, Term, to_dict

RECOGNISED = ("preferred", "admitted")
DEFAULT_KIND = "translate"


def fold(text: str) -> str:
    """The comparison key of a term's text: NFC, case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def term_dict(term: Term) -> dict:
    return {"text": term.text, "status": term.status, "forms": dict(term.forms),
            "case_sensitive": term.case_sensitive, "note": term.note,
            **({"spoken": term.spoken} if term.spoken else {})}


# --- what a plan holds ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One field of a concept before and after; ``lang``/``term`` name the term of a term field
    (``term``: a whole term added or removed, ``status``, ``forms.<tag>``, ``case_sensitive``, ``note``,
    ``spoken``)."""

    field: str
    before: Any
    after: Any
    lang: str = ""
    term: str = ""

    def to_dict(self) -> dict:
        return {"field": self.field, "lang": self.lang, "term": self.term, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Conflict:
    """The glossary says ``current``, the file says ``file``; ``applied`` only with prefer_file."""

    concept: str
    incoming: str
    field: str
    current: Any
    file: Any
    lang: str = ""
    term: str = ""
    applied: bool = False

    def to_dict(self) -> dict:
        return {"concept": self.concept, "incoming": self.incoming, "field": self.field, "lang": self.lang,
                "term": self.term, "current": self.current, "file": self.file, "applied": self.applied}


@dataclass
class ConceptChange:
    id: str
    before: Concept
    after: Concept
    changes: list[Change] = field(default_factory=list)
    incoming: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "incoming": list(self.incoming), "changes": [c.to_dict() for c in self.changes]}


@dataclass
class Plan:
    mode: str = "merge"
    prefer_file: bool = False
    added: list[Concept] = field(default_factory=list)
    changed: list[ConceptChange] = field(default_factory=list)
    removed: list[Concept] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    joined: dict[str, list[str]] = field(default_factory=dict)  # glossary concept -> the file's concepts in it

    @property
    def writes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed),
                "conflicts": len(self.conflicts), "unchanged": len(self.unchanged)}

    def summary(self) -> dict:
        """What a version records: the ids added, changed and removed, and the counts."""
        return {"mode": self.mode, "prefer_file": self.prefer_file, **self.counts(),
                "ids": {"added": [c.id for c in self.added], "changed": [c.id for c in self.changed],
                        "removed": [c.id for c in self.removed]}}

    def to_dict(self) -> dict:
        return {"mode": self.mode, "prefer_file": self.prefer_file, "counts": self.counts(),
                "added": [to_dict(c) for c in self.added], "changed": [c.to_dict() for c in self.changed],
                "removed": [to_dict(c) for c in self.removed],
                "conflicts": [c.to_dict() for c in self.conflicts], "unchanged": list(self.unchanged),
                "joined": {k: list(v) for k, v in self.joined.items()}}


def apply(current: list[Concept], plan: Plan) -> list[Concept]:
    """The glossary after ``plan``: changed concepts replaced, removed ones dropped, added ones last."""
    after = {c.id: c.after for c in plan.changed}
    gone = {c.id for c in plan.removed}
    return [after.get(c.id, c) for c in current if c.id not in gone] + list(plan.added)


# --- finding terms --------------------------------------------------------------------------------------
def find_term(concept: Concept, term: Term, paired: list[Term] = ()) -> Term | None:
    """The concept's term for ``term``: the same text in the same language (exactly, else folded),
    one not ``paired`` with another term yet and of the same status first."""
    same = [t for t in concept.terms if t.lang == term.lang]
    found = [t for t in same if t.text == term.text] or [t for t in same if fold(t.text) == fold(term.text)]
    free = [t for t in found if all(t is not p for p in paired)]
    return next((t for t in free if t.status == term.status), None) or next(iter(free or found), None)


def position(terms: list[Term], lang: str) -> int:
    """Where a new ``lang`` term goes: after that language's terms, else before the first term of a
    language that comes later in LANGUAGES, else last."""
    same = [i for i, t in enumerate(terms) if t.lang == lang]
    if same:
        return same[-1] + 1
    rank = {tag: i for i, tag in enumerate(LANGUAGES)}
    later = [i for i, t in enumerate(terms) if rank.get(t.lang, len(rank)) > rank.get(lang, len(rank))]
    return later[0] if later else len(terms)


class TermIndex:
    """Which concepts recognise a (language, text), exactly and folded."""

    def __init__(self, concepts=()):
        self.exact: dict[tuple[str, str], set[str]] = {}
        self.folded: dict[tuple[str, str], set[str]] = {}
        for concept in concepts:
            self.add(concept)

    def add(self, concept: Concept) -> None:
        for t in concept.terms:
            if t.status in RECOGNISED:
                self.exact.setdefault((t.lang, t.text), set()).add(concept.id)
                self.folded.setdefault((t.lang, fold(t.text)), set()).add(concept.id)

    def owners(self, lang: str, text: str) -> set[str]:
        return self.exact.get((lang, text)) or self.folded.get((lang, fold(text)), set())

    def taken(self, lang: str, text: str, by: str) -> str | None:
        """Another concept than ``by`` that recognises this text (folded), if any."""
        others = (self.folded.get((lang, fold(text)), set()) | self.exact.get((lang, text), set())) - {by}
        return min(others) if others else None


def targets(incoming: Concept, ids: set[str], index: TermIndex) -> list[str]:
    """The glossary concepts ``incoming`` joins: its id's, else those sharing a recognised term."""
    if incoming.id in ids:
        return [incoming.id]
    found: set[str] = set()
    for t in incoming.terms:
        if t.status in RECOGNISED:
            found |= index.owners(t.lang, t.text)
    return sorted(found)


# --- merging ----------------------------------------------------------------------------------------------
def plan(current: list[Concept], incoming: list[Concept], prefer_file: bool = False) -> Plan:
    """What merging ``incoming`` (a file) into ``current`` (the glossary) adds, changes and reports."""
    work = {c.id: copy.deepcopy(c) for c in current}
    index = TermIndex(work.values())
    result = Plan("merge", prefer_file)
    changes: dict[str, list[Change]] = {}
    for concept in incoming:
        found = targets(concept, set(work), index)
        if len(found) > 1:
            result.conflicts.append(Conflict(found[0], concept.id, "match", found, concept.id))
            continue
        if not found:
            added = copy.deepcopy(concept)
            result.added.append(added)
            work[added.id] = added
            index.add(added)
            continue
        merger = Merger(work[found[0]], concept, prefer_file, index)
        merger.run()
        changes.setdefault(found[0], []).extend(merger.changes)
        result.joined.setdefault(found[0], []).append(concept.id)
        result.conflicts.extend(merger.conflicts)
        index.add(merger.out)
    _settle(result, current, work, changes)
    return result


def _settle(result: Plan, current: list[Concept], work: dict[str, Concept], changes: dict[str, list[Change]]) -> None:
    """Sort the glossary's concepts the file joined into changed and unchanged (one with a conflict
    left as it is is neither)."""
    clashing = {c.concept for c in result.conflicts if not c.applied}
    for before in current:
        if before.id not in result.joined:
            continue
        if changes[before.id]:
            result.changed.append(ConceptChange(before.id, before, work[before.id], changes[before.id],
                                                result.joined[before.id]))
        elif before.id not in clashing:
            result.unchanged.append(before.id)


class Merger:
    """Merges one concept from the file (``inc``) into a copy of the glossary's (``out``)."""

    def __init__(self, current: Concept, inc: Concept, prefer: bool, index: TermIndex):
        self.out, self.inc, self.prefer, self.index = current, inc, prefer, index
        self.changes: list[Change] = []
        self.conflicts: list[Conflict] = []

    def run(self) -> None:
        self.kind()
        self.out.note = self.note(self.out.note, self.inc.note, "", "")
        self.subject()
        paired: list[Term] = []
        for term in self.inc.terms:
            existing = find_term(self.out, term, paired)
            if existing is None:
                self.new_term(term)
            else:
                paired.append(existing)
                self.same_term(existing, term)

    # --- recording ------------------------------------------------------------------------------------
    def change(self, name: str, before: Any, after: Any, lang: str = "", term: str = "") -> None:
        self.changes.append(Change(name, before, after, lang, term))

    def conflict(self, name: str, current: Any, file: Any, lang: str = "", term: str = "",
                 applies: bool = True) -> bool:
        """Report a conflict; True when it is to be applied (prefer_file, and it can be)."""
        applied = self.prefer and applies
        self.conflicts.append(Conflict(self.out.id, self.inc.id, name, current, file, lang, term, applied))
        return applied

    # --- the concept ----------------------------------------------------------------------------------
    def kind(self) -> None:
        old, new = self.out.kind, self.inc.kind
        if new in (old, DEFAULT_KIND):
            return
        if old != DEFAULT_KIND and not self.conflict("kind", old, new):
            return
        self.out.kind = new
        self.change("kind", old, new)
        if old == "forbidden":
            self.one_preferred_each()

    def one_preferred_each(self) -> None:
        """After leaving ``forbidden``: the first preferred term of each language stays preferred."""
        seen: set[str] = set()
        for term in self.out.terms:
            if term.status == "preferred":
                if term.lang in seen:
                    self.set_status(term, "admitted")
                seen.add(term.lang)

    def note(self, old: str, new: str, lang: str, term: str) -> str:
        if not new.strip() or new.strip() in old:
            return old
        joined = f"{old}\n{new}" if old.strip() else new
        self.change("note", old, joined, lang, term)
        return joined

    def subject(self) -> None:
        old, new = self.out.subject, self.inc.subject
        if not new or new == old:
            return
        if old and not self.conflict("subject", old, new):
            return
        self.out.subject = new
        self.change("subject", old, new)

    # --- terms ----------------------------------------------------------------------------------------
    def new_term(self, term: Term) -> None:
        other = self.index.taken(term.lang, term.text, self.out.id) if term.status in RECOGNISED else None
        if other is not None:
            self.conflict("term", f"recognised by concept {other!r}", term.text, term.lang, term.text, applies=False)
            return
        preferred = self.preferred_in(term.lang) if term.status == "preferred" else None
        if preferred is not None:
            if not self.conflict("preferred", preferred.text, term.text, term.lang):
                return
            self.set_status(preferred, "admitted")
        added = copy.deepcopy(term)
        self.out.terms.insert(position(self.out.terms, term.lang), added)
        self.change("term", None, term_dict(added), term.lang, added.text)

    def preferred_in(self, lang: str) -> Term | None:
        if self.out.kind == "forbidden":
            return None
        return next((t for t in self.out.terms if t.lang == lang and t.status == "preferred"), None)

    def set_status(self, term: Term, status: str) -> None:
        self.change("status", term.status, status, term.lang, term.text)
        term.status = status

    def same_term(self, mine: Term, theirs: Term) -> None:
        if mine.status != theirs.status:
            self.status(mine, theirs.status)
        for tag, form in theirs.forms.items():
            old = mine.forms.get(tag)
            if old == form or (old is not None and not self.conflict(f"forms.{tag}", old, form, mine.lang,
                                                                     mine.text)):
                continue
            mine.forms[tag] = form
            self.change(f"forms.{tag}", old, form, mine.lang, mine.text)
        if mine.case_sensitive and not theirs.case_sensitive:
            self.insensitive(mine)
        mine.note = self.note(mine.note, theirs.note, mine.lang, mine.text)
        if theirs.spoken and theirs.spoken != mine.spoken and (
                not mine.spoken or self.conflict("spoken", mine.spoken, theirs.spoken, mine.lang, mine.text)):
            self.change("spoken", mine.spoken, theirs.spoken, mine.lang, mine.text)
            mine.spoken = theirs.spoken

    def insensitive(self, mine: Term) -> None:
        """Take the file's ``insensitive``, unless another concept recognises the text in another case."""
        other = self.index.taken(mine.lang, mine.text, self.out.id) if mine.status in RECOGNISED else None
        if other is not None:
            self.conflict("case_sensitive", True, False, mine.lang, mine.text, applies=False)
            return
        mine.case_sensitive = False
        self.change("case_sensitive", True, False, mine.lang, mine.text)

    def status(self, mine: Term, status: str) -> None:
        other = self.index.taken(mine.lang, mine.text, self.out.id) if status in RECOGNISED else None
        if not self.conflict("status", mine.status, status, mine.lang, mine.text, applies=other is None):
            return
        preferred = self.preferred_in(mine.lang) if status == "preferred" else None
        if preferred is not None and preferred is not mine:
            self.set_status(preferred, "admitted")
        self.set_status(mine, status)


# --- the difference between two term bases -----------------------------------------------------------------
def diff(old: list[Concept], new: list[Concept]) -> Plan:
    """What replacing ``old`` by ``new`` adds, removes and changes, concept by concept (by id)."""
    result = Plan("replace")
    before = {c.id: c for c in old}
    after_ids = {c.id for c in new}
    for concept in new:
        was = before.get(concept.id)
        if was is None:
            result.added.append(concept)
            continue
        changes = compare(was, concept)
        if not changes and was != concept:  # only the order of the terms, or a repeated term, differs
            changes = [Change("terms", _listing(was), _listing(concept))]
        if changes:
            result.changed.append(ConceptChange(concept.id, was, concept, changes, [concept.id]))
        else:
            result.unchanged.append(concept.id)
    result.removed = [c for c in old if c.id not in after_ids]
    return result


def compare(old: Concept, new: Concept) -> list[Change]:
    """Every field of ``old`` that ``new`` has otherwise (terms by language and text)."""
    changes = [Change(name, getattr(old, name), getattr(new, name))
               for name in ("kind", "note", "subject") if getattr(old, name) != getattr(new, name)]
    mine, theirs = _by_key(old.terms), _by_key(new.terms)
    for key, term in mine.items():
        if key not in theirs:
            changes.append(Change("term", term_dict(term), None, *key))
    for key, term in theirs.items():
        if key not in mine:
            changes.append(Change("term", None, term_dict(term), *key))
        else:
            changes += _term_changes(mine[key], term)
    return changes


def _listing(concept: Concept) -> list[str]:
    return [f"{t.lang} {t.text} ({t.status})" for t in concept.terms]


def _by_key(terms: list[Term]) -> dict[tuple[str, str], Term]:
    found: dict[tuple[str, str], Term] = {}
    for term in terms:
        found.setdefault((term.lang, term.text), term)
    return found


def _term_changes(old: Term, new: Term) -> list[Change]:
    where = (old.lang, old.text)
    changes = [Change(name, getattr(old, name), getattr(new, name), *where)
               for name in ("status", "case_sensitive", "note", "spoken") if getattr(old, name) != getattr(new, name)]
    for tag in dict.fromkeys([*old.forms, *new.forms]):
        if old.forms.get(tag) != new.forms.get(tag):
            changes.append(Change(f"forms.{tag}", old.forms.get(tag), new.forms.get(tag), *where))
    return changes
