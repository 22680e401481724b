"""Turkish case endings on proper nouns, decided by how the name is said.

Turkish writes a proper noun's case ending after an apostrophe (``Priştine'de``, ``KFOR'un``), and the
ending follows from how the name is *said*: its last vowel (two-way a/e and four-way ı/i/u/ü
harmony), whether it ends in a vowel (buffer consonants n, y, s: ``Kosova'nın``, ``Kosova'ya``,
``Kosova'sı``) and whether it ends in a voiceless consonant (``Paris'te`` but ``Belgrad'da``).

How a name is said (:func:`tr_spoken`), in this order:

1. the glossary term's own ``spoken`` attribute, which callers pass as ``spoken=`` (it wins);
2. the press usage table ``SPOKEN``: foreign names and acronyms the Turkish press does not read as
   spelled (``George'un`` = "corc", ``Biden'ın`` = "baydın", ``CNN'in`` = "si-en-en",
   ``Bruxelles'de`` = "brüksel");
3. the letter rule: a number by its Turkish reading (2024 = "dört"), an acronym as a word when a
   Turkish reader can say it (NATO, EULEX) or else letter by letter with the Turkish letter names
   (AB = a-be, ABD = a-be-de), any other word by its letters, foreign ones as a Turkish reader says
   them (Vučić = "vuçiç").

Where the press and the letter rule differ (CNN'in, not CNN'nin by "ce-ne-ne"; Trump'ın, not
Trump'un), the press wins: the name goes in the table.

This module imports nothing from dragoman.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

APOSTROPHES = ("'", "’")


VOWELS = "aeıioöuü"
BACK = set("aıou")
ROUNDED = set("oöuü")
VOICELESS = set("çfhkpsşt")  # "fıstıkçı şahap"

# Turkish names of the letters, as acronyms are spelled out (TDK: K is "ke").
LETTER_NAMES = {
    "a": "a", "b": "be", "c": "ce", "ç": "çe", "d": "de", "e": "e", "f": "fe", "g": "ge", "ğ": "ge",
    "h": "he", "ı": "ı", "i": "i", "j": "je", "k": "ke", "l": "le", "m": "me", "n": "ne", "o": "o",
    "ö": "ö", "p": "pe", "q": "kü", "r": "re", "s": "se", "ş": "şe", "t": "te", "u": "u", "ü": "ü",
    "v": "ve", "w": "ve", "x": "iks", "y": "ye", "z": "ze",
}

# How the press reads names that are not read as spelled (the letter rule would get their endings wrong),
# in Turkish letters; only the end matters. Looked up without regard to case, the whole name first, then its
# last word. A glossary term's ``spoken`` attribute overrides this table.
SPOKEN = {
    # acronyms of Kosovo news
    "KFOR": "kafor",      # KFOR'un, KFOR'a, KFOR'da
    "EULEX": "euleks",    # EULEX'in, EULEX'e, EULEX'te
    "UNMIK": "unmik",     # UNMIK'in, UNMIK'te
    "OSCE": "o-se-ce-e",  # OSCE'nin, OSCE'ye
    "AGİT": "agit",       # AGİT'in, AGİT'te
    "NATO": "nato",       # NATO'nun, NATO'ya
    "UÇK": "u-çe-ka",     # UÇK'nın (KLA; the older "ka" reading is the usual one)
    "USA": "u-se-a",
    # foreign acronyms said with their English letter names
    "CNN": "si-en-en",    # CNN'in, CNN'e, CNN'de (by Turkish letters "ce-ne-ne": CNN'nin)
    "FBI": "ef-bi-ay",    # FBI'ın, FBI'a (by Turkish letters "fe-be-ı": FBI'nın)
    "NBA": "en-bi-ey",    # NBA'in, NBA'de (by Turkish letters "ne-be-a": NBA'nın)
    # foreign names said otherwise than spelled
    "George": "corc",     # George'un, George'a (by the letters: George'nin)
    "Biden": "baydın",    # Biden'ın, Biden'a (by the letters: Biden'in)
    "Trump": "tramp",     # Trump'ın, Trump'a (by the letters: Trump'un)
    "Blinken": "blinkın",  # Blinken'ın
    "Musk": "mask",       # Musk'ın
    "Charles": "çarls",   # Charles'ın
    "Kennedy": "kenedi",  # Kennedy'nin, Kennedy'ye
    "Reuters": "roytırs",  # Reuters'a, Reuters'ın
    "Google": "gugıl",    # Google'ın, Google'a
    "Apple": "epıl",      # Apple'ın
    "Twitter": "tivitır",  # Twitter'ın
    "YouTube": "yutub",   # YouTube'un, YouTube'da
    "Bruxelles": "brüksel",  # Bruxelles'de, Bruxelles'in (by the letters: Bruxelles'te)
    "Los Angeles": "los ancelıs",  # Los Angeles'ta, Los Angeles'ın
}

# All-caps words spelled letter by letter although the general rule would read them as a word.
LETTER_BY_LETTER = frozenset({"ABD", "AB", "BM", "AKP", "CHP", "MHP", "AİHM", "TBMM", "PKK", "USA", "EU", "UN"})

# Word-final consonant pairs that a Turkish reader pronounces without spelling (Türk, kent, EULEX = "ks").
_FINAL_CLUSTERS = frozenset({
    "rk", "rt", "rs", "rp", "rç", "rd", "rg", "rm", "rn", "rş", "nk", "nt", "nç", "nd", "ns", "ks", "kt",
    "lk", "lt", "lp", "lç", "ls", "lm", "st", "şt", "ft", "ps", "mp", "mt",
})

# Reading of the last part of a number (the only part that decides the ending): 2024 -> "dört".
_DIGITS = ("", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz")
_TENS = ("", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan")
_POWERS = ((1_000_000_000, "milyar"), (1_000_000, "milyon"), (1000, "bin"), (100, "yüz"))

# Foreign letters as a Turkish reader says them (Albanian xh, Serbian č/ć/š/ž/đ, English x/w/q).
_FOREIGN = (("xh", "c"), ("x", "ks"), ("w", "v"), ("q", "k"), ("č", "ç"), ("ć", "ç"), ("š", "ş"),
            ("ž", "j"), ("đ", "c"), ("â", "a"), ("î", "i"), ("û", "u"))

# Morpheme templates: (x) buffer consonant used after a vowel, A = a/e, I = ı/i/u/ü, D = d/t, C = c/ç.
_CASES = {
    "gen": "(n)In",
    "dat": "(y)A",
    "acc": "(y)I",
    "loc": "DA",
    "abl": "DAn",
    "ins": "(y)lA",
    "equ": "CA",
}
# After a possessive (Kosova'sı -> Kosova'sında) or -ki (Priştine'dekine) the case takes a pronominal n.
_PRONOMINAL = {
    "gen": "nIn",
    "dat": "nA",
    "acc": "nI",
    "loc": "nDA",
    "abl": "nDAn",
    "ins": "(y)lA",
    "equ": "nCA",
}
_MORPHEMES = {"pl": "lAr", "poss3": "(s)I", "ki": "ki", "cop": "DIr"}
_CASE_ORDER = ("gen", "dat", "acc", "loc", "abl", "ins", "equ")


def _build_tags() -> tuple[str, ...]:
    """Every suffix chain this module knows, simplest first (that order settles homographs such as
    -ı, which is read as accusative rather than possessive)."""
    chains: list[tuple[str, ...]] = []
    for pl, poss, case in itertools.product((False, True), (False, True), (None, *_CASE_ORDER)):
        head = (("pl",) if pl else ()) + (("poss3",) if poss else ()) + ((case,) if case else ())
        if head:
            chains.append(head)
        if case in ("loc", "gen"):
            for pl2, case2 in itertools.product((False, True), (None, *_CASE_ORDER[:-1])):
                chains.append(head + ("ki",) + (("pl",) if pl2 else ()) + ((case2,) if case2 else ()))
    chains += [(*c, "cop") for c in list(chains) if "ki" not in c and c[-1] != "acc"] + [("cop",)]
    chains.sort(key=len)
    return tuple(".".join(c) for c in chains)


TR_TAGS: tuple[str, ...] = ("nom", *_build_tags())


def tr_lower(text: str) -> str:
    """Lower case with Turkish dotted/dotless i: "KOSOVA" -> "kosova", "IĞDIR" -> "ığdır", "İZMİR" -> "izmir"."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def split_word(word: str) -> tuple[str, str, str]:
    """(stem, apostrophe, suffix); the suffix must be lower-case letters, else there is no suffix."""
    at = max(word.rfind(a) for a in APOSTROPHES)
    if at <= 0:
        return word, "", ""
    suffix = word[at + 1:]
    if not suffix or not suffix.isalpha() or tr_lower(suffix) != suffix:
        return word, "", ""
    return word[:at], word[at], suffix


