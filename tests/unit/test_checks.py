"""The newsroom checks (translate/checks), each on its own, in the four languages."""

from __future__ import annotations

import pytest

from translate import checks, qa
from translate.checks import datetimes, names, placeables, punctuation
from translate.engine import Translation

pytestmark = pytest.mark.unit


# --- end punctuation ------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "src", "tgt", "expected"), [
    ("The border crossing reopened.", "Sınır kapısı yeniden açıldı.", "en", "tr", []),
    ("The border crossing reopened.", "Sınır kapısı yeniden açıldı", "en", "tr", ["end_stop"]),
    ("A u hapën kufijtë?", "Were the borders opened.", "sq", "en", ["end_question"]),
    ("Granica je otvorena!", "Kufiri u hap.", "sr-Latn", "sq", ["end_exclamation"]),
    ("Bakan şunu söyledi:", "Министар је рекао", "tr", "sr-Cyrl", ["end_colon"]),
    ("Razgovori se nastavljaju…", "The talks go on.", "sr-Latn", "en", ["end_ellipsis"]),
    ("He said: “We will return.”", "Dedi ki: “Döneceğiz.”", "en", "tr", []),
    ("Sastanak 9. oktobra 2025.", "The meeting on 9 October 2025", "sr-Latn", "en", []),
    ("The meeting on 9 October 2025", "Sastanak 9. oktobra 2025.", "en", "sr-Latn", []),
])
def test_end_punctuation(source, target, src, tgt, expected):
    assert punctuation.end_punctuation(source, target, src, tgt) == expected


# --- quotation marks --------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "tgt", "expected"), [
    ("He said “no”.", "Rekao je „ne“.", "sr-Latn", []),
    ("He said “no”.", "Рекао је \"не\".", "sr-Cyrl", ["quotes"]),
    ("He said “no”.", "Ai tha “jo”.", "sq", []),
    ("He said “no”.", "Ai tha „jo“.", "sq", ["quotes"]),
    ("Rekao je „ne“.", "“Hayır” dedi.", "tr", []),
    ("Rekao je „ne“.", "\"Hayır\" dedi.", "tr", ["quotes"]),
    ("Ai tha “jo”.", "He said \"no\".", "en", []),
    ("Ai tha “jo”.", "He said no.", "en", ["quotes"]),
])
def test_quotes_of_the_target_language(source, target, tgt, expected):
    assert punctuation.quotes(source, target, tgt) == expected


def test_quote_marks_are_configurable_per_language():
    assert punctuation.quotes("He said “no”.", "Ai tha «jo».", "sq") == ["quotes"]
    assert punctuation.quotes("He said “no”.", "Ai tha «jo».", "sq", {"sq": "«»“”"}) == []
    assert punctuation.quote_marks("sr-Cyrl", {"sr": "»«"}) == "»«"


# --- brackets and balance -------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "expected"), [
    ("KFOR (NATO) patrols.", "KFOR (NATO) devriye geziyor.", []),
    ("KFOR (NATO) patrols.", "KFOR (NATO devriye geziyor.", ["brackets"]),
    ("Policia [e Kosovës] tha.", "Policija [Kosova] je rekla.", []),
    ("Policia [e Kosovës] tha.", "Policija ]Kosova[ je rekla.", ["brackets"]),
    ("Rekao je „ne“.", "Ai tha “jo.", ["unbalanced_quotes"]),
    ("He said “no.", "Dedi ki “hayır.", []),  # the source's quotation runs on: so may the target's
])
def test_brackets_and_quotes_balance(source, target, expected):
    assert punctuation.brackets(source, target) == expected


