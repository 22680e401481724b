"""The words a text gives the detector: what counts as a word, how much it says, and its folded form.

- Dotted acronyms (U.S., U.N., E.U., e.g.), URLs and e-mail addresses are no words: *U.S.* must not
  count as the Albanian/Serbian word *u*, nor *E.U.* as *e*.
- All-capital words (KFOR, NATO, AB) are names that travel between languages unchanged: they say
  nothing. Capitalised words (Bellandi, Gjilan, Banjska, and the first word of a sentence) are often
  names and say little (``CAPITALISED``); words in lower case say the most. The capitalised word that
  opens a sentence is kept apart too (``openers``): it is a common word more often than a name.
- A suffix after an apostrophe (Ankara'da, 2023'te, Kosovo's, don't) is no word of its own: it is kept apart
  (``suffixes``), so that Turkish *'e*, *'te* and *'da* are not the Albanian words *e*, *të* and the Serbian
  *da*. An apostrophe after one letter (Albanian *t'i*, *s'ka*; *O'Brien*) is an elision, not a suffix.
- Folding lowers a word and takes its diacritics off (č ć → c, š → s, ë → e, ı → i, đ → dj), so that
  text typed without them is read like text typed with them; the letters themselves are counted
  apart (``letters``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CAPITALISED = 0.3   # the weight of a capitalised word's n-grams; a word in lower case weighs 1
# Every pattern is linear in the text: each starts only where a run begins (never again inside the run it
# scanned) and takes its runs possessively, so that a failed match is not retried shorter.
_LETTER = r"[^\W\d_]"
_DOTTED = re.compile(rf"(?<!{_LETTER})(?<!{_LETTER}\.){_LETTER}(?:\.{_LETTER})++\.?+(?!{_LETTER})")
_ADDRESS = re.compile(r"(?<!\S)[^\s@]++@\S+|\b(?:https?://|www\.)\S+")
_TOKEN = re.compile(rf"(?:(?<=[^\W_]{{2}})|(?<=\d))['’]({_LETTER}++)|({_LETTER}++)")  # (suffix, word)
_OPENER = re.compile(rf"(?:^|[.!?:]\s)[ \t\"'“„«(#*\-–—]*+({_LETTER}+)", re.MULTILINE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00C0-\u024F]")  # in a word (letters only): another script
_SPECIAL = str.maketrans({"ı": "i", "đ": "dj", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ħ": "h"})


@dataclass(frozen=True)
class Words:
    """The words of a sample, as the detector reads them."""

    tokens: int                         # every word, in any script (the "too short" rule)
    cyrillic: int                       # letters in Cyrillic
    latin: int                          # letters in Latin script
    weighted: tuple[tuple[str, float], ...]  # each Latin word, folded, with its weight
    lower: tuple[str, ...]              # the Latin words that do not start with a capital, as written
    openers: tuple[str, ...]            # the capitalised words that open a sentence, as written
    suffixes: tuple[str, ...]           # the lower-case suffixes after an apostrophe, as written (no words)
    written: tuple[tuple[str, float], ...]  # each Latin word as written, with its weight (as ``weighted``)


def clean(text: str) -> str:
    """``text`` without dotted acronyms, URLs and e-mail addresses."""
    return _DOTTED.sub(" ", _ADDRESS.sub(" ", text))


def fold(text: str) -> str:
    """``text`` in lower case without diacritics (đ → dj, ı → i)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


fold_word = lru_cache(maxsize=16_384)(fold)  # words repeat: each is folded once


def words(text: str) -> Words:
    sample = clean(text)
    tokens, weighted, written, lower, suffixes = [], [], [], [], []
    for suffix, token in _TOKEN.findall(sample):
        if suffix.islower() and not _NOT_LATIN.search(suffix):
            suffixes.append(suffix)
            continue
        token = token or suffix  # a capitalised word after an apostrophe (dell'Unione) is a word
        tokens.append(token)
        if _NOT_LATIN.search(token) or (len(token) > 1 and token.isupper()):
            continue
        weight = CAPITALISED if token[0].isupper() else 1.0
        if weight == 1.0:
            lower.append(token)
        weighted.append((fold_word(token), weight))
        written.append((token, weight))
    openers = tuple(w for w in _OPENER.findall(sample) if w[0].isupper() and not _NOT_LATIN.search(w)
                    and not (len(w) > 1 and w.isupper()))
    return Words(len(tokens), len(_CYRILLIC.findall(sample)), len(_LATIN.findall(sample)),
                 tuple(weighted), tuple(lower), openers, tuple(suffixes), tuple(written))
