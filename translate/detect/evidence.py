"""The evidence a Latin-script text gives for each language, in nats (natural-log likelihood):

- the character n-grams of its words (``ngrams``), each word weighted as ``tokens`` says;
- its frequent short words (``WORDS``): a listed word is worth ``WORD_NATS`` to each language that
  lists it, times its weight (read folded, so "per", "eshte", "icin" count without diacritics);
- the suffixes after an apostrophe (``ENGLISH_SUFFIXES``): English writes *'s, 't, 're, 've, 'll, 'd, 'm* there;
  Turkish its case and possessive endings on every name and number (*Ankara'da, AB'nin, 2023'te*);
  Albanian and Serbian none. Each is worth ``WORD_NATS`` to its language;
- the letters a language alone uses (ı ş ğ Turkish, ë Albanian, ć đ Serbian) or shares (ç; č š ž;
  ö ü): in full in words that do not start with a capital, and ``CAPITALISED`` of it in words that do:
  names such as "Ulutaş" or "Ilić" carry their own language's letters into English (or any) news and
  say little about the text. An Albanian case ending on a capitalised word (*Qeverisë, Kosovës,
  Prishtinën*) is grammar, not the name's own letter: its ë counts in full.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from common.languages import EN, SQ, SR_LATN, TR
from translate.detect.ngrams import model
from translate.detect.tokens import Words, fold, fold_word

LATIN_LANGUAGES = (EN, TR, SQ, SR_LATN)
PROFILE_LANGUAGES = {"en": EN, "sq": SQ, "sr": SR_LATN, "tr": TR}  # profiles.json's keys
LETTERS = {  # letter -> the languages that use it, and the evidence one occurrence gives them
    **{c: ((TR,), 3.0) for c in "ışğâîû"},
    "ë": ((SQ,), 3.0),
    **{c: ((SR_LATN,), 3.0) for c in "ćđ"},
    **{c: ((SR_LATN,), 1.5) for c in "čšž"},
    **{c: ((TR,), 1.5) for c in "öü"},
    "ç": ((TR, SQ), 1.5),
}
WORDS = {
    EN: "the and of to in is that for on was with as by at from has said have it be are were will "
        "its their which after this an",
    TR: "ve bir bu için ile da de olarak olan gibi daha ancak yılında ise çok kadar sonra göre ki "
        "değil tarafından",
    SQ: "dhe në të për është një me nga se e i që ka u si janë më edhe kjo ky por do pas sipas",
    SR_LATN: "i u je na da se za od koji su sa iz o kao što će ali nije bilo prema posle biti",
}
WORD_NATS = 3.0
ENGLISH_SUFFIXES = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})  # any other after an apostrophe: Turkish


def _listed() -> dict[str, tuple[str, ...]]:
    """Each listed word, folded, with the languages that list it ("se": Albanian and Serbian)."""
    langs: dict[str, tuple[str, ...]] = {}
    for lang, listed in WORDS.items():
        for word in listed.split():
            langs[fold(word)] = (*langs.get(fold(word), ()), lang)
    return langs


_LISTED = _listed()


class Item(NamedTuple):
    """One distinct word (or suffix) of a text: its evidence per language (in the order of
    ``LATIN_LANGUAGES``), how often it occurs, and its weight (1 in lower case and for a suffix)."""

    evidence: tuple[float, ...]
    times: int
    weight: float

    @property
    def full(self) -> bool:
        return self.weight == 1.0


_CASE_ENDING = re.compile(r"[^\W\d_]{3}(?:së|ës|ën|ët|ëve)$")  # Qeverisë, Prishtinës, Kosovën: Albanian cases


def _letters(written: str, weight: float, result: dict[str, float]) -> None:
    for c in written.lower():
        langs, nats = LETTERS.get(c, ((), 0.0))
        for lang in langs:
            result[lang] += weight * nats
    if weight < 1.0 and _CASE_ENDING.search(written.lower()):  # a capitalised word with an Albanian case ending:
        result[SQ] += (1.0 - weight) * LETTERS["ë"][1]  # the ending is the language's, not the name's


@lru_cache(maxsize=16_384)  # words repeat: each is weighed once
def _word(written: str, weight: float) -> tuple[float, ...]:
    """The evidence one word gives each language: its n-grams, its listing and its letters, times ``weight``."""
    folded = fold_word(written)
    result = dict.fromkeys(LATIN_LANGUAGES, 0.0)
    for lang, logp in zip(model().languages, model().score(folded), strict=True):
        result[PROFILE_LANGUAGES[lang]] += weight * logp
    for lang in _LISTED.get(folded, ()):
        result[lang] += weight * WORD_NATS
    _letters(written, weight, result)
    return tuple(result.values())


def _suffix(written: str) -> tuple[float, ...]:
    """The evidence a suffix after an apostrophe gives: English or Turkish, and its letters."""
    result = dict.fromkeys(LATIN_LANGUAGES, 0.0)
    result[EN if fold(written) in ENGLISH_SUFFIXES else TR] += WORD_NATS
    _letters(written, 1.0, result)
    return tuple(result.values())


def items(seen: Words) -> list[Item]:
    """The distinct words and suffixes of ``seen``, each with its evidence (each scored once)."""
    words = [Item(_word(written, weight), times, weight) for (written, weight), times in Counter(seen.written).items()]
    return words + [Item(_suffix(suffix), times, 1.0) for suffix, times in Counter(seen.suffixes).items()]


def marked(seen: Words) -> set[str]:
    """The languages whose own letters (``LETTERS`` for that language alone: ı ş ğ ö ü, ë, ć đ č š ž) a
    lower-case word or a suffix of ``seen`` has."""
    return {langs[0] for c in "".join(seen.lower + seen.suffixes) for langs, _ in (LETTERS.get(c, ((), 0.0)),)
            if len(langs) == 1}


def total(found: list[Item]) -> list[float]:
    """The evidence of all ``found`` items per language (in the order of ``LATIN_LANGUAGES``)."""
    summed = [0.0] * len(LATIN_LANGUAGES)
    for item in found:
        for i, value in enumerate(item.evidence):
            summed[i] += item.times * value
    return summed


def scores(seen: Words) -> dict[str, float]:
    """The evidence for each Latin-script language, above the weakest one's."""
    summed = total(items(seen))
    floor = min(summed)
    return {lang: value - floor for lang, value in zip(LATIN_LANGUAGES, summed, strict=True)}
