"""Finding glossary terms in sentences, with the seed glossary."""

from __future__ import annotations

import pytest

import glossary.match
from glossary.match import Matcher
from glossary.model import Concept, Term
from glossary.seed import load_seed
from tests.counting import CountingPattern, module_work, new_work

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


# --- acronyms the Serbian press reads as words and inflects as nouns -------------------------------------
@pytest.mark.parametrize("text,lang,expected", [
    ("Komandant Kfora obišao je prelaz kod Rudnice.", "sr-Latn", ("Kfora", "kfor", "gen")),
    ("Meštani su se za pomoć obratili Kforu.", "sr-Latn", ("Kforu", "kfor", "dat|loc")),
    ("Predsednik se sastao sa Kforom u Zvečanu.", "sr-Latn", ("Kforom", "kfor", "ins")),
    ("Portparolka Kfor-a nije odgovorila na pitanja.", "sr-Latn", ("Kfor-a", "kfor", "gen")),
    ("Oklopna vozila KFOR-a prošla su kroz selo.", "sr-Latn", ("KFOR-a", "kfor", "gen")),
    ("POJAČANE PATROLE KFORA NA SEVERU", "sr-Latn", ("KFORA", "kfor", "gen")),
    ("Kfor je saopštio da je situacija mirna.", "sr-Latn", ("Kfor", "kfor", "base")),
    ("Mandat Euleksa ističe sledećeg leta.", "sr-Latn", ("Euleksa", "eulex", "gen")),
    ("Arhiva Unmika predata je opštini.", "sr-Latn", ("Unmika", "unmik", "gen")),
    ("Generalni sekretar NATO-a doputovao je u Skoplje.", "sr-Latn", ("NATO-a", "nato", "gen")),
    ("Командант Кфора обишао је прелаз код Руднице.", "sr-Cyrl", ("Кфора", "kfor", "gen")),
    ("Мештани су се за помоћ обратили Кфору.", "sr-Cyrl", ("Кфору", "kfor", "dat|loc")),
    ("Портпаролка Кфор-а није одговорила.", "sr-Cyrl", ("Кфор-а", "kfor", "gen")),
    ("Возила КФОР-а прошла су кроз село.", "sr-Cyrl", ("КФОР-а", "kfor", "gen")),
    ("ПОЈАЧАНЕ ПАТРОЛЕ КФОРА НА СЕВЕРУ", "sr-Cyrl", ("КФОРА", "kfor", "gen")),
    ("НАТО је објавио нови план вежби.", "sr-Cyrl", ("НАТО", "nato", "base")),
    ("Генерални секретар НАТО-а допутовао је у Скопље.", "sr-Cyrl", ("НАТО-а", "nato", "gen")),
    ("Еулекс је преузео још један предмет.", "sr-Cyrl", ("Еулекс", "eulex", "base")),
    ("Мандат Еулекса истиче следећег лета.", "sr-Cyrl", ("Еулекса", "eulex", "gen")),
    ("Унмик је објавио извештај.", "sr-Cyrl", ("Унмик", "unmik", "base")),
    ("Архива Унмика предата је општини.", "sr-Cyrl", ("Унмика", "unmik", "gen")),
    ("Vozila KFOR-а прошла су.", "sr-Cyrl", ("KFOR-а", "kfor", "gen")),  # the house spelling itself
])
def test_serbian_acronyms_read_as_words(text, lang, expected):
    assert expected in [(m.text, m.concept.id, m.tag) for m in Matcher(SEED, lang).find(text)]


def test_serbian_variants_are_admitted_and_the_house_spelling_preferred():
    kfor = next(c for c in SEED if c.id == "kfor")
    assert kfor.preferred("sr-Cyrl").text == "KFOR"  # the newsroom writes KFOR in Cyrillic text too
    assert {t.text for t in kfor.terms_in("sr-Cyrl", ("admitted",))} == {"КФОР", "Кфор"}
    assert {t.text for t in kfor.terms_in("sr-Latn", ("admitted",))} == {"Kfor"}
    nato = next(c for c in SEED if c.id == "nato")
    assert [t.text for t in nato.terms_in("sr-Cyrl")] == ["NATO", "НАТО"]