def split_tr(word: str) -> tuple[str, str]:
    """Split a Turkish proper noun at its apostrophe: "Priştine'de" -> ("Priştine", "de").

    Both ' and ’ count; the last apostrophe is used ("O'Brien'ın" -> ("O'Brien", "ın")). Without an
    apostrophe, or when what follows it is not a lower-case suffix ("O'Brien"), -> (word, "")."""
    stem, _, suffix = split_word(word)
    return stem, suffix


def _number_reading(digits: str) -> str:
    n = int(digits)
    if n == 0:
        return "sıfır"
    if n % 10:
        return _DIGITS[n % 10]
    if n % 100:
        return _TENS[(n % 100) // 10]
    return next(name for size, name in _POWERS if n % size == 0)  # 2000 -> "bin", 1500 -> "yüz"


def _plain(text: str) -> str:
    """Lower case, foreign letters as a Turkish reader says them, other accents dropped (ë -> e)."""
    low = tr_lower(text)
    for foreign, turkish in _FOREIGN:
        low = low.replace(foreign, turkish)
    out = []
    for ch in low:
        if ch in "çşğıöü" or ch.isascii():
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)))
    return "".join(out)


def _readable(letters: str) -> bool:
    """Would a Turkish reader say this acronym as a word? (It has a vowel, no consonant cluster at the
    start, none of three, and at most a pronounceable pair at the end.)"""
    if len(letters) < 3 or not any(c in VOWELS for c in letters):
        return False
    kinds = "".join("v" if c in VOWELS else "c" for c in letters)
    if kinds.startswith("cc") or "ccc" in kinds:
        return False
    return not (kinds.endswith("cc") and letters[-2:] not in _FINAL_CLUSTERS)


