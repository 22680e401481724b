"""Serbian script conversion.

Cyrillic -> Latin is exact (one Cyrillic letter is one Latin letter or digraph). Latin -> Cyrillic converts Serbian
words and Serbian acronyms (RTS -> РТС, KiM -> КиМ) and keeps in Latin letters: URLs, e-mail addresses, handles,
dotted names (kfor.nato.int, Node.js), foreign acronyms and names (KFOR, NATO, Hoxha, McDonald's, iPhone) and Roman
numerals (II svetski rat -> II светски рат); a Serbian case ending after a hyphen is converted (EULEX-у, KFOR-а).
How a word is judged, and the lists behind it: translate/serbian_data.py. Digraphs lj, nj, dž become one letter
except where they are two (injekcija, nadživeti, predželudac).

A caller (the glossary step) adds per call: ``keep``, words kept in Latin letters; ``convert``, words converted letter
by letter even though listed as foreign (a newsroom that writes НАТО); ``spellings``, a house spelling for a Latin
word (``{"KFOR": "Кфор"}``, or a form: ``{"KFOR-a": "Кфора"}``). A spelling wins over ``convert``, and ``convert``
over ``keep``: the glossary keeps KFOR in Latin letters everywhere, and a house spelling says how Cyrillic writes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from translate.serbian_data import (
    DZ_PREFIXES,
    DZ_STEMS,
    FOREIGN_ACRONYMS,
    GENERIC_SUFFIXES,
    ORDINAL_NOUNS,
    ROMAN_LOOKALIKES,
    SERBIAN_ACRONYMS,
    SINGLE_LETTER_NUMERALS,
    SPLIT_STARTS,
)

_CYR = "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШабвгдђежзијклљмнњопрстћуфхцчџш"
_LAT = ["A", "B", "V", "G", "D", "Đ", "E", "Ž", "Z", "I", "J", "K", "L", "Lj", "M", "N", "Nj", "O", "P",
        "R", "S", "T", "Ć", "U", "F", "H", "C", "Č", "Dž", "Š",
        "a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o", "p",
        "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"]
CYR_TO_LAT = dict(zip(_CYR, _LAT, strict=True))
LAT_TO_CYR = {lat: cyr for cyr, lat in CYR_TO_LAT.items()}
LAT_TO_CYR.update({"LJ": "Љ", "NJ": "Њ", "DŽ": "Џ", "lJ": "љ", "nJ": "њ", "dŽ": "џ"})
_LETTERS = str.maketrans({lat: cyr for lat, cyr in LAT_TO_CYR.items() if len(lat) == 1})
KEEP_LATIN = FOREIGN_ACRONYMS

# Where lj / nj / dž are two letters: the match ends before the second letter.
_SPLIT_DIGRAPH = re.compile(
    rf"(?:ne)?(?:(?:{'|'.join(DZ_PREFIXES)})(?=(?:{'|'.join(DZ_STEMS)}))|"
    + "|".join(f"{first}(?={second})" for first, second in (start.split("|") for start in SPLIT_STARTS)) + ")",
    re.IGNORECASE,
)
_DIGRAPH = re.compile(r"[LlNn][Jj]|[Dd][Žž]")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # with digits, so that "N1" is one word
# A letter Serbian Latin lacks (q, w, x, y, accented letters other than č ć ž š đ), or an apostrophe inside a word.
_FOREIGN = re.compile(r"[QWXYqwxy'’]|[^\W\d_A-Za-zČĆŽŠĐčćžšđ\u0400-\u04FF]")
_SERBIAN_ONLY = re.compile(r"[ČĆŽŠĐčćžšđ]")
_I_ACRONYM = re.compile(r"[A-ZČĆŽŠĐ]+(?:i[A-ZČĆŽŠĐ]+)+\Z")  # KiM, BiH, SiCG: capitals joined by "i"
_ROMAN = re.compile(r"(?=[IVXLCDM])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\Z")
_SENTENCE_BREAK = re.compile(r"[.!?…:;\n]")
_LATIN_LETTER = re.compile(r"[A-Za-zČĆŽŠĐčćžšđ]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")

# What stays whole: a URL to the end of its token; a handle (@RTS_info); a dotted run (letters, digits, @ + - between
# dots), kept when it holds an @ (an e-mail address) or is a domain or file name (_dotted_name_end). A match starts
# only where no [\w@+-] precedes it, so a scan never starts over inside a run: linear in the text.
_ADDRESS = re.compile(
    r"(?<![\w@+-])(?:(?P<url>(?:(?:https?|ftp)://|www\.)\S+)|(?P<handle>@\w+(?:\.\w+)*)"
    r"|(?P<dotted>[\w@+-]+(?:\.[\w@+-]+)+))"
)
# A case ending, in either script, may follow the top label: rts.rs-u, rts.rs-у.
_TOP_LABEL = re.compile(r"(?:[a-z]{2,63}|(?P<caps>[A-Z]{2,63}))(?:-[a-zčćžšđ\u0430-\u045f]+)?\Z")
_LABEL = re.compile(r"[\w-]+\Z")

_LATIN, _FOREIGN_NAME, _CONVERT = "latin", "foreign", "convert"


class _Rules(NamedTuple):
    keep: frozenset[str]
    convert: frozenset[str]
    spellings: Mapping[str, str]


def _rules(keep: Iterable[str], convert: Iterable[str], spellings: Mapping[str, str] | None) -> _Rules:
    spellings = dict(spellings or {})
    for word, spelled in spellings.items():
        whole = isinstance(word, str) and _WORD.match(word)
        if not whole or whole.end() != len(word) or not isinstance(spelled, str):
            raise ValueError(f"a house spelling maps one Latin word to its Cyrillic spelling, not {word!r} "
                             f"to {spelled!r}")
    return _Rules(FOREIGN_ACRONYMS | frozenset(keep), frozenset(convert), spellings)


def to_latin(text: str) -> str:
    """Cyrillic -> Latin, exact. ``ЉУБОВ`` becomes ``LJUBOV``; ``Љубов`` becomes ``Ljubov``."""
    out = []
    for i, ch in enumerate(text):
        lat = CYR_TO_LAT.get(ch)
        if lat is None:
            out.append(ch)
            continue
        if len(lat) == 2 and ch.isupper():
            # All caps if the next letter is a capital, or (at a word's end) the previous one: КОЊ. -> KONJ.
            following = text[i + 1] if i + 1 < len(text) else ""
            neighbour = following if following.isalpha() else (text[i - 1] if i else "")
            if neighbour.isupper():
                lat = lat.upper()
        out.append(lat)
    return "".join(out)


def to_cyrillic(text: str, keep: Iterable[str] = (), convert: Iterable[str] = (),
                spellings: Mapping[str, str] | None = None) -> str:
    """Latin -> Cyrillic, keeping addresses, foreign acronyms and names, Roman numerals and ``keep`` in Latin letters;
    ``convert`` and ``spellings`` as in the module's docstring. Raises ValueError for a spelling of more than one
    word."""
    rules = _rules(keep, convert, spellings)
    out = []
    for i, part in enumerate(_split_addresses(text)):
        out.append(part if i % 2 else "".join(_converted_words(part, rules)))
    return "".join(out)


def to_script(text: str, tag: str, keep: Iterable[str] = (), convert: Iterable[str] = (),
              spellings: Mapping[str, str] | None = None) -> str:
    """Convert Serbian text into the script of ``tag`` (sr-Latn or sr-Cyrl)."""
    return to_latin(text) if tag == "sr-Latn" else to_cyrillic(text, keep, convert, spellings)


def mixed_words(text: str, tag: str, keep: Iterable[str] = (), convert: Iterable[str] = (),
                spellings: Mapping[str, str] | None = None) -> list[str]:
    """Words in ``text`` that break the script of ``tag``: a word with letters from both scripts in one part,
    Cyrillic letters in Latin text, or, in Cyrillic text, a Latin word that to_cyrillic would have converted (kept
    acronyms and names, addresses and Roman numerals are fine; so is "KFOR-а")."""
    rules = _rules(keep, convert, spellings)
    bad = []
    for part in _split_addresses(text)[::2]:
        context = _Context(part, lenient=True)
        for i, match in enumerate(context.words):
            context.index = i
            if _breaks_script(match.group(0), tag, context, rules):
                bad.append(match.group(0))
    return bad


def _breaks_script(word: str, tag: str, context: _Context, rules: _Rules) -> bool:
    if not _CYRILLIC_LETTER.search(word):
        return tag == "sr-Cyrl" and _convert_word(word, context, rules) != word
    if tag == "sr-Latn":
        return True
    parts = word.split("-")
    return any(_LATIN_LETTER.search(p) and _CYRILLIC_LETTER.search(p) for p in parts) or \
        _convert_word(word, context, rules) != word


def _converted_words(text: str, rules: _Rules) -> Iterable[str]:
    context, last = _Context(text), 0
    for i, match in enumerate(context.words):
        context.index = i
        yield text[last:match.start()]
        yield _convert_word(match.group(0), context, rules)
        last = match.end()
    yield text[last:]


class _Context:
    """The words of ``text`` and where the one at ``index`` stands: what Roman-numeral lookalikes are judged by.
    ``lenient`` (for mixed_words) takes every Roman numeral as one."""

    def __init__(self, text: str, lenient: bool = False):
        self.text, self.words, self.index, self.lenient = text, list(_WORD.finditer(text)), 0, lenient

    def word(self, offset: int) -> str:
        i = self.index + offset
        return self.words[i].group(0) if 0 <= i < len(self.words) else ""

    def gap_after(self) -> str:
        following = self.words[self.index + 1].start() if self.index + 1 < len(self.words) else len(self.text)
        return self.text[self.words[self.index].end():following]

    def starts_sentence(self) -> bool:
        if self.index == 0:
            return True
        return bool(_SENTENCE_BREAK.search(self.text, self.words[self.index - 1].end(), self.words[self.index].start()))


def _convert_word(word: str, context: _Context, rules: _Rules) -> str:
    """``word`` in Cyrillic as far as it is Serbian. Its parts between hyphens are judged apart (KFOR-a: KFOR stays,
    the ending is converted); next to a foreign name, a part that starts with a capital stays too (Wi-Fi,
    Rolls-Royce), and one in lower case is converted (EULEX-u, iPhone-uređaj). A word kept whole (``keep`` has
    "KFOR-a", "Wi-Fi", "e-mail") keeps every part but a case ending after capitals (KFOR-а)."""
    if word in rules.spellings:
        return rules.spellings[word]
    if "-" not in word:
        return _word_to_cyrillic(word) if _judge(word, context, rules) == _CONVERT else word
    parts = word.split("-")
    if word in rules.keep and word not in rules.convert:  # kept whole (Wi-Fi), but for a case ending (KFOR-a)
        judged = [_judge(part, context, rules) if i and part.islower() and parts[i - 1] != parts[i - 1].lower()
                  else _LATIN for i, part in enumerate(parts)]
    else:
        judged = [_judge(part, context, rules) for part in parts]
    foreign = _FOREIGN_NAME in judged
    out = []
    for part, verdict in zip(parts, judged, strict=True):
        if part in rules.spellings:
            out.append(rules.spellings[part])
        elif verdict == _CONVERT and not (foreign and part[:1].isupper()):
            out.append(_word_to_cyrillic(part))
        else:
            out.append(part)
    return "-".join(out)


def _judge(part: str, context: _Context, rules: _Rules) -> str:
    """Whether ``part`` (a word without hyphens) is converted, kept as listed, or kept as a foreign name; the order
    of the rules is the one translate/serbian_data.py lists."""
    if part in rules.convert:
        return _CONVERT
    if part in rules.keep:
        return _LATIN
    if _FOREIGN.search(part):
        return _FOREIGN_NAME
    if part[1:].islower():
        return _CONVERT  # a word in lower case or with one capital first: most of a text
    if _SERBIAN_ONLY.search(part) or part in SERBIAN_ACRONYMS or _I_ACRONYM.match(part):
        return _CONVERT
    if part[1:] != part[1:].lower() and not part.isupper():
        return _FOREIGN_NAME  # capitals inside: iPhone, McDonald
    if _ROMAN.match(part) and _numeral(part, context):
        return _LATIN
    return _CONVERT


def _numeral(part: str, context: _Context) -> bool:
    """Whether ``part``, shaped like a Roman numeral, is one where it stands. A lookalike is a Serbian word in text
    written in capitals (SRBIJA I KOSOVO, VI STE); one letter is a numeral only if it is I, V or X, and not an
    initial before a dot and a name (I. Andrić); a capital I that starts a sentence is the conjunction unless a dot
    or an ordinal noun follows (I svetski rat)."""
    if context.lenient or (part not in ROMAN_LOOKALIKES and len(part) > 1):
        return True
    if part in ROMAN_LOOKALIKES and (_shouted(context.word(-1)) or _shouted(context.word(1))):
        return False
    if len(part) > 1:
        return True
    if part not in SINGLE_LETTER_NUMERALS:
        return False
    gap, following = context.gap_after(), context.word(1)
    if gap.startswith(".") and not gap[1:].strip() and following[:1].isupper():
        return False
    if part in ROMAN_LOOKALIKES and context.starts_sentence():
        return gap.startswith(".") or to_latin(following).lower() in ORDINAL_NOUNS
    return True


def _shouted(word: str) -> bool:
    """A word of two letters or more written in capitals that is not a Roman numeral, judged in Latin letters so that
    the text converted reads the same (ВИ is VI, a lookalike; Џ is Dž, not capitals)."""
    latin = to_latin(word)
    return sum(c.isalpha() for c in latin) >= 2 and latin.isupper() and not _ROMAN.match(latin)


def _word_to_cyrillic(word: str) -> str:
    """``word`` letter by letter, its digraphs first; where they are two letters (_SPLIT_DIGRAPH), it is cut there."""
    split = _SPLIT_DIGRAPH.match(word)
    if split:
        return _word_to_cyrillic_as_is(word[:split.end()]) + _word_to_cyrillic_as_is(word[split.end():])
    return _word_to_cyrillic_as_is(word)


def _word_to_cyrillic_as_is(word: str) -> str:
    return _DIGRAPH.sub(lambda pair: LAT_TO_CYR[pair.group(0)], word).translate(_LETTERS)


def _split_addresses(text: str) -> list[str]:
    """``text`` cut around what stays whole (URLs, e-mail addresses, handles, domain and file names) as ``re.split``
    with a group cuts it: the text between them at even indexes, they at odd ones."""
    parts, last = [], 0
    for match in _ADDRESS.finditer(text):
        end = match.end() if match.lastgroup != "dotted" or "@" in match.group(0) else _dotted_name_end(match)
        if end > match.start():
            parts += [text[last:match.start()], text[match.start():end]]
            last = end
    parts.append(text[last:])
    return parts


def _dotted_name_end(match: re.Match[str]) -> int:
    """Where the domain or file name ``match`` ends (before a case ending: rts.rs-u), or its start when it is none:
    its last label two letters (a country code) or a listed suffix, or three labels or more; lower case, or all in
    capitals (WWW.RTS.RS). Not p.n.e., 17.02.2008 or Beograd.Priština."""
    labels = match.group(0).split(".")
    top = _TOP_LABEL.match(labels[-1])
    if not top or (top.group("caps") and not match.group(0).isupper()):
        return match.start()
    suffix = labels[-1].split("-")[0]
    if len(labels) < 3 and len(suffix) != 2 and suffix.lower() not in GENERIC_SUFFIXES:
        return match.start()
    if not all(_LABEL.match(label) for label in labels[:-1]):
        return match.start()
    return match.end() - (len(labels[-1]) - len(suffix))