def test_an_unlisted_ending_after_a_hyphen_stays_on_acronyms_only():
    matches = Matcher(SEED, "sr-Latn").find("Kfor-ovci i KFOR-NATO vežba, Kfor-e.")
    assert [(m.text, m.suffix) for m in matches] == [("Kfor", ""), ("KFOR", ""), ("NATO", ""), ("Kfor", "")]


# --- multi-word terms, inflected ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,lang,expected", [
    ("Protesta në Mitrovicën e Veriut zgjati dy orë.", "sq", ("Mitrovicën e Veriut", "north-mitrovica", "def.acc")),
    ("Kryetari i Mitrovicës së Veriut dha dorëheqje.", "sq",
     ("Mitrovicës së Veriut", "north-mitrovica", "def.gen")),
    ("Kosova synon anëtarësimin në Bashkimin Evropian.", "sq", ("Bashkimin Evropian", "eu", "def.acc")),
    ("Zakon Evropske unije stupa na snagu u julu.", "sr-Latn", ("Evropske unije", "eu", "gen")),
    ("Srbija pregovara sa Evropskom unijom od 2014.", "sr-Latn", ("Evropskom unijom", "eu", "ins")),
    ("Министри Европске уније састали су се у петак.", "sr-Cyrl", ("Европске уније", "eu", "gen")),
    ("Мост у Северној Митровици поново је затворен.", "sr-Cyrl", ("Северној Митровици", "north-mitrovica", "dat|loc")),
    ("Avrupa Birliğinin yeni kararı açıklandı.", "tr", ("Avrupa Birliğinin", "eu", "gen")),
    ("Heyet Avrupa Birliğinden ayrıldı.", "tr", ("Avrupa Birliğinden", "eu", "abl")),
    ("The European Union opened a new chapter.", "en", ("European Union", "eu", "base")),
])
def test_inflected_multiword_terms(text, lang, expected):
    assert expected in [(m.text, m.concept.id, m.tag) for m in Matcher(SEED, lang).find(text)]


def test_multiword_terms_across_any_white_space():
    found = Matcher(SEED, "sr-Latn").find("Ambasador Evropske\u00a0unije i delegacija Evropske \n unije.")
    assert [(m.text, m.form) for m in found] == [("Evropske\u00a0unije", "Evropske unije"),
                                                 ("Evropske \n unije", "Evropske unije")]


# --- typed without diacritics: found, and flagged as a spelling to fix -------------------------------------
@pytest.mark.parametrize("text,lang,expected", [
    ("Protestuesit u mblodhen ne Prishtine.", "sq", ("Prishtine", "pristina", "Prishtinë")),
    ("Qeveria e Kosoves miratoi buxhetin.", "sq", ("Kosoves", "kosovo", "Kosovës")),
    ("Sastanak u Pristini odložen je za ponedeljak.", "sr-Latn", ("Pristini", "pristina", "Prištini")),
    ("Pristina je danas bez struje.", "sr-Latn", ("Pristina", "pristina", "Priština")),
    ("Predsednik opštine Zvecan podneo je ostavku.", "sr-Latn", ("Zvecan", "zvecan", "Zvečan")),
    ("Pristine'de toplantı yapıldı.", "tr", ("Pristine'de", "pristina", "Priştine'de")),
    ("Sirbistan'in tutumu değişmedi.", "tr", ("Sirbistan'in", "serbia", "Sırbistan'ın")),  # harmony mended
    ("PRISTINE'DE TOPLANTI", "tr", ("PRISTINE'DE", "pristina", "PRİŞTİNE'DE")),
    ("Officials from Turkiye arrived on Monday.", "en", ("Turkiye", "turkiye", "Türkiye")),
])
def test_text_without_diacritics_is_found_and_flagged(text, lang, expected):
    matches = Matcher(SEED, lang).find(text)
    assert [(m.text, m.concept.id, m.respell) for m in matches] == [expected]
    assert matches[0].misspelt and not matches[0].flagged


def test_right_spellings_are_not_flagged():
    for text, lang in [("Qeveria e Kosovës në Prishtinë.", "sq"), ("Sastanak u Prištini.", "sr-Latn"),
                       ("Priştine'de ve Sırbistan'da.", "tr"), ("Zvecan and Zvečan.", "en")]:
        assert [m.misspelt for m in Matcher(SEED, lang).find(text)] in ([False, False], [False])