@lru_cache(maxsize=1)
def _spoken_table() -> dict[str, str]:
    return {tr_lower(name): reading for name, reading in SPOKEN.items()}


def press_reading(name: str) -> str | None:
    """The press reading of ``name`` from ``SPOKEN`` (any case), or None."""
    return _spoken_table().get(tr_lower(name))


def tr_spoken(stem: str) -> str:
    """How the end of ``stem`` is read aloud, in Turkish letters: "KFOR" -> "kafor", "ABD" -> "a-be-de",
    "EULEX" -> "euleks", "2024" -> "dört", "Bosna-Hersek" -> "hersek", "Biden" -> "baydın", "CNN" ->
    "si-en-en". The press table (``SPOKEN``) first, for the whole stem and then its last word; then
    the letter rule on the last word."""
    words = [w for w in re.split(r"[\s\-‐–]+", stem.strip()) if w]
    if not words:
        return ""
    last = words[-1]
    reading = press_reading(" ".join(words)) or press_reading(last)
    if reading:
        return reading
    digits = re.search(r"(\d+)\W*$", last)
    if digits:
        return _number_reading(digits.group(1))
    letters = "".join(ch for ch in last if ch.isalpha())
    if not letters:
        return ""
    reading = press_reading(letters)
    if reading:
        return reading
    if letters.isupper():
        low = tr_lower(letters)
        if letters not in LETTER_BY_LETTER and _readable(_plain(low)):
            return _plain(low)
        return "-".join(LETTER_NAMES.get(c, _plain(c)) for c in low)
    return _plain(letters)


def _sound(spoken: str) -> tuple[str, str]:
    """(last vowel, how it ends: "vowel" / "voiceless" / "voiced") of a reading."""
    sounds = [c for c in tr_lower(spoken) if c.isalpha()]
    vowel = next((c for c in reversed(sounds) if c in VOWELS), "e")
    if not sounds or sounds[-1] in VOWELS:
        return vowel, "vowel"
    return vowel, "voiceless" if sounds[-1] in VOICELESS else "voiced"


