"""News-aware sentence splitting for en, tr, sq and sr, and clause splitting for over-long sentences.

A boundary is a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it),
then whitespace, then something that can start a sentence. It is not a boundary after a known
abbreviation ("Maj. Gen.", "Tümg.", "z.", "npr.", "Cad.", "rr.", "čl."), an initial ("John F. Kennedy",
"Lj. Petrović"), a month or "No." before a number ("Oct. 9", "No. 5", "15. јан. 2024"), a Turkish ordinal
("9. Kolordu"), a dotted acronym ("U.N.") unless the next word plainly starts a sentence, or inside a
quotation. The word lists are data, per language, in ``translate.abbreviations``.

A number ends a sentence before a capital (27, 4.500, 14.30, 17.02.2008), except a Turkish ordinal: a whole
number before a capital that starts no sentence, unless the word before it makes it a count or a year ("ülke
sayısı 27. Bunlardan ...", "yüzde 17. Gençler ...", "17 Şubat 2008. Sırbistan ..."). A word with dots that is
not an acronym (www.aa.com.tr, info@rts.rs, kfor.nato.int) ends a sentence like any word.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from translate import abbreviations
from translate.abbreviations import words

# The word lists (translate.abbreviations) as sets: per language, but those before numbers and those that are
# sometimes final count in every language's text.
ABBREVIATIONS = words(abbreviations.NEVER_FINAL)
STARTERS = words(abbreviations.STARTERS)
_BEFORE_NUMBER = frozenset().union(*words(abbreviations.BEFORE_NUMBER).values())
_SOMETIMES_FINAL = frozenset().union(*words(abbreviations.SOMETIMES_FINAL).values())
_SECOND_WORDS = frozenset(entry.split()[1] for entry in _SOMETIMES_FINAL if " " in entry)  # "al" of "et al"
_INITIALS = words(abbreviations.INITIALS)
_QUANTITY = words(abbreviations.QUANTITY_WORDS)

_CLOSERS = "\"'”’»«“)]}"
# The look-behind starts a match only at the first mark of a run: from inside a long run of dots that is not
# followed by whitespace, every start would rescan the rest of the run (quadratic).
_END = re.compile(r"(?<![.!?…])([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_WORD_CHARS = re.compile(r"[\w.\-]*")  # matched on the reversed text: the word that ends at a full stop
_PREVIOUS_WORD = re.compile(r"%|\s+([\w'’]+)")  # matched on the reversed text: a "%" or the word before a word
_NUMBER = re.compile(r"\d+(?:\.\d+)*")  # 27, 4.500, 14.30, 17.02.2008
_NEXT_WORD = re.compile(r"[\"'“”„«»‘(\[–—-]*\s*([\w.]+)")
_QUOTE_PAIRS = {"“": "”", "„": "“”", "«": "»", "»": "«", "\"": "\""}
_OPENER = re.compile("[" + re.escape("".join(_QUOTE_PAIRS)) + "]")
_CLOSER = {closers: re.compile("[" + re.escape(closers) + "]") for closers in _QUOTE_PAIRS.values()}


def _lang_key(lang: str) -> str:
    return lang.split("-")[0] if lang.split("-")[0] in ABBREVIATIONS else "en"


def _next_closer(text: str, closers: str, start: int, found: dict[str, int]) -> int:
    """Position of the first of ``closers`` at or after ``start``, or -1. ``found`` keeps the last answer for
    each set of closers; ``start`` only grows, so an answer still holds while it is -1 or not before
    ``start``, and each part of the text is searched at most once for each set of closers."""
    end = found.get(closers)
    if end is None or 0 <= end < start:
        closer = _CLOSER[closers].search(text, start)
        end = found[closers] = closer.start() if closer else -1
    return end


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of balanced quotations, in order and disjoint; an unclosed quote yields no span."""
    spans: list[tuple[int, int]] = []
    found: dict[str, int] = {}
    i = 0
    while opener := _OPENER.search(text, i):
        i = opener.start()
        if text[i] == "\"" and i > 0 and text[i - 1].isalnum():
            i += 1
            continue
        end = _next_closer(text, _QUOTE_PAIRS[text[i]], i + 1, found)
        if end < 0:
            i += 1
            continue
        spans.append((i, end))
        i = end + 1
    return spans


