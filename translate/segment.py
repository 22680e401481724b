"""News-aware sentence splitting for en, tr, sq and sr, and clause splitting for over-long sentences.

A boundary is a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it),
then whitespace, then something that can start a sentence. It is not a boundary after a known
abbreviation ("Maj. Gen.", "Tümg.", "z.", "npr."), an initial ("John F. Kennedy"), a month or
"No." before a number ("Oct. 9", "No. 5"), a Turkish ordinal ("9. Kolordu"), a dotted acronym
("U.N.") unless the next word plainly starts a sentence, or inside a quotation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

# Abbreviations (lower-case, without the final dot) that never end a sentence themselves.
_TITLES = {
    "en": "mr mrs ms messrs dr prof gen maj lt col capt cpt sgt cpl pvt brig adm cmdr gov sen rep "
          "amb pres sec supt insp det st jr sr rev hon fig vol pp ed eds approx dept est inc corp ltd co "
          "mt ft ave blvd",
    "tr": "dr prof doç yrd tümg korg org tuğg tuğa tümamiral alb yzb ütğm tğm bnb kur bşk bşk.yrd sn "
          "av müh öğr gör arş ltd şti tic san a.ş vb vs örn bkz yy no nr s sy çev haz ed",
    "sq": "dr prof z znj zj mr gjen kol kap mjr ish nr fq shih sh psh etj etc pra",
    "sr": "dr prof mr gosp g gđa gđica gen puk maj kap sv ul br str tzv tj npr itd sl dipl ing "
          "др проф мр г гђа ген пук мај кап св ул бр стр тзв тј нпр итд сл дипл инж",
}
_MONTHS = "jan feb mar apr jun jul aug sep sept oct nov dec"
_BEFORE_NUMBER = {"no", "nos", "nr", "br", "бр", "art", "p", "pp", "ch", "sec", "para", *_MONTHS.split()}
# Abbreviations that often do end a sentence: a boundary only if a sentence starter follows.
_SOMETIMES_FINAL = {"etc", "etj", "vb", "vs", "itd", "итд", "sl", "сл", "a.m", "p.m", "inc", "ltd", "co",
                    "jr", "sr", "corp"}

_STARTERS = {
    "en": "the a an he she it they we i you this that these those there his her its their our but and "
          "however meanwhile in on at after before during while since when if as for according "
          "officials police no some many most both one two three four five",
    "tr": "bu o bir ancak fakat ama ve de da şu bunun onun öte ayrıca daha",
    "sq": "ai ajo ata ato ky kjo këto këta por dhe në sipas pas gjatë edhe",
    "sr": "on ona oni to taj ta ovo ovaj ova ali i u prema posle nakon tokom mnogi mnoge mnogo neki neke "
          "većina он она они то тај та ово овај ова али и у према после након током многи многе много неки "
          "неке већина",
}

ABBREVIATIONS = {lang: set(words.split()) for lang, words in _TITLES.items()}
STARTERS = {lang: set(words.split()) for lang, words in _STARTERS.items()}

_CLOSERS = "\"'”’»«“)]}"
# The look-behind starts a match only at the first mark of a run: from inside a long run of dots that is not
# followed by whitespace, every start would rescan the rest of the run (quadratic).
_END = re.compile(r"(?<![.!?…])([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_WORD_CHARS = re.compile(r"[\w.\-]*")  # matched on the reversed text: the word that ends at a full stop
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


def _word_before(text: str, backwards: str, start: int) -> str:
    r"""The run of word characters, dots and hyphens that ends at ``start``, or at a newline just before it
    (as ``re.search(r"([\w.\-]+)$", text[:start])`` finds it), read from ``backwards = text[::-1]``: it
    scans only the word, not the text before it."""
    end = start - 1 if text[start - 1:start] == "\n" else start
    length = len(_WORD_CHARS.match(backwards, len(text) - end).group())
    return text[end - length:end]


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
    before = _word_before(text, backwards, match.start(1))
    if not before:
        return True
    next_match = _NEXT_WORD.match(text, rest)
    return _full_stop_ends(before.lstrip("-"), next_match.group(1) if next_match else "", lang)


def _full_stop_ends(word: str, next_word: str, lang: str) -> bool:
    """Does a full stop after ``word``, then whitespace and ``next_word``, end a sentence?"""
    low = word.lower()
    key = _lang_key(lang)
    starter = next_word.lower() in STARTERS[key]
    if low in _SOMETIMES_FINAL:
        return starter
    if low in _BEFORE_NUMBER and next_word[:1].isdigit():
        return False
    if low in ABBREVIATIONS[key] or (low in ABBREVIATIONS["en"] and key != "en" and len(low) <= 4):
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False                     # an initial: "John F. Kennedy", "J. R. Smith"
    if "." in word.strip("."):           # dotted acronym: U.N., U.S., p.sh., a.m.
        return starter
    if word.isdigit() and key == "tr" and not next_word[:1].isdigit():
        return False                     # Turkish ordinal: "9. Kolordu", "15. Tümen"
    return True


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
