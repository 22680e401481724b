"""Serbian Latin <-> Cyrillic conversion (translate.serbian)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import translate.serbian
from tests.counting import module_work
from tests.fixtures.hostile_serbian import CYRILLIC, LATIN
from translate.serbian import KEEP_LATIN, mixed_words, to_cyrillic, to_latin, to_script

pytestmark = pytest.mark.unit

PAIRS = [
    ("Beograd", "Београд"),
    ("Priština", "Приштина"),
    ("Kosovska Mitrovica", "Косовска Митровица"),
    ("Gnjilane", "Гњилане"),
    ("Ljubljana", "Љубљана"),
    ("Đakovica", "Ђаковица"),
    ("Čačak", "Чачак"),
    ("Ćuprija", "Ћуприја"),
    ("Šabac", "Шабац"),
    ("Žabljak", "Жабљак"),
    ("Džep", "Џеп"),
    ("džamija", "џамија"),
    ("njiva", "њива"),
    ("konj", "коњ"),
    ("polje", "поље"),
    ("vojnici", "војници"),
    ("hleb", "хлеб"),
    ("fudbal", "фудбал"),
    ("Zvečan", "Звечан"),
    ("Leposavić", "Лепосавић"),
    ("Zubin Potok", "Зубин Поток"),
    ("Dečani", "Дечани"),
    ("Gazivode", "Газиводе"),
    ("general-major", "генерал-мајор"),
    ("Odluka je stupila na snagu 1. februara 2024. godine.",
     "Одлука је ступила на снагу 1. фебруара 2024. године."),
    ("„Ostaćemo ovde“, rekao je komandant.", "„Остаћемо овде“, рекао је командант."),
    ("Savet bezbednosti UN razmatrao je izveštaj.", "Савет безбедности УН разматрао је извештај."),
]

ALL_CAPS = [
    ("LJUBAV", "ЉУБАВ"),
    ("NJEGOŠ", "ЊЕГОШ"),
    ("DŽEP", "ЏЕП"),
    ("KONJ", "КОЊ"),
    ("POLJE NJIVA", "ПОЉЕ ЊИВА"),
    ("SRBIJA I KOSOVO", "СРБИЈА И КОСОВО"),
]

EXCEPTIONS = [
    ("injekcija", "инјекција"),
    ("Injekcija", "Инјекција"),
    ("INJEKCIJA", "ИНЈЕКЦИЈА"),
    ("nadživeti", "надживети"),
    ("podžupan", "поджупан"),
    ("odžaliti", "оджалити"),
    ("konjugacija", "конјугација"),
    ("konjunkcija", "конјункција"),
    ("Tanjug", "Танјуг"),
    ("vanjezički", "ванјезички"),
    ("konj", "коњ"),
    ("konji", "коњи"),
    ("injekcije i konji", "инјекције и коњи"),
]


@pytest.mark.parametrize(("latin", "cyrillic"), PAIRS + ALL_CAPS + EXCEPTIONS)
def test_latin_to_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic
    assert to_script(latin, "sr-Cyrl") == cyrillic


@pytest.mark.parametrize(("latin", "cyrillic"), PAIRS + ALL_CAPS + EXCEPTIONS)
def test_cyrillic_to_latin(latin, cyrillic):
    assert to_latin(cyrillic) == latin
    assert to_script(cyrillic, "sr-Latn") == latin


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Љубав", "Ljubav"),
    ("ЉУБАВ", "LJUBAV"),
    ("Љ", "Lj"),
    ("КОЊ.", "KONJ."),
    ("КОЊ, ЉУБАВ!", "KONJ, LJUBAV!"),
    ("ПОЉ", "POLJ"),
    ("Џ. Петровић", "Dž. Petrović"),
    ("Њ. Ђорђевић", "Nj. Đorđević"),
    ("НАТО Џамија", "NATO Džamija"),
])
def test_digraph_case(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("Pripadnici KFOR-a patroliraju.", "Припадници KFOR-а патролирају."),
    ("NATO i EULEX su saopštili.", "NATO и EULEX су саопштили."),
    ("Vesti na N1 i BBC.", "Вести на N1 и BBC."),
    ("Pišite na info@kfor.int ili posetite www.kfor-nato.org danas.",
     "Пишите на info@kfor.int или посетите www.kfor-nato.org данас."),
    ("Video je na https://eulex-kosovo.eu/vesti/jun sajtu.", "Видео је на https://eulex-kosovo.eu/vesti/jun сајту."),
    ("Ambasada u Washingtonu i New Yorku", "Амбасада у Washingtonu и New Yorku"),
    ("Novi iPhone stiže", "Нови iPhone стиже"),
    ("Kvarc i Wi-Fi mreža", "Кварц и Wi-Fi мрежа"),
    ("Evropska unija (EU) i UN", "Европска унија (ЕУ) и УН"),
])
def test_kept_latin(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_keep_argument():
    assert to_cyrillic("Marco Bellandi je posetio Dečane.", keep={"Marco", "Bellandi"}) == (
        "Marco Bellandi је посетио Дечане.")
    assert to_script("Marco je stigao", "sr-Cyrl", keep=["Marco"]) == "Marco је стигао"
    assert "KFOR" in KEEP_LATIN


@pytest.mark.parametrize("text", [
    "Komandant KFOR-a general-major Marko Belandi posetio je 9. oktobra granični prelaz Jarinje.",
    "Većina putnika su pripadnici dijaspore koji se vraćaju iz Nemačke, Švajcarske i Austrije.",
    "Džeparac, ljubav, njiva, đak, ćup, čaša, šešir, žaba.",
    "LJUBAV I NJIVA, DŽEP I ĐAK",
    "Injekcija, nadživeti i konjugacija su izuzeci.",
    "„Bezbednost manastira je naš prioritet“, izjavio je komandant.",
])
def test_round_trip_latin(text):
    assert to_latin(to_cyrillic(text)) == text


def test_non_letters_untouched():
    text = "12.000 — 3,5% (2024) !?"
    assert to_cyrillic(text) == text
    assert to_latin(text) == text


@pytest.mark.parametrize(("text", "tag", "expected"), [
    ("Beograd i Priština", "sr-Latn", []),
    ("Beograd i Приштина", "sr-Latn", ["Приштина"]),
    ("Bеоgrad", "sr-Latn", ["Bеоgrad"]),           # Cyrillic е and о inside a Latin word
    ("Београд и Приштина", "sr-Cyrl", []),
    ("Београд и Pristina", "sr-Cyrl", ["Pristina"]),
    ("Припадници KFOR-а и NATO патролирају.", "sr-Cyrl", []),
    ("Припадници KFOR-a патролирају.", "sr-Cyrl", ["KFOR-a"]),  # Latin ending on a kept acronym
    ("Одлука NATO-saveza", "sr-Cyrl", ["NATO-saveza"]),
    ("Вести на N1, сајт www.rts.rs, пошта info@kfor.int", "sr-Cyrl", []),
    ("Marco је стигао", "sr-Cyrl", ["Marco"]),
    ("Београд и Washington", "sr-Cyrl", []),      # words with w/q/x/y are foreign names, kept
])
def test_mixed_words(text, tag, expected):
    assert mixed_words(text, tag) == expected


def test_mixed_words_keep():
    assert mixed_words("Marco је стигао", "sr-Cyrl", keep={"Marco"}) == []


def test_converted_text_is_clean():
    text = "Pripadnici KFOR-a i EULEX-a sastali su se u Zvečanu sa predstavnicima N1."
    assert mixed_words(to_cyrillic(text), "sr-Cyrl") == []
    assert mixed_words(to_latin(to_cyrillic(text)), "sr-Latn") == []


_LOWER = "абвгдђежзијклљмнњопрстћуфхцчџш"
# Cyrillic pairs whose Latin spelling reads back as a digraph: н+ј (nj), л+ј (lj), д+ж (dž).
_AMBIGUOUS = ("нј", "лј", "дж")
# Word starts that the converter deliberately reads as two letters (nadživeti, injekcija, ...).
_EXCEPTION_STARTS = ("наџ", "поџ", "оџ", "ињ", "коњуг", "коњунк", "вањез", "тањуг")


@st.composite
def cyrillic_words(draw):
    word = draw(st.text(alphabet=_LOWER, min_size=1, max_size=12))
    assume(not any(pair in word for pair in _AMBIGUOUS))
    assume(not word.startswith(_EXCEPTION_STARTS))
    return word.capitalize() if draw(st.booleans()) else word


@given(st.lists(cyrillic_words(), min_size=1, max_size=8), st.sampled_from([" ", ", ", ". ", "-"]))
@settings(max_examples=300)
def test_round_trip_generated_words(words, sep):
    cyrillic = sep.join(words)
    latin = to_latin(cyrillic)
    assert not any(c in _LOWER + _LOWER.upper() for c in latin)
    assert to_cyrillic(latin) == cyrillic
    assert to_latin(to_cyrillic(latin)) == latin


def test_wi_fi_kept_whole():
    assert mixed_words("Кварц и Wi-Fi мрежа", "sr-Cyrl") == []


# What the module keeps as URLs, e-mail addresses and domain names: this regex's matches, which it finds without it.
_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\S+\.(?:com|org|net|rs|info)\b\S*")
_URL_BITS = ["http://", "https://", "www.", "http:/", "@", ".", "..", "+", "-", "_", "a", "Š", "1", "com", "rs",
             "info", "org", ".comx", " ", ",", "/", ":", "'", "\u00a0", "\t"]


@given(st.lists(st.sampled_from(_URL_BITS), max_size=20).map("".join))
@settings(max_examples=500)
def test_kept_addresses_are_the_regex_matches(text):
    assert translate.serbian._split_urls(text) == re.split(f"({_URLISH.pattern})", text)


@pytest.mark.parametrize(("text", "kept"), [
    ("a@b.c+d@e.f", ["a@b.c", "+d@e.f"]),                 # the second address starts where the first ends
    ("a@b.c,x.com", ["a@b.c", ",x.com"]),                 # a domain name from the end of an address
    ("a@b.c,d@e.f,x", ["a@b.c", "d@e.f"]),
    ("www.a@b.c,d", ["www.a@b.c,d"]),                     # a URL runs on past the address at the same place
    ("xwww.a,b", ["www.a,b"]),                            # a URL inside a run of address characters
    ("a.comx.rs", ["a.comx.rs"]), ("a.comx", []), (".com", []), ("www.", []), ("http://", []),
])
def test_kept_addresses_in_one_token(text, kept):
    assert translate.serbian._split_urls(text)[1::2] == kept == _URLISH.findall(text)


_PUBLIC = {  # to_script is to_latin or to_cyrillic
    "to_cyrillic": to_cyrillic,
    "mixed_words sr-Cyrl": lambda text: mixed_words(text, "sr-Cyrl"),
    "to_latin": to_latin,
    "mixed_words sr-Latn": lambda text: mixed_words(text, "sr-Latn"),
}
_CASES = [(shape, name) for shape in LATIN for name in ("to_cyrillic", "mixed_words sr-Cyrl")]
_CASES += [(shape, name) for shape in CYRILLIC for name in ("to_latin", "mixed_words sr-Latn")]


@pytest.mark.parametrize(("shape", "name"), _CASES, ids=[f"{name} {shape}" for shape, name in _CASES])
def test_work_grows_linearly(shape, name):
    """The work on 80,000 characters is at most 4.5 times the work on 20,000: about 4 when it is linear, 16 when it is
    quadratic."""
    make, function = (LATIN | CYRILLIC)[shape], _PUBLIC[name]
    small, large = (module_work(translate.serbian, lambda n=n: function(make(n))) for n in (20_000, 80_000))
    for key in small:
        assert large[key] <= 4.5 * small[key], (key, small, large)


@pytest.mark.parametrize(("pattern", "text"), [
    (translate.serbian._URLISH_TOKEN, "a" * 2000 + "@b.c"),
    (translate.serbian._URLISH_TOKEN, "." * 2000 + "com"),
    (translate.serbian._NEXT_URL_OR_EMAIL, "a" * 2000 + "@b.c"),
], ids=["token with @", "token with a domain", "address"])
def test_a_match_starts_only_at_the_start_of_a_run(pattern, text):
    """The counts above take one scan of a long token as reading it once. But a scan whose match fails at the end of
    the token starts again from each of its characters and reads on to the end each time (quadratic, as with the
    regex _URLISH, whose match can start at every character here), unless a match can start at the token's first
    character only. Here the match succeeds, to see where it can start. (The module's other scans read one character
    from each start, or, _WORD, take a whole run of letters from its first.)"""
    assert [i for i in range(len(text)) if pattern.match(text, i)] == [0]
    assert len([i for i in range(len(text)) if _URLISH.match(text, i)]) > 1000