def _in_quotes(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does one of the quoted spans open before ``start`` and close at or after ``end``? Only the last span
    that opens before ``start`` can: the spans are in order and disjoint."""
    last = bisect_left(spans, (start,)) - 1
    return last >= 0 and end <= spans[last][1]


def _word_before(text: str, backwards: str, start: int) -> tuple[str, int]:
    r"""The run of word characters, dots and hyphens that ends at ``start``, or at a newline just before it
    (as ``re.search(r"([\w.\-]+)$", text[:start])`` finds it), and where it starts, read from
    ``backwards = text[::-1]``: it scans only the word, not the text before it."""
    end = start - 1 if text[start - 1:start] == "\n" else start
    length = len(_WORD_CHARS.match(backwards, len(text) - end).group())
    return text[end - length:end], end - length


def _previous_word(text: str, backwards: str, start: int) -> str:
    """The word before the whitespace that ends at ``start`` ("" if there is none), or "%" when one is right
    before ``start``; read from ``backwards`` like ``_word_before``: only the whitespace and that word."""
    match = _PREVIOUS_WORD.match(backwards, len(text) - start)
    return "" if match is None else (match.group(1) or "%")[::-1]


def _is_boundary(text: str, backwards: str, match: re.Match[str], lang: str) -> bool:
    """Is the punctuation run that ``match`` (an ``_END`` match) found the end of a sentence?"""
    rest = match.end(3)                  # the greedy \s+ leaves no whitespace before the next word
    if rest == len(text):
        return False
    first = text[rest]
    if first.islower():
        return False
    if not (first.isupper() or first.isdigit() or first in "\"'“„«»‘(–—-[*"):
        return False
    if text[match.start(1)] != ".":
        return True                      # ! ? … end a sentence before a capital
    before, start = _word_before(text, backwards, match.start(1))
    if not before:
        return True
    word = before.lstrip("-")
    next_match = _NEXT_WORD.match(text, rest)
    # The word before is read only where a rule needs it: the first word of "et al.", what a Turkish number counts.
    needs_previous = word.lower() in _SECOND_WORDS or (_lang_key(lang) == "tr" and word.isdigit())
    previous = _previous_word(text, backwards, start + len(before) - len(word)) if needs_previous else ""
    return _full_stop_ends(word, next_match.group(1) if next_match else "", lang, previous)


def _full_stop_ends(word: str, next_word: str, lang: str, previous: str = "") -> bool:
    """Does a full stop after ``word``, then whitespace and ``next_word``, end a sentence? ``previous``: the word
    before ``word`` (where a rule needs it)."""
    low = word.lower()
    key = _lang_key(lang)
    starter = next_word.lower() in STARTERS[key]
    if low in _SOMETIMES_FINAL or f"{previous.lower()} {low}" in _SOMETIMES_FINAL:
        return starter
    if low in _BEFORE_NUMBER and next_word[:1].isdigit():
        return False
    if low in ABBREVIATIONS[key] or (low in ABBREVIATIONS["en"] and key != "en" and len(low) <= 4):
        return False
    if _is_initial(word, key):
        return False                     # "John F. Kennedy", "J. R. Smith", "Lj. Petrović"
    if _NUMBER.fullmatch(word):
        return _number_ends(word, next_word, key, previous, starter)
    if "." in word.strip("."):           # dotted acronym (U.N., U.S., p.sh., a.m.) or a name (www.aa.com.tr)
        return starter if _is_acronym(word) else True
    return True


def _is_initial(word: str, key: str) -> bool:
    if len(word) == 1:
        return word.isalpha() and word.isupper()
    return word[:1].isupper() and word.lower() in _INITIALS[key]


def _is_acronym(word: str) -> bool:
    """Letters in parts of at most three, one of them a single letter: U.N, U.S.A, p.sh, Ph.D, sh.p.k; not a
    domain or an address (aa.com.tr, rts.rs, kfor.nato.int), after which a full stop ends a sentence."""
    parts = word.strip(".").split(".")
    return all(part.isalpha() and len(part) <= 3 for part in parts) and any(len(part) == 1 for part in parts)


def _number_ends(word: str, next_word: str, key: str, previous: str, starter: bool) -> bool:
    """A full stop after a number (27, 4.500, 14.30, 17.02.2008) ends a sentence before a capital, except after a
    Turkish ordinal: "9. Kolordu", "15. Tümen". A Turkish ordinal stands before its noun, so a whole number is
    one unless a sentence starter follows it ("... 27. Bunlardan 21'i") or the word before it makes it a count,
    a rate, a total or a year ("ülke sayısı 27.", "yüzde 27.", "%27.", "17 Şubat 2008."); a number with dots is
    a quantity, a time or a date, never an ordinal."""
    if key != "tr" or not word.isdigit() or next_word[:1].isdigit():
        return True
    return starter or previous.lower() in _QUANTITY["tr"]


@dataclass(frozen=True)
class Sentence:
    text: str
    space_after: str  # the whitespace that followed it in the source ("" for the last one)


def split_sentences(text: str, lang: str = "en") -> list[Sentence]:
    """Split one paragraph into sentences. Joining text + space_after gives back the paragraph
    (less leading and trailing whitespace). The work grows linearly with the paragraph's length (quoted
    spans are looked up by bisection): each regex reads each part of the text a bounded number of times."""
    text = text.strip()
    if not text:
        return []
    quoted = _quoted_spans(text)
    backwards = text[::-1]
    out: list[Sentence] = []
    last = 0
    for match in _END.finditer(text):
        cut = match.end(2)
        if _in_quotes(quoted, match.start(1), cut) or not _is_boundary(text, backwards, match, lang):
            continue
        out.append(Sentence(text[last:cut], match.group(3)))
        last = match.end(3)
    out.append(Sentence(text[last:], ""))
    return [s for s in out if s.text]


# Each break starts at the first space of a run (the look-behinds): a bare "\s+(?=[–—-]\s)" would retry the
# look-ahead from every space of a long whitespace run (quadratic).
_CLAUSE_BREAKS = [re.compile(p) for p in (r"(?<=[;:])\s+", r"(?<=,)\s+", r"(?<!\s)\s+(?=[–—-]\s)", r"\s+")]


def split_long(sentence: str, max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Cut a sentence that is longer than ``max_tokens`` (as measured by ``count``) into pieces
    that fit, at the strongest clause boundary nearest the middle: ``;`` or ``:``, then commas,
    then dashes, then any space; as a last resort inside a very long word. The pieces keep their
    trailing whitespace: ``"".join(pieces) == sentence``."""
    if count(sentence) <= max_tokens:
        return [sentence]
    middle = len(sentence) / 2
    for pattern in _CLAUSE_BREAKS:
        cuts = [m for m in pattern.finditer(sentence) if m.start() > 0 and m.end() < len(sentence)]
        if cuts:
            best = min(cuts, key=lambda m: abs(m.start() - middle))
            left, right = sentence[: best.end()], sentence[best.end():]
            return split_long(left, max_tokens, count) + split_long(right, max_tokens, count)
    if len(sentence) <= 1:
        return [sentence]
    half = len(sentence) // 2
    return split_long(sentence[:half], max_tokens, count) + split_long(sentence[half:], max_tokens, count)