def _realise(template: str, vowel: str, end: str) -> tuple[str, str, str]:
    """Spell a morpheme template after a sound state; returns (text, new last vowel, new end)."""
    out = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "(":
            close = template.index(")", i)
            if end == "vowel":
                out.append(template[i + 1:close])
                end = "voiced"
            i = close + 1
            continue
        if ch == "A":
            ch = "a" if vowel in BACK else "e"
        elif ch == "I":
            ch = ("u" if vowel in ROUNDED else "ı") if vowel in BACK else ("ü" if vowel in ROUNDED else "i")
        elif ch == "D":
            ch = "t" if end == "voiceless" else "d"
        elif ch == "C":
            ch = "ç" if end == "voiceless" else "c"
        out.append(ch)
        if ch in VOWELS:
            vowel, end = ch, "vowel"
        else:
            end = "voiceless" if ch in VOICELESS else "voiced"
        i += 1
    return "".join(out), vowel, end


def _suffix(tag: str, vowel: str, end: str) -> str:
    parts = tag.split(".")
    out = []
    previous = ""
    for part in parts:
        if part in _CASES:
            template = _PRONOMINAL[part] if previous in ("poss3", "ki") else _CASES[part]
        elif part in _MORPHEMES:
            template = _MORPHEMES[part]
        else:
            raise ValueError(f"unknown Turkish suffix tag part {part!r} in {tag!r}")
        text, vowel, end = _realise(template, vowel, end)
        out.append(text)
        previous = part
    return "".join(out)


@lru_cache(maxsize=1)
def _suffix_table() -> dict[str, str]:
    """Every spelling of every known suffix chain -> its tag (first, i.e. simplest, tag wins)."""
    table: dict[str, str] = {}
    states = [(v, e) for v in VOWELS for e in ("vowel", "voiceless", "voiced")]
    for tag in TR_TAGS[1:]:
        for vowel, end in states:
            table.setdefault(_suffix(tag, vowel, end), tag)
    return table


def tr_case(suffix: str) -> str | None:
    """The tag of a Turkish suffix: "de" -> "loc", "nın" -> "gen", "ya" -> "dat", "yı" -> "acc",
    "dan" -> "abl", "yla" -> "ins", "deki" -> "loc.ki", "lardan" -> "pl.abl", "" -> "nom";
    ``None`` when it is not a suffix this module knows."""
    if suffix == "":
        return "nom"
    return _suffix_table().get(tr_lower(suffix))


def tr_attach(stem: str, suffix_or_tag: str, spoken: str | None = None, apostrophe: str = "'") -> str:
    """``stem`` with a case ending, re-harmonised to it: ("Belgrad", "loc") -> "Belgrad'da",
    ("KFOR", "nın") -> "KFOR'un", ("AB", "ya") -> "AB'ye".

    ``suffix_or_tag`` is a tag (``"gen"``, ``"loc.ki"``; ``"nom"`` or ``""`` leaves the stem bare) or
    a suffix written for any stem; ``spoken`` overrides how the stem is read aloud (see
    :func:`tr_spoken`), e.g. ``spoken="kemel"`` for Kemal'in. Raises ValueError for an unknown suffix."""
    tag = suffix_or_tag if suffix_or_tag in TR_TAGS else tr_case(suffix_or_tag)
    if tag is None:
        raise ValueError(f"not a Turkish case suffix or tag: {suffix_or_tag!r}")
    if tag == "nom":
        return stem
    vowel, end = _sound(spoken if spoken is not None else tr_spoken(stem))
    return f"{stem}{apostrophe}{_suffix(tag, vowel, end)}"


def tr_reinflect(source_word: str, new_stem: str, spoken: str | None = None) -> str:
    """Move the ending of ``source_word`` to ``new_stem``, re-deciding harmony, buffer letters and d/t:
    ("Priştine'de", "Belgrad") -> "Belgrad'da"; ("Kosova'nın", "KFOR") -> "KFOR'un". The apostrophe
    of the source (' or ’) is kept. Raises ValueError when the ending is not one this module knows."""
    _, apostrophe, suffix = split_word(source_word)
    if not suffix:
        return new_stem
    tag = tr_case(suffix)
    if tag is None:
        raise ValueError(f"unknown Turkish suffix {suffix!r} in {source_word!r}")
    return tr_attach(new_stem, tag, spoken, apostrophe)
