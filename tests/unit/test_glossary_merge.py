"""Merging a term base into the glossary (glossary.merge): which concept a file's concept joins,
what is added, what is a conflict, and the properties every merge keeps (a glossary merged into
itself changes nothing; nothing that was there is lost; conflicts wait for prefer_file)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from glossary.formats import load
from glossary.match import Matcher
from glossary.merge import apply, diff, plan
from glossary.model import KINDS, LANGUAGES, STATUSES, Concept, Term, validate
from glossary.seed import load_seed

pytestmark = pytest.mark.unit

PLAIN_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>another terminology tool</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry>
      <langSet xml:lang="en-US"><tig><term>Pristina</term></tig></langSet>
      <langSet xml:lang="sq-AL"><tig><term>Prishtinë</term></tig></langSet>
    </termEntry>
    <termEntry>
      <langSet xml:lang="en-US"><tig><term>KFOR</term></tig></langSet>
      <langSet xml:lang="sq-AL"><tig><term>KFOR</term></tig></langSet>
    </termEntry>
    <termEntry>
      <langSet xml:lang="en-US"><tig><term>Gračanica</term></tig></langSet>
      <langSet xml:lang="sq-AL"><tig><term>Graçanicë</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
""".encode()


def by_id(concepts: list[Concept]) -> dict[str, Concept]:
    return {c.id: c for c in concepts}


def c(cid: str, *terms: Term, kind: str = "translate", note: str = "", subject: str = "") -> Concept:
    return Concept(cid, kind, list(terms), note, subject)


# --- the defect: a plain TBX from another tool must not replace the seed's concepts --------------------
def test_plain_tbx_merged_into_the_seed_keeps_kinds_terms_and_forms():
    seed = load_seed()
    incoming = load(PLAIN_TBX)
    result = plan(seed, incoming)
    merged = by_id(apply(seed, result))
    validate(list(merged.values()))
    assert merged["kfor"] == by_id(seed)["kfor"]          # keep kind, tr/sr terms, forms: all there
    assert merged["pristina"] == by_id(seed)["pristina"]
    assert [a.id for a in result.added] == ["gracanica"] and result.conflicts == [] and result.changed == []
    assert sorted(result.unchanged) == ["kfor", "pristina"]
    concepts = list(merged.values())
    serbian = Matcher(concepts, "sr-Latn").find("Vojnici KFOR-a stigli su u Prištinu.")
    assert [(m.text, m.concept.id) for m in serbian] == [("KFOR-a", "kfor"), ("Prištinu", "pristina")]


# --- joining ----------------------------------------------------------------------------------------
def test_joins_by_a_shared_term_ignoring_case_and_normal_form():
    current = [c("pristina", Term("en", "Pristina"), Term("sr-Latn", "Priština"))]
    decomposed = unicodedata.normalize("NFD", "PRIŠTINA")
    result = plan(current, [c("x1", Term("sr-Latn", decomposed), Term("tr", "Priştine"))])
    assert result.added == [] and [ch.id for ch in result.changed] == ["pristina"]
    merged = apply(current, result)[0]
    assert [t.text for t in merged.terms] == ["Pristina", "Priştine", "Priština"]  # the glossary's spelling kept
    assert result.changed[0].incoming == ["x1"]


def test_the_id_decides_first():
    current = [c("kfor", Term("en", "KFOR"), kind="keep")]
    result = plan(current, [c("kfor", Term("tr", "KFOR"))])
    assert [t.lang for t in apply(current, result)[0].terms] == ["en", "tr"]


def test_a_concept_sharing_terms_with_two_concepts_is_skipped_even_with_prefer_file():
    current = [c("a", Term("en", "Alpha")), c("b", Term("en", "Beta"))]
    incoming = [c("x", Term("en", "Alpha"), Term("en", "Beta", "admitted"))]
    for prefer in (False, True):
        result = plan(current, incoming, prefer)
        assert [(k.field, k.current, k.applied) for k in result.conflicts] == [("match", ["a", "b"], False)]
        assert apply(current, result) == current