# --- spaces and capitals -------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "expected"), [
    ("The talks resumed.", "Müzakereler  yeniden başladı.", ["double_space"]),
    ("Bisedimet rifilluan.", "Razgovori su nastavljeni.", []),
    ("Talks  resumed.", "Bisedimet  rifilluan.", []),
    ("Разговори су настављени.", "The talks  resumed.", ["double_space"]),
])
def test_double_space(source, target, expected):
    assert punctuation.double_space(source, target) == expected


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("The talks resumed.", " Müzakereler başladı.", ["begin_space"]),
    ("Bisedimet rifilluan.", "Razgovori su nastavljeni. ", ["end_space"]),
    ("Разговори су настављени.", "The talks resumed.", []),
    ("Görüşmeler başladı.", "\tBisedimet rifilluan.\t", ["begin_space", "end_space"]),
])
def test_leading_and_trailing_space(source, target, expected):
    assert punctuation.spaces(source, target) == expected


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("The talks resumed.", "müzakereler başladı.", ["capital_start"]),
    ("Bisedimet rifilluan.", "Razgovori su nastavljeni.", []),
    ("„Razgovori“ su nastavljeni.", "“the talks” resumed.", ["capital_start"]),
    ("4.500 asker geldi.", "4,500 soldiers came.", []),
    ("iPhone satışları arttı.", "iPhone sales rose.", []),
    ("Разговори су настављени.", "bisedimet rifilluan.", ["capital_start"]),
])
def test_capital_start(source, target, expected):
    assert punctuation.capital_start(source, target) == expected


# --- URLs, e-mail, handles, hashtags -------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "expected"), [
    ("Read more at https://example.org/kosovo.", "Daha fazlası https://example.org/kosovo adresinde.", []),
    ("Read more at https://example.org/kosovo.", "Më shumë në https://example.org/kosova.", ["urls"]),
    ("Pišite na press@example.org.", "Write to press@example.org.", []),
    ("Pišite na press@example.org.", "Write to press@example.com.", ["emails"]),
    ("Пратите @KFOR_Kosovo и #Kosovo.", "Follow @KFOR_Kosovo and #Kosovo.", []),
    ("Пратите @KFOR_Kosovo и #Kosovo.", "Follow KFOR and #Kosova.", ["mentions", "hashtags"]),
    ("Ndiqni #Zgjedhjet2025 dhe numrin #5.", "#Zgjedhjet2025 ve 5 numarayı takip edin.", []),
])
def test_placeables(source, target, expected):
    assert placeables.placeables(source, target) == expected


# --- dates and times (CLDR) ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Seçim 9 Ekim 2025 günü yapılacak.", "tr", [(2025, 10, 9)]),
    ("The vote is on 9 October 2025.", "en", [(2025, 10, 9)]),
    ("The vote is on October 9, 2025.", "en", [(2025, 10, 9)]),
    ("Glasanje je 9. oktobra 2025.", "sr-Latn", [(2025, 10, 9)]),
    ("Гласање је 9. октобар 2025.", "sr-Cyrl", [(2025, 10, 9)]),
    ("Votimi është më 9 tetor 2025.", "sq", [(2025, 10, 9)]),
    ("Votimi i 9 tetorit.", "sq", [(None, 10, 9)]),
    ("Ekim'de yapılacak.", "tr", []),          # a month alone is no date to compare
    ("It may rain on 9 May.", "en", [(None, 5, 9)]),
    ("Rok je 09.10.2025.", "sr-Latn", [(2025, 10, 9)]),
])
def test_dates_are_read_in_each_language(text, lang, expected):
    assert [v for _, v in datetimes._distinct(datetimes.dates(text, lang))] == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Toplantı saat 14.30'da başlıyor.", "tr", [(14, 30)]),
    ("The meeting starts at 2.30 p.m.", "en", [(14, 30)]),
    ("The meeting starts at 2 p.m.", "en", [(14, 0)]),
    ("Sastanak počinje u 14.30 časova.", "sr-Latn", [(14, 30)]),
    ("Takimi fillon në orën 14:30.", "sq", [(14, 30)]),
    ("Prices rose 14.30 percent.", "en", []),   # an English decimal, not a time
])
def test_times_are_read_in_each_language(text, lang, expected):
    assert [v for _, v in datetimes._distinct(datetimes.times(text, lang))] == expected


@pytest.mark.parametrize(("source", "target", "src", "tgt", "expected"), [
    ("Seçim 9 Ekim 2025 günü.", "The vote on 9 October 2025.", "tr", "en", []),
    ("The vote on 9 October 2025.", "Glasanje 9. oktobra 2025.", "en", "sr-Latn", []),
    ("The vote on 9 October 2025.", "Votimi më 9 tetor 2025.", "en", "sq", []),
    ("The vote on 9 October 2025.", "Votimi më 19 tetor 2025.", "en", "sq", ["date_mismatch"]),
    ("Glasanje 9. oktobra 2025.", "Seçim 9 Kasım 2025 günü.", "sr-Latn", "tr", ["date_mismatch"]),
])
def test_date_mismatch(source, target, src, tgt, expected):
    assert datetimes.date_mismatch(source, target, src, tgt) == expected


