"""A small offline language identifier for exactly dragoman's languages: en, tr, sq, sr-Latn, sr-Cyrl.

Cyrillic letters mean Serbian in Cyrillic. Latin text is scored on letters each language alone uses
(ı ş ğ for Turkish, ë for Albanian, ć đ for Serbian) and on its most frequent short words.
"""

from __future__ import annotations

import re
from collections import Counter

from common.languages import EN, SQ, SR_CYRL, SR_LATN, TR

_LETTERS = {
    TR: "ıİşŞğĞ",
    SQ: "ëË",
    SR_LATN: "ćĆđĐ",
}
_SHARED_LETTERS = {TR: "çÇöÖüÜ", SQ: "çÇ", SR_LATN: "čČšŠžŽ"}
_WORDS = {
    EN: "the and of to in is that for on was with as by at from has said have it be are were will "
        "its their which after this an",
    TR: "ve bir bu için ile da de olarak olan gibi daha ancak yılında ise çok kadar sonra göre ki "
        "değil tarafından",
    SQ: "dhe në të për është një me nga se e që ka u si janë më edhe kjo ky por do pas sipas",
    SR_LATN: "i u je na da se za od koji su sa iz o kao što će ali nije bilo prema posle biti",
}
_MIN_WORDS = 3  # "I", "ve" or "je" alone is a word of several languages
_WORD_SETS = {lang: set(words.split()) for lang, words in _WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")


class DetectionError(ValueError):
    """The language cannot be told with confidence; the caller should be asked for it."""


def scores(text: str) -> dict[str, float]:
    sample = text[:20_000]
    cyr, lat = len(_CYRILLIC.findall(sample)), len(_LATIN.findall(sample))
    result = dict.fromkeys((EN, TR, SQ, SR_LATN, SR_CYRL), 0.0)
    if cyr + lat == 0:
        return result
    result[SR_CYRL] = cyr / (cyr + lat) * 10
    words = Counter(w.lower() for w in _TOKEN.findall(sample) if _LATIN.match(w))
    total = sum(words.values()) or 1
    for lang, vocab in _WORD_SETS.items():
        result[lang] += 10 * sum(n for w, n in words.items() if w in vocab) / total
    # Letters count only in words that do not start with a capital: names such as "Ulutaş" or "Ilić"
    # carry their own language's letters into English (or any) news and say nothing about the text.
    common = " ".join(w for w in _TOKEN.findall(sample) if not w[0].isupper())
    for lang, letters in _LETTERS.items():
        result[lang] += 40 * sum(common.count(c) for c in letters) / max(lat, 1) * 10
    for lang, letters in _SHARED_LETTERS.items():
        result[lang] += 10 * sum(common.count(c) for c in letters) / max(lat, 1) * 10
    return result


def detect(text: str) -> tuple[str, float]:
    """The most likely language of ``text`` and a confidence in [0, 1]; raises DetectionError when
    the text is too short or too ambiguous to tell."""
    if len(_TOKEN.findall(text[:20_000])) < _MIN_WORDS:
        raise DetectionError("the text is too short to tell its language; give it with --from")
    ranked = sorted(scores(text).items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0.5:
        raise DetectionError("cannot tell the language of this text; give it with --from")
    confidence = (top - second) / top
    if confidence < 0.25:
        raise DetectionError(f"the language is unclear ({best} or {ranked[1][0]}); give it with --from")
    return best, round(confidence, 3)