def test_a_term_another_concept_recognises_is_never_added():
    current = [c("a", Term("en", "Alpha")), c("b", Term("en", "Beta"))]
    result = plan(current, [c("a", Term("tr", "Alfa"), Term("en", "beta", "admitted"))], prefer_file=True)
    assert [(k.field, k.applied) for k in result.conflicts] == [("term", False)]
    merged = apply(current, result)
    validate(merged)
    assert [t.text for t in merged[0].terms] == ["Alpha", "Alfa"]


# --- what joins -------------------------------------------------------------------------------------
def test_new_languages_terms_forms_and_notes_are_added():
    current = [c("peja", Term("en", "Peja"), Term("sq", "Pejë", forms={"def": "Peja"}), note="City.")]
    incoming = [c("peja", Term("sq", "Pejë", forms={"def": "Peja", "def.gen": "Pejës"}, note="Albanian name"),
                  Term("en", "Peć", "admitted"), Term("sr-Latn", "Peć"), note="In western Kosovo.")]
    result = plan(current, incoming)
    merged = apply(current, result)[0]
    assert merged.note == "City.\nIn western Kosovo."
    assert [(t.lang, t.text, t.status) for t in merged.terms] == [
        ("en", "Peja", "preferred"), ("en", "Peć", "admitted"), ("sq", "Pejë", "preferred"),
        ("sr-Latn", "Peć", "preferred")]
    assert merged.terms[2].forms == {"def": "Peja", "def.gen": "Pejës"} and merged.terms[2].note == "Albanian name"
    fields = [(ch.field, ch.lang) for ch in result.changed[0].changes]
    assert ("note", "") in fields and ("forms.def.gen", "sq") in fields and ("term", "sr-Latn") in fields
    assert result.conflicts == []


@pytest.mark.parametrize("mine,theirs,after,conflict", [
    ("translate", "keep", "keep", False),      # the default takes what the file says
    ("keep", "translate", "keep", False),      # a file's default says nothing
    ("keep", "forbidden", "keep", True),       # two kinds, neither the default: a conflict
])
def test_kinds(mine, theirs, after, conflict):
    current = [c("x", Term("en", "X"), kind=mine)]
    result = plan(current, [c("x", Term("en", "X"), kind=theirs)])
    assert apply(current, result)[0].kind == after
    assert [(k.field, k.current, k.file) for k in result.conflicts] == ([("kind", mine, theirs)] if conflict else [])
    if conflict:
        assert apply(current, plan(current, [c("x", Term("en", "X"), kind=theirs)], True))[0].kind == theirs


def test_another_preferred_term_is_a_conflict_until_prefer_file():
    current = [c("pristina", Term("en", "Pristina"), Term("sq", "Prishtinë"))]
    incoming = [c("pristina", Term("en", "Pristina"), Term("sq", "Prishtina"))]
    kept = plan(current, incoming)
    assert [(k.field, k.lang, k.current, k.file, k.applied) for k in kept.conflicts] == [
        ("preferred", "sq", "Prishtinë", "Prishtina", False)]
    assert apply(current, kept) == current and kept.changed == [] and kept.unchanged == []
    taken = apply(current, plan(current, incoming, prefer_file=True))[0]
    assert [(t.text, t.status) for t in taken.terms_in("sq")] == [("Prishtinë", "admitted"), ("Prishtina", "preferred")]


def test_status_form_and_subject_conflicts_report_both_values():
    current = [c("x", Term("en", "X", "admitted", {"gen": "Xs"}), subject="news")]
    incoming = [c("x", Term("en", "X", "deprecated", {"gen": "X's"}), subject="places")]
    result = plan(current, incoming)
    assert sorted((k.field, k.current, k.file) for k in result.conflicts) == [
        ("forms.gen", "Xs", "X's"), ("status", "admitted", "deprecated"), ("subject", "news", "places")]
    assert apply(current, result) == current
    taken = apply(current, plan(current, incoming, True))[0]
    assert (taken.terms[0].status, taken.terms[0].forms, taken.subject) == ("deprecated", {"gen": "X's"}, "places")


