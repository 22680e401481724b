"""QA flags on single segments."""

from __future__ import annotations

import pytest

from translate import qa
from translate.engine import Translation

pytestmark = pytest.mark.unit


def flags(source, target, src="en", tgt="tr", **kw):
    return qa.check(source, Translation(target, **kw), src, tgt)


def test_clean_segment_has_no_flags():
    assert flags("KFOR has 4,500 troops in Kosovo.", "KFOR'un Kosova'da 4.500 askeri var.") == []


@pytest.mark.parametrize("src,tgt,a,b", [
    ("4,500 troops and 3.5 percent", "4.500 asker ve yüzde 3,5", "en", "tr"),
    ("1.2 million euros", "1,2 milion euro", "en", "sq"),
    ("on Oct. 9, 2024", "9. oktobra 2024.", "en", "sr-Latn"),
    ("4.500 asker", "4,500 soldiers", "tr", "en"),
])
def test_numbers_match_across_locales(src, tgt, a, b):
    assert qa.numbers(src, a) == qa.numbers(tgt, b)


def test_number_mismatch():
    assert qa.NUMBER_MISMATCH in flags("KFOR has 4,500 troops.", "KFOR'un 450 askeri var.")


def test_empty():
    assert flags("The talks resumed.", "  ") == [qa.EMPTY]


def test_untranslated_copy():
    assert qa.UNTRANSLATED in flags("The talks resumed in Brussels.", "The talks resumed in Brussels.")
    assert qa.UNTRANSLATED not in flags("KFOR", "KFOR")  # names alone are copied by design


def test_repeated_words_only_when_new():
    assert qa.REPEATED in flags("The police said.", "Polis polis polis dedi.")
    assert qa.REPEATED not in flags("Go, go, go!", "Hadi, hadi, hadi!")


def test_truncated_and_split():
    out = flags("The talks resumed.", "Müzakereler yeniden başladı.", truncated=True, parts=2)
    assert qa.TRUNCATED in out and qa.SPLIT in out


def test_script_mix_in_serbian():
    assert qa.SCRIPT_MIX in flags("The talks resumed.", "Разговори су nastavljeni.", tgt="sr-Cyrl")
    assert qa.SCRIPT_MIX not in flags("KFOR patrols.", "KFOR патролира.", tgt="sr-Cyrl")
    assert qa.SCRIPT_MIX in flags("The talks resumed.", "Razgovori su наставлјени.", tgt="sr-Latn")
    assert qa.SCRIPT_MIX in flags("The talks resumed.", "Bisedimet rifilluan в Bruksel.", tgt="sq")


def test_length_ratio():
    assert qa.LENGTH_RATIO in flags("The dialogue between Belgrade and Pristina resumed.", "Diyalog.")


@pytest.mark.parametrize(("target", "tgt"), [
    ("Извештај RTS о нападу код Бањске.", "sr-Cyrl"),            # a Serbian acronym left in Latin
    ("Делегација са KiM стигла је у Београд.", "sr-Cyrl"),
    ("Портпарол EULEX-u није одговорио.", "sr-Cyrl"),           # a Latin case ending on a kept acronym
    ("Премијер Kurti састао се са Хашимом Тачијем.", "sr-Cyrl"),  # a name Serbian writes in Cyrillic
    ("Izveštaj РТС o napadu kod Banjske.", "sr-Latn"),          # and the other way round
    ("Delegacija sa КиМ stigla je u Beograd.", "sr-Latn"),
    ("Bisedimet rifilluan në Бриsel.", "sq"),
    ("Müzakereler Брисел'de yeniden başladı.", "tr"),
])
def test_script_mix_flags_a_word_in_the_wrong_script(target, tgt):
    assert qa.SCRIPT_MIX in flags("The talks resumed in Brussels today.", target, tgt=tgt)


@pytest.mark.parametrize("target", [
    "Портпарол EULEX-у и команда KFOR-а саопштили су да је NATO спреман.",
    "II светски рат, папа Пије VI и фаза I пројекта.",
    "Саопштење је на kfor.nato.int и www.rts.rs, пошта info@kossev.info.",
    "Министар Hoxha и председник Erdoğan састали су се у McDonald's-у.",
    "И министар је стигао у Призрен.",
])
def test_script_mix_leaves_kept_latin_alone(target):
    assert qa.SCRIPT_MIX not in flags("The minister arrived in Prizren today.", target, tgt="sr-Cyrl")


def test_script_mix_takes_the_glossarys_kept_names():
    target = "Командант Marco Bellandi посетио је Дечане."
    assert qa.SCRIPT_MIX in flags("Commander Marco Bellandi visited Decani.", target, tgt="sr-Cyrl")
    assert qa.SCRIPT_MIX not in qa.check("Commander Marco Bellandi visited Decani.", Translation(target), "en",
                                         "sr-Cyrl", keep={"Marco", "Bellandi"})


def test_a_draft_checks_script_mix_with_its_glossarys_kept_names():
    from common.languages import Direction
    from glossary.model import Concept, Term
    from translate.engine import IdentityEngine
    from translate.pipeline import translate_article

    glossary = [Concept("bellandi", "keep", [Term("en", "Bellandi")])]
    text = "Bellandi je posetio Dečane. Marco je posetio Dečane.\n"
    draft = translate_article(text, Direction("en", "sr-Cyrl"), IdentityEngine(), "text", glossary=glossary)
    assert [s.target for s in draft.segments] == ["Bellandi је посетио Дечане.", "Марцо је посетио Дечане."]
    assert [qa.SCRIPT_MIX in s.flags for s in draft.segments] == [False, False]
    assert flags("Bellandi visited Decani.", draft.segments[0].target, tgt="sr-Cyrl") == [qa.SCRIPT_MIX]  # no glossary
