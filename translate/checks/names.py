"""``name_missing``: a name of the source (a capitalised word that does not start a sentence or a
quotation, is not a month or weekday, not an acronym and not a glossary term — the glossary
checks those) that the target neither copies nor transliterates nor inflects.

A name counts as present when some target word, both folded to lower-case ASCII Latin (Serbian
Cyrillic transliterated, diacritics dropped: Vučić, Вучић and Vucic'in all give "vucic"), starts
like it: the same first letter and at least 75 % similar over the name's length plus a few
letters of suffix (Pristina ~ Priştine'de ~ Prishtinës, Kosovo ~ Kosova'da).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from translate.checks.locale import calendar_words
from translate.serbian import to_latin

NAME_MISSING = "name_missing"
SIMILAR = 0.75
SUFFIX = 4
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = ".!?:;—–"    # a word after one of these and a space starts a sentence
_OPENING = "\"“„«(‘‚'"        # a word after one of these (and any spaces) starts a quotation
_SUFFIX_MARK = re.compile(r"['’-]")  # KFOR-it, Priştine'de: a suffix after the name
_FOLD = str.maketrans({"ı": "i", "đ": "dj", "Đ": "dj", "ß": "ss", "ø": "o", "ł": "l"})


@lru_cache(maxsize=65_536)  # names and words repeat across an article's segments
def fold(word: str) -> str:
    latin = to_latin(word).translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c)).lower()


def names(text: str, lang: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The capitalised words of ``text`` that look like names (see the module's rules)."""
    skip = calendar_words(lang)
    found = []
    for m in _WORD.finditer(text):
        word = _SUFFIX_MARK.split(m.group())[0]  # KFOR-it, Priştine'de, Sinan-paše: the name before the suffix
        if len(word) < 2 or not word[0].isupper() or word.isupper() or word.lower() in skip:
            continue
        if _starts(text, m.start()) or word in known or word.lower() in known:
            continue
        found.append(word)
    return found


def _starts(text: str, at: int) -> bool:
    """The word at ``at`` starts the text, a sentence (after end punctuation and a space) or a
    quotation (after an opening mark and any spaces); only the characters just before it are read."""
    if at == 0:
        return True
    k = at
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return k > 0 and (text[k - 1] in _OPENING or (text[k - 1] in _SENTENCE_END and k < at))


def _present(name: str, words: list[str]) -> bool:
    key = fold(name)
    for word in words:
        if word[:1] != key[:1]:
            continue
        if word.startswith(key) or SequenceMatcher(None, key, word[:len(key) + SUFFIX]).ratio() >= SIMILAR:
            return True
    return False


def name_missing(source: str, target: str, source_lang: str,
                 known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    wanted = names(source, source_lang, known)
    if not wanted:
        return []
    words = [fold(part) for w in _WORD.findall(target) for part in _SUFFIX_MARK.split(w) if part]
    return [NAME_MISSING] if any(not _present(name, words) for name in wanted) else []
