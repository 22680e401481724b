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
