"""Finding glossary terms in sentences, with the seed glossary."""

from __future__ import annotations

import pytest

from glossary.match import Matcher
from glossary.model import Concept, Term
from glossary.seed import load_seed

pytestmark = pytest.mark.unit
SEED = load_seed()


def found(text, lang):
    return [(m.text, m.concept.id, m.tag, m.suffix) for m in Matcher(SEED, lang).find(text)]


def test_longest_match_first():
    assert found("The Belgrade-Pristina Dialogue resumed.", "en") == [
        ("Belgrade-Pristina Dialogue", "belgrade-pristina-dialogue", "base", "")]
    assert found("North Mitrovica and Mitrovica", "en") == [("North Mitrovica", "north-mitrovica", "base", "")]


def test_word_boundaries():
    assert found("Kosovars and Serbians met in Belgrade.", "en") == [("Belgrade", "belgrade", "base", "")]
    assert found("NATOs and KFORS", "en") == []


def test_case_rules():
    assert found("the belgrade-pristina dialogue", "en")[0][1] == "belgrade-pristina-dialogue"  # insensitive
    assert found("pristina kfor", "en") == []                                                  # sensitive
    assert found("PRISTINA, Kosovo", "en")[0][:2] == ("PRISTINA", "pristina")                   # dateline capitals


@pytest.mark.parametrize("text,lang,expected", [
    ("KFOR'un askerleri", "tr", ("KFOR'un", "kfor", "base", "un")),
    ("Priştine'de toplantı", "tr", ("Priştine'de", "pristina", "base", "de")),
    ("Belgrad’dan döndü", "tr", ("Belgrad’dan", "belgrade", "base", "dan")),
    ("në Prishtinës", "sq", ("Prishtinës", "pristina", "def.gen", "")),
    ("ushtarët e KFOR-it", "sq", ("KFOR-it", "kfor", "def.gen", "")),
    ("e Kosovës", "sq", ("Kosovës", "kosovo", "def.gen", "")),
    ("u Prištini", "sr-Latn", ("Prištini", "pristina", "dat|loc", "")),
    ("sa Kosova", "sr-Latn", ("Kosova", "kosovo", "gen", "")),
    ("у Приштини", "sr-Cyrl", ("Приштини", "pristina", "dat|loc", "")),
    ("snage NATO-a", "sr-Latn", ("NATO-a", "nato", "gen", "")),
])
def test_inflected_source_forms(text, lang, expected):
    assert found(text, lang)[0] == expected


def test_hyphen_suffix_only_on_acronyms():
    concepts = [Concept("x", "keep", [Term("sq", "OSBE")]), Concept("p", "translate", [Term("sq", "Peja")])]
    matches = Matcher(concepts, "sq").find("OSBE-ja dhe Peja-Prizren")
    assert [(m.text, m.suffix) for m in matches] == [("OSBE-ja", "ja"), ("Peja", "")]


def test_forbidden_and_deprecated_terms_are_found_and_flagged():
    matches = Matcher(SEED, "tr").find("Priştina'da ve Priştine'de")
    assert [(m.text, m.flagged) for m in matches] == [("Priştina'da", True), ("Priştine'de", False)]


def test_keep_concepts_match_in_every_language():
    for lang in ("en", "tr", "sq", "sr-Latn", "sr-Cyrl"):
        assert Matcher(SEED, lang).find("NATO")[0].concept.id == "nato"