def test_case_insensitive_from_the_file_is_taken_sensitive_is_the_default():
    current = [c("d", Term("en", "Dialogue")), c("e", Term("en", "Entry", case_sensitive=False))]
    incoming = [c("d", Term("en", "Dialogue", case_sensitive=False)), c("e", Term("en", "Entry"))]
    merged = by_id(apply(current, plan(current, incoming)))
    assert not merged["d"].terms[0].case_sensitive and not merged["e"].terms[0].case_sensitive


def test_leaving_forbidden_keeps_one_preferred_term_per_language():
    current = [c("f", Term("en", "Bad"), Term("en", "Worse"), kind="forbidden")]
    merged = apply(current, plan(current, [c("f", Term("en", "Bad"), kind="keep")], prefer_file=True))
    validate(merged)
    assert [(t.text, t.status) for t in merged[0].terms] == [("Bad", "preferred"), ("Worse", "admitted")]


def test_the_plan_is_json():
    incoming = [c("kfor", Term("tr", "KFOR"), kind="forbidden", subject="x"), c("new", Term("en", "N"))]
    result = plan(load_seed(), incoming)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["counts"] == {"added": 1, "changed": 1, "removed": 0, "conflicts": 2, "unchanged": 0}
    assert data["changed"][0]["changes"][0] == {"field": "term", "lang": "tr", "term": "KFOR", "before": None,
                                                "after": {"text": "KFOR", "status": "preferred", "forms": {},
                                                          "case_sensitive": True, "note": ""}}
    assert result.summary()["ids"] == {"added": ["new"], "changed": ["kfor"], "removed": []}


# --- diff -------------------------------------------------------------------------------------------
def test_diff_names_added_removed_and_changed_fields():
    old = [c("a", Term("en", "A")), c("b", Term("en", "B", forms={"gen": "Bs"})), c("c", Term("en", "C"))]
    new = [c("b", Term("en", "B", "admitted"), Term("tr", "Be"), note="n"), c("c", Term("en", "C")),
           c("d", Term("en", "D"))]
    result = diff(old, new)
    assert [x.id for x in result.added] == ["d"] and [x.id for x in result.removed] == ["a"]
    assert result.unchanged == ["c"]
    assert [(ch.field, ch.lang, ch.before, ch.after) for ch in result.changed[0].changes] == [
        ("note", "", "", "n"), ("status", "en", "preferred", "admitted"), ("forms.gen", "en", "Bs", None),
        ("term", "tr", None, {"text": "Be", "status": "preferred", "forms": {}, "case_sensitive": True, "note": ""})]
    assert sorted(x.id for x in apply(old, result)) == ["b", "c", "d"]


# --- properties -------------------------------------------------------------------------------------
TEXTS = st.text(alphabet="aAbBšŠ", min_size=1, max_size=3)
TERMS = st.builds(Term, lang=st.sampled_from(LANGUAGES[:3]), text=TEXTS, status=st.sampled_from(STATUSES),
                  forms=st.dictionaries(st.sampled_from(["gen", "loc", "def"]), TEXTS, max_size=2),
                  case_sensitive=st.booleans(), note=st.sampled_from(["", "n1", "n2"]))
CONCEPTS = st.builds(Concept, id=st.sampled_from("abcdef"), kind=st.sampled_from(KINDS),
                     terms=st.lists(TERMS, min_size=1, max_size=4), note=st.sampled_from(["", "x", "y"]),
                     subject=st.sampled_from(["", "s", "t"]))


def repaired(concepts: list[Concept]) -> list[Concept]:
    """A valid glossary from any concepts: one concept per id, one preferred term per language, and
    each recognised term in one concept only."""
    out: list[Concept] = []
    seen_ids: set[str] = set()
    owner: dict[tuple[str, str], str] = {}
    for concept in concepts:
        if concept.id in seen_ids:
            continue
        preferred: set[str] = set()
        kept = []
        for t in concept.terms:
            if t.status == "preferred" and concept.kind != "forbidden":
                if t.lang in preferred:
                    t.status = "admitted"
                preferred.add(t.lang)
            key = (t.lang, t.text if t.case_sensitive else t.text.casefold())
            if t.status in ("preferred", "admitted") and owner.get(key, concept.id) != concept.id:
                continue
            kept.append(t)
        if not kept:
            continue
        for t in kept:
            if t.status in ("preferred", "admitted"):
                owner[(t.lang, t.text if t.case_sensitive else t.text.casefold())] = concept.id
        seen_ids.add(concept.id)
        out.append(Concept(concept.id, concept.kind, kept, concept.note, concept.subject))
    validate(out)
    return out


