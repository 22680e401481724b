"""The evidence a Latin-script text gives for each language, in nats (natural-log likelihood):

- the character n-grams of its words (``ngrams``), each word weighted as ``tokens`` says;
- its frequent short words (``WORDS``): a listed word is worth ``WORD_NATS`` to each language that
  lists it, times its weight (read folded, so "per", "eshte", "icin" count without diacritics);
- the letters a language alone uses (ı ş ğ Turkish, ë Albanian, ć đ Serbian) or shares (ç; č š ž;
  ö ü), in words that do not start with a capital: names such as "Ulutaş" or "Ilić" carry their own
  language's letters into English (or any) news and say nothing about the text.
"""

from __future__ import annotations

from collections import Counter

from common.languages import EN, SQ, SR_LATN, TR
from translate.detect.ngrams import model
from translate.detect.tokens import Words, fold

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
    SQ: "dhe në të për është një me nga se e që ka u si janë më edhe kjo ky por do pas sipas",
    SR_LATN: "i u je na da se za od koji su sa iz o kao što će ali nije bilo prema posle biti",
}
WORD_NATS = 3.0


def _listed() -> dict[str, tuple[str, ...]]:
    """Each listed word, folded, with the languages that list it ("se": Albanian and Serbian)."""
    langs: dict[str, tuple[str, ...]] = {}
    for lang, listed in WORDS.items():
        for word in listed.split():
            langs[fold(word)] = (*langs.get(fold(word), ()), lang)
    return langs


_LISTED = _listed()


def scores(seen: Words) -> dict[str, float]:
    """The evidence for each Latin-script language, above the weakest one's."""
    result = dict.fromkeys(LATIN_LANGUAGES, 0.0)
    ngram = model()
    for (word, weight), times in Counter(seen.weighted).items():  # each distinct word scored once
        for lang, logp in zip(ngram.languages, ngram.score(word), strict=True):
            result[PROFILE_LANGUAGES[lang]] += times * weight * logp
        for lang in _LISTED.get(word, ()):
            result[lang] += times * weight * WORD_NATS
    for c, times in Counter("".join(seen.lower)).items():
        langs, nats = LETTERS.get(c, ((), 0.0))
        for lang in langs:
            result[lang] += times * nats
    floor = min(result.values())
    return {lang: value - floor for lang, value in result.items()}
