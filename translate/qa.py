"""Quality checks on one translated segment. Each returns flags a reviewer sees beside it.

Flags: ``empty`` (nothing came back), ``truncated`` (the decoder hit its length limit), ``split``
(the sentence was too long for the model and translated in clauses), ``untranslated`` (the
target is a copy of the source), ``repeated`` (a word or phrase stutters), ``script_mix``
(letters of the wrong script), ``number_mismatch`` (numbers differ), ``length_ratio`` (far
shorter or longer than the source), ``tags`` (an inline tag of the source dropped, added,
reordered or badly nested; ``translate.inline``); then the newsroom checks of ``translate.checks``
(punctuation, quotation marks, URLs and handles, dates and times, names) on the text without its
inline codes. Dates and times are compared by ``translate.checks.datetimes`` and left out of the
number comparison.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from decimal import Decimal, InvalidOperation

from common.languages import base
from common.settings import get_settings
from translate import checks, inline
from translate.checks.datetimes import without as without_dates
from translate.checks.locale import decimal_symbol
from translate.engine import Translation
from translate.serbian import mixed_words

EMPTY, TRUNCATED, SPLIT, UNTRANSLATED = "empty", "truncated", "split", "untranslated"
REPEATED, SCRIPT_MIX = "repeated", "script_mix"
NUMBER_MISMATCH, LENGTH_RATIO, TAGS = "number_mismatch", "length_ratio", "tags"
ALL_FLAGS = (EMPTY, TRUNCATED, SPLIT, UNTRANSLATED, REPEATED, SCRIPT_MIX, NUMBER_MISMATCH, LENGTH_RATIO, TAGS,
             *checks.CHECK_FLAGS)

_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f]*\d)?")
_NARROW_SPACES = re.compile(r"[\u00a0\u202f]")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def numbers(text: str, lang: str) -> Counter[str]:
    """The numbers in ``text`` as canonical decimals: "4,500" (en) and "4.500" (tr) are both 4500,
    "3.5" (en) and "3,5" (sq) both 3.5. The decimal mark is CLDR's for ``lang``; the other of "." and
    "," (and spaces) group thousands, and a grouping mark counts only before exactly three digits."""
    decimal = decimal_symbol(lang)
    group = "," if decimal == "." else "."
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        raw = _NARROW_SPACES.sub("", match.group(0))
        raw = re.sub(re.escape(group) + r"(?=\d{3}(?!\d))", "", raw)
        canonical = raw.replace(decimal, ".").replace(group, ".")
        try:
            found[f"{Decimal(canonical).normalize():f}"] += 1
        except InvalidOperation:
            found[raw] += 1  # dates and the like: compare as written
    return found


def _repeats(text: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(text)]
    for size in (1, 2, 3):
        for i in range(len(words) - size * 3 + 1):
            gram = words[i:i + size]
            if words[i + size:i + 2 * size] == gram and words[i + 2 * size:i + 3 * size] == gram:
                return True
    return False


def check(source: str, translation: Translation, source_lang: str, target_lang: str,
          keep: Iterable[str] = (), known_names: Collection[str] = ()) -> list[str]:
    """The flags of one segment. ``script_mix`` in Serbian is translate.serbian.mixed_words: Cyrillic in Latin, or
    in Cyrillic a Latin word other than kept names (``keep``: the glossary's), addresses and Roman numerals.
    ``known_names``: source words the glossary checks (not names to look for)."""
    target = translation.text
    flags: list[str] = []
    if not target.strip():
        return [EMPTY]
    if translation.truncated:
        flags.append(TRUNCATED)
    if translation.parts > 1:
        flags.append(SPLIT)
    src_words = _WORDS.findall(source)
    if (base(source_lang) != base(target_lang) and len(src_words) >= 3
            and source.strip().casefold() == target.strip().casefold()):
        flags.append(UNTRANSLATED)
    if _repeats(target) and not _repeats(source):
        flags.append(REPEATED)
    if target_lang.startswith("sr-"):
        if mixed_words(target, target_lang, keep):
            flags.append(SCRIPT_MIX)
    elif _CYRILLIC.search(target):
        flags.append(SCRIPT_MIX)
    if numbers(without_dates(source, source_lang), source_lang) != numbers(without_dates(target, target_lang),
                                                                          target_lang):
        flags.append(NUMBER_MISMATCH)
    if len(source) >= 20:
        ratio = len(target) / len(source)
        if ratio < 0.4 or ratio > 2.5:
            flags.append(LENGTH_RATIO)
    if inline.problems(source, target):
        flags.append(TAGS)
    flags += checks.run(inline.plain(source), inline.plain(target), source_lang, target_lang, known_names,
                        get_settings().quote_marks)
    return flags