GLOSSARIES = st.lists(CONCEPTS, max_size=5).map(repaired)
SLOW = settings(max_examples=300, deadline=None)


@SLOW
@given(GLOSSARIES)
def test_merging_a_glossary_into_itself_changes_nothing(glossary):
    for prefer in (False, True):
        result = plan(glossary, glossary, prefer)
        assert (result.added, result.changed, result.conflicts) == ([], [], [])
        assert result.unchanged == [x.id for x in glossary]
        assert apply(glossary, result) == glossary


@SLOW
@given(GLOSSARIES, GLOSSARIES, st.booleans())
def test_merge_never_loses_a_term_and_gives_a_valid_glossary(glossary, incoming, prefer):
    merged = by_id(apply(glossary, plan(glossary, incoming, prefer)))
    validate(list(merged.values()))
    for before in glossary:
        after = merged[before.id]
        for term in before.terms:
            assert any(t.lang == term.lang and t.text == term.text for t in after.terms)


@SLOW
@given(GLOSSARIES, GLOSSARIES)
def test_without_prefer_file_conflicts_are_never_applied(glossary, incoming):
    result = plan(glossary, incoming)
    assert not any(k.applied for k in result.conflicts)
    merged = by_id(apply(glossary, result))
    for before in glossary:
        after = merged[before.id]
        assert (after.subject or before.subject) == after.subject and before.note in after.note
        assert after.kind == before.kind or before.kind == "translate"
        for term in before.terms:
            assert any(t.lang == term.lang and t.text == term.text and t.status == term.status
                       and term.forms.items() <= t.forms.items() and t.note.startswith(term.note)
                       and t.case_sensitive in (term.case_sensitive, False) for t in after.terms)


def distinct(concepts: list[Concept]) -> list[Concept]:
    """No concept names the same text twice in one language (which pairs terms up ambiguously)."""
    for concept in concepts:
        seen: set[tuple[str, str]] = set()
        concept.terms = [t for t in concept.terms
                         if (t.lang, t.text.casefold()) not in seen and not seen.add((t.lang, t.text.casefold()))]
    return concepts


@SLOW
@given(GLOSSARIES.map(distinct), GLOSSARIES.map(distinct))
def test_merging_the_same_file_twice_changes_nothing_the_second_time(glossary, incoming):
    first = plan(glossary, incoming)
    # two of the file's concepts in one glossary concept merge in the file's order: the second
    # may change what the first could do (a kind), so the same file can add more a second time
    assume(all(len(ids) == 1 for ids in first.joined.values()))
    once = apply(glossary, first)
    again = plan(once, incoming)
    assert (again.added, again.changed) == ([], [])


def test_spoken_readings_join_and_conflict():
    current = [c("biden", Term("en", "Biden"), Term("tr", "Biden")), c("cnn", Term("tr", "CNN", spoken="si-en-en"))]
    incoming = [c("biden", Term("tr", "Biden", spoken="baydın")), c("cnn", Term("tr", "CNN", spoken="ce-ne-ne"))]
    result = plan(current, incoming)
    merged = by_id(apply(current, result))
    assert merged["biden"].terms[1].spoken == "baydın"          # a reading the glossary lacked is added
    assert merged["cnn"].terms[0].spoken == "si-en-en"          # a different one is a conflict
    assert [(k.field, k.current, k.file) for k in result.conflicts] == [("spoken", "si-en-en", "ce-ne-ne")]
    assert by_id(apply(current, plan(current, incoming, True)))["cnn"].terms[0].spoken == "ce-ne-ne"
    assert plan(current, [c("cnn", Term("tr", "CNN"))]).conflicts == []  # a file without one changes nothing
