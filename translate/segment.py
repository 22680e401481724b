"""News-aware sentence splitting for en, tr, sq and sr, and clause splitting for over-long sentences.

A boundary is a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it),
then whitespace, then something that can start a sentence. It is not a boundary after a known
abbreviation ("Maj. Gen.", "Tümg.", "z.", "npr."), an initial ("John F. Kennedy"), a month or
"No." before a number ("Oct. 9", "No. 5"), a Turkish ordinal ("9. Kolordu"), a dotted acronym
("U.N.") unless the next word plainly starts a sentence, or inside a quotation.
"""

from __future__ import annotations

import re
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
_END = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")
_NEXT_WORD = re.compile(r"[\"'“”„«»‘(\[–—-]*\s*([\w.]+)")
_QUOTE_PAIRS = {"“": "”", "„": "“”", "«": "»", "»": "«", "\"": "\""}


def _lang_key(lang: str) -> str:
    return lang.split("-")[0] if lang.split("-")[0] in ABBREVIATIONS else "en"


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of balanced quotations; an unclosed quote yields no span."""
    spans, i = [], 0
    while i < len(text):
        closer = _QUOTE_PAIRS.get(text[i])
        if closer is None or (text[i] == "\"" and i > 0 and text[i - 1].isalnum()):
            i += 1
            continue
        end = next((j for j in range(i + 1, len(text)) if text[j] in closer), -1)
        if end < 0:
            i += 1
            continue
        spans.append((i, end))
        i = end + 1
    return spans


def _is_boundary(text: str, start: int, end: int, lang: str) -> bool:
    """Is the punctuation run text[start:end] (then whitespace) the end of a sentence?"""
    rest = text[end:].lstrip()
    if not rest:
        return False
    first = rest[0]
    if first.islower():
        return False
    if not (first.isupper() or first.isdigit() or first in "\"'“„«»‘(–—-[*"):
        return False
    punct = text[start:end].split("”")[0]
    if not punct.startswith("."):
        return True                      # ! ? … end a sentence before a capital
    before = _WORD_BEFORE.search(text, 0, start)
    if not before:
        return True
    word = before.group(1).lstrip("-")
    low = word.lower()
    key = _lang_key(lang)
    next_match = _NEXT_WORD.match(rest)
    next_word = next_match.group(1) if next_match else ""
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
    (less leading and trailing whitespace)."""
    text = text.strip()
    if not text:
        return []
    quoted = _quoted_spans(text)
    out: list[Sentence] = []
    last = 0
    for match in _END.finditer(text):
        cut = match.end(2)
        inside = any(a < match.start(1) and cut <= b for a, b in quoted)
        if inside or not _is_boundary(text, match.start(1), cut, lang):
            continue
        out.append(Sentence(text[last:cut], match.group(3)))
        last = match.end(3)
    out.append(Sentence(text[last:], ""))
    return [s for s in out if s.text]


_CLAUSE_BREAKS = [re.compile(p) for p in (r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+(?=[–—-]\s)", r"\s+")]


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