@pytest.mark.parametrize(("source", "target", "src", "tgt", "expected"), [
    ("Saat 14.30'da.", "At 2.30 p.m.", "tr", "en", []),
    ("At 2.30 p.m.", "U 14.30 časova.", "en", "sr-Latn", []),
    ("At 2.30 p.m.", "Në orën 14:30.", "en", "sq", []),
    ("At 2.30 p.m.", "Në orën 2:30.", "en", "sq", ["time_mismatch"]),
])
def test_time_mismatch(source, target, src, tgt, expected):
    assert datetimes.time_mismatch(source, target, src, tgt) == expected


@pytest.mark.parametrize(("source", "target", "src", "tgt"), [
    ("Seçim 9 Ekim 2025 saat 14.30'da, 4.500 seçmen.", "The vote on 9 October 2025 at 2.30 p.m., 4,500 voters.",
     "tr", "en"),
    ("On 9 October 2025 at 2.30 p.m., 4,500 voters.", "9. oktobra 2025. u 14.30, 4.500 birača.", "en", "sr-Latn"),
])
def test_dates_and_times_are_not_numbers_to_compare(source, target, src, tgt):
    assert qa.check(source, Translation(target), src, tgt) == []


def test_numbers_use_cldr_decimal_marks():
    assert qa.numbers("3,5 përqind", "sq") == qa.numbers("3.5 percent", "en") == qa.numbers("3,5 odsto", "sr-Latn")


# --- names -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "target", "src", "expected"), [
    ("The talks in Brussels were led by Lajčák.", "Müzakereleri Brüksel'de Lajčák yönetti.", "en", []),
    ("The talks were led by Lajčák.", "Müzakereleri AB temsilcisi yönetti.", "en", ["name_missing"]),
    ("Kryeministri Kurti foli në Prizren.", "Premijer Kurti je govorio u Prizrenu.", "sq", []),
    ("Kryeministri Kurti foli në Prizren.", "Premijer je govorio u Prizrenu.", "sq", ["name_missing"]),
    ("Председник Вучић је био у Нишу.", "President Vučić was in Niš.", "sr-Cyrl", []),
    ("Председник Вучић је био у Нишу.", "The president was in Niš.", "sr-Cyrl", ["name_missing"]),
    ("Cumhurbaşkanı Erdoğan Pazartesi günü Ankara'da konuştu.", "Presidenti Erdogan foli të hënën në Ankara.",
     "tr", []),
    ("Erdoğan Ankara'da konuştu.", "Presidenti foli në Ankara.", "tr", []),  # a sentence's first word is not judged
])
def test_name_missing(source, target, src, expected):
    assert names.name_missing(source, target, src) == expected


@pytest.mark.parametrize(("text", "lang"), [
    ("Ushtarët e KFOR-it patrulluan pranë Mitrovicës me Sinan-Pashën.", "sq"),
    ("Pripadnici KFOR-a su bili u Prizrenu.", "sr-Latn"),
    ("Србија сарађује са NATO-ом преко Шар-планине.", "sr-Cyrl"),
    ("The EU-facilitated talks met in Brussels.", "en"),
])
def test_a_name_with_a_suffix_is_found_in_an_exact_copy(text, lang):
    assert names.name_missing(text, text, lang) == []


def test_glossary_terms_are_not_names_to_check():
    assert names.name_missing("The talks in Brussels.", "Razgovori u Briselu.", "en") == ["name_missing"]
    assert names.name_missing("The talks in Brussels.", "Razgovori u Briselu.", "en", {"Brussels"}) == []


def test_run_orders_flags_and_qa_rechecks_them():
    found = checks.run("He said: “Go to https://example.org now.”", "Dedi ki Git", "en", "tr")
    assert found == ["end_stop", "quotes", "urls"]
    assert set(found) <= set(qa.ALL_FLAGS)