def test_case_insensitive_turkish_terms_in_capitals():
    matcher = Matcher(SEED, "tr")
    [right] = matcher.find("BELGRAD-PRİŞTİNE DİYALOĞUNDA yeni tur")
    assert (right.concept.id, right.tag, right.misspelt) == ("belgrade-pristina-dialogue", "loc", False)
    [dotless] = matcher.find("BELGRAD-PRISTINE DIYALOGUNDA yeni tur")
    assert (dotless.concept.id, dotless.respell) == ("belgrade-pristina-dialogue", "Belgrad-Priştine Diyaloğunda")


def test_dj_for_serbian_dj_letter():
    concepts = [Concept("djakovica", "translate", [Term("sr-Latn", "Đakovica", forms={"gen": "Đakovice"})])]
    matches = Matcher(concepts, "sr-Latn").find("Put do Djakovice i Dakovice, pa Đakovice.")
    assert [(m.text, m.respell) for m in matches] == [("Djakovice", "Đakovice"), ("Dakovice", "Đakovice"),
                                                       ("Đakovice", "")]


# --- after a quote or an apostrophe, inside a compound ----------------------------------------------------
@pytest.mark.parametrize("text,lang,expected", [
    ("'NATO peacekeepers will stay,' the envoy said.", "en", ["NATO"]),
    ("Two non-NATO states joined the talks.", "en", ["NATO"]),
    ("The NATO-led mission marked its anniversary.", "en", ["NATO"]),  # the compound stays whole around it
    ("Talks on the Belgrade-Pristina railway resumed.", "en", ["Belgrade", "Pristina"]),
    ("Gazeta shkroi 'Kosova' me shkronja të mëdha.", "sq", ["Kosova"]),
    ("Ai tha: 'NATO-ja mbetet këtu'.", "sq", ["NATO-ja"]),
    ("Manşet 'NATO'nun yeni rolü' oldu.", "tr", ["NATO'nun"]),
    ("Gazete 'Kosova' kelimesini kullandı.", "tr", ["Kosova"]),
    ("Održan je anti-NATO skup u Beogradu.", "sr-Latn", ["NATO", "Beogradu"]),
    ("'Kfor ostaje na severu', rekao je general.", "sr-Latn", ["Kfor"]),
    ("„Кфор остаје“, рекао је генерал, 'НАТО-а нема'.", "sr-Cyrl", ["Кфор", "НАТО-а"]),
])
def test_after_a_quote_or_inside_a_compound(text, lang, expected):
    assert [m.text for m in Matcher(SEED, lang).find(text)] == expected


def test_english_hyphenated_compounds_keep_their_second_part():
    [match] = Matcher(SEED, "en").find("NATO-led troops")
    assert (match.text, match.end, match.suffix) == ("NATO", 4, "")


# --- linear work ---------------------------------------------------------------------------------------------
HOSTILE = {
    "acronyms and hyphens": lambda n: ("KFOR-NATO-Kfor-a-" * n)[:n],
    "quotes": lambda n: "'" * n,
    "names and apostrophes": lambda n: ("Kosova'NATO'" * n)[:n],
    "spaces inside a term": lambda n: "Evropske" + " " * n + "x",
    "unfinished multi-word terms": lambda n: ("Evropske Savet bezbednosti " * n)[:n],
    "letters without diacritics": lambda n: ("Pristin" * n)[:n],
    "one long word": lambda n: "K" * n,
}


def _work(matcher: Matcher, text: str) -> dict[str, int]:
    """The lines of glossary.match run, and the calls and characters of the matcher's own scans."""
    work = new_work()
    originals = [scan.pattern for scan in matcher._scans]
    for scan in matcher._scans:
        scan.pattern = CountingPattern(scan.pattern, work)
    try:
        return {**module_work(glossary.match, lambda: matcher.find(text)), **work}
    finally:
        for scan, pattern in zip(matcher._scans, originals, strict=True):
            scan.pattern = pattern


@pytest.mark.parametrize("lang", ["en", "tr", "sq", "sr-Latn"])
@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_matching_work_grows_linearly(shape, lang):
    """The work on 20,000 characters is at most 4.5 times the work on 5,000: about 4 when it is linear, 16 when
    it is quadratic (as choosing the longest matches among all found was before)."""
    matcher, make = Matcher(SEED, lang), HOSTILE[shape]
    small, large = (_work(matcher, make(n)) for n in (5_000, 20_000))
    for key in small:
        assert large[key] <= 4.5 * small[key], (key, small, large)
