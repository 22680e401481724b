"""Inflected forms of glossary terms: Turkish suffixes generated, Albanian and Serbian forms chosen.

Turkish writes a proper noun's case ending after an apostrophe (``Priştine'de``, ``KFOR'un``), and the
ending follows from how the name is *said*: its last vowel (two-way a/e and four-way ı/i/u/ü
harmony), whether it ends in a vowel (buffer consonants n, y, s: ``Kosova'nın``, ``Kosova'ya``,
``Kosova'sı``) and whether it ends in a voiceless consonant (``Paris'te`` but ``Belgrad'da``).
Acronyms are read aloud either as a word (NATO, UNMIK, EULEX) or letter by letter with the Turkish
letter names (AB = a-be, ABD = a-be-de, BM = be-me). So this module can move an ending from one
stem to another: ``tr_reinflect("Priştine'de", "Belgrad") == "Belgrad'da"``.

Albanian and Serbian inflection is not generated: the term base lists the forms (``Term.forms``) and
:func:`choose_form` picks one, falling back only where the grammar makes two forms coincide (Serbian
dative = locative; Albanian definite genitive = dative = ablative) and otherwise reporting that it
used the base form (``exact=False``), which the caller flags for a human.

:func:`map_tag` carries a case from one language to another; it is deliberately conservative and
returns ``None`` where the case of the target word does not follow from the source word.

Tags are those of ``glossary.model.FORM_TAGS`` plus ``"base"`` (the term's own text) and Turkish
chains written with dots in the order of the morphemes (``"loc.ki"`` = -daki, ``"pl.abl"`` =
-lardan, ``"poss3.loc"`` = -sında). A word whose form stands for several tags (Serbian *Prištini* is
both dative and locative) gets the tags joined by ``"|"`` (``"dat|loc"``).

This module imports nothing from outside ``glossary``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from glossary.model import FORM_TAGS, Term

__all__ = [
    "BASE",
    "LETTER_NAMES",
    "SPOKEN",
    "TR_TAGS",
    "choose_form",
    "map_tag",
    "split_tr",
    "tag_of",
    "tags_of",
    "tr_attach",
    "tr_case",
    "tr_lower",
    "tr_reinflect",
    "tr_spoken",
]

BASE = "base"
APOSTROPHES = ("'", "’")

# ---------------------------------------------------------------------------------------------
# Turkish
# ---------------------------------------------------------------------------------------------

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

# How the newsroom's names are read aloud where the general rule would get them wrong.
SPOKEN = {
    "KFOR": "kafor",      # KFOR'un, KFOR'a, KFOR'da
    "EULEX": "euleks",    # EULEX'in, EULEX'e, EULEX'te
    "UNMIK": "unmik",     # UNMIK'in, UNMIK'te
    "OSCE": "o-se-ce-e",  # OSCE'nin, OSCE'ye
    "AGİT": "agit",       # AGİT'in, AGİT'te
    "NATO": "nato",       # NATO'nun, NATO'ya
    "UÇK": "u-çe-ka",     # UÇK'nın (KLA; the older "ka" reading is the usual one)
    "USA": "u-se-a",
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


def _split(word: str) -> tuple[str, str, str]:
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
    stem, _, suffix = _split(word)
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


def tr_spoken(stem: str) -> str:
    """How the end of ``stem`` is read aloud, in Turkish letters: "KFOR" -> "kafor", "ABD" -> "a-be-de",
    "EULEX" -> "euleks", "2024" -> "dört", "Bosna-Hersek" -> "hersek". Only the last word matters."""
    words = [w for w in re.split(r"[\s\-‐–]+", stem.strip()) if w]
    if not words:
        return ""
    last = words[-1]
    if last in SPOKEN:
        return SPOKEN[last]
    digits = re.search(r"(\d+)\W*$", last)
    if digits:
        return _number_reading(digits.group(1))
    letters = "".join(ch for ch in last if ch.isalpha())
    if not letters:
        return ""
    if letters in SPOKEN:
        return SPOKEN[letters]
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
    _, apostrophe, suffix = _split(source_word)
    if not suffix:
        return new_stem
    tag = tr_case(suffix)
    if tag is None:
        raise ValueError(f"unknown Turkish suffix {suffix!r} in {source_word!r}")
    return tr_attach(new_stem, tag, spoken, apostrophe)


# ---------------------------------------------------------------------------------------------
# Choosing listed forms (Albanian, Serbian; Turkish generated when not listed)
# ---------------------------------------------------------------------------------------------


def _family(lang: str) -> str:
    return "sr" if lang.startswith("sr") else lang


def _same(a: str, b: str, term: Term) -> bool:
    if term.case_sensitive:
        return a == b
    if _family(term.lang) == "tr":
        return tr_lower(a) == tr_lower(b)
    return a.casefold() == b.casefold()


def _order(tag: str) -> tuple[int, str]:
    return (FORM_TAGS.index(tag), tag) if tag in FORM_TAGS else (len(FORM_TAGS), tag)


def tags_of(word: str, term: Term) -> list[str]:
    """Every tag under which ``word`` is one of ``term``'s forms, in ``FORM_TAGS`` order; ``["base"]``
    when it is only the term's own text; for Turkish, also an ending after the apostrophe on the
    term's text ("KFOR'un" -> ["gen"]); ``[]`` when the word is not a form of the term."""
    found = sorted({tag for tag, form in term.forms.items() if _same(word, form, term)}, key=_order)
    if found:
        return found
    if _same(word, term.text, term):
        return [BASE]
    if _family(term.lang) == "tr":
        stem, _, suffix = _split(word)
        tag = tr_case(suffix) if suffix else None
        if tag is not None and _same(stem, term.text, term):
            return [tag]
    return []


def tag_of(word: str, term: Term) -> str | None:
    """Which of ``term``'s forms ``word`` is: a tag ("gen"), ``"base"`` for the term's own text, the
    tags joined by "|" when one form stands for several ("Prištini" -> "dat|loc"), or ``None``."""
    found = tags_of(word, term)
    return "|".join(found) if found else None


# Fallbacks when a tag is not listed: other tags whose form is the same by grammar, tried in order.
# BASE at the end of a chain means the base text *is* the right form (exact); otherwise running out
# of a chain gives the base text with exact=False.
_FALLBACK: dict[str, dict[str, tuple[str, ...]]] = {
    "sq": {
        # Running text uses the definite nominative (Prishtina); the base text is indefinite (Prishtinë).
        "nom": ("def",),
        "def": ("nom",),
        # Singular definite genitive, dative and ablative coincide: Prishtinës, Beogradit.
        "gen": ("def.gen", "def.dat", "dat", "def.abl", "abl"),
        "def.gen": ("gen", "def.dat", "dat", "def.abl", "abl"),
        "dat": ("def.dat", "def.gen", "gen", "def.abl", "abl"),
        "def.dat": ("dat", "def.gen", "gen", "def.abl", "abl"),
        "abl": ("def.abl", "def.gen", "gen", "def.dat", "dat"),
        "def.abl": ("abl", "def.gen", "gen", "def.dat", "dat"),
        "indef.gen": ("indef.abl",),
        "indef.abl": ("indef.gen",),
        "acc": ("def.acc",),
        "def.acc": ("acc",),
        # "në Prishtinë", "në Beograd": the indefinite form, which is the base text.
        "indef": (BASE,),
        "loc": ("indef", BASE),
    },
    "sr": {
        # The base text of a Serbian term is its nominative.
        "nom": (BASE,),
        "def": ("nom", BASE),
        "indef": ("nom", BASE),
        # Dative and locative coincide in the singular of nearly all nouns: Prištini, Beogradu, Kosovu.
        "dat": ("loc",),
        "loc": ("dat",),
        "def.dat": ("dat", "loc"),
        "def.gen": ("gen",),
        "indef.gen": ("gen",),
        "def.acc": ("acc",),
        "abl": ("gen",),
        "def.abl": ("gen",),
        "indef.abl": ("gen",),
    },
}


def _choose_one(term: Term, tag: str) -> tuple[str, bool]:
    if tag == BASE:
        return term.text, True
    if tag in term.forms:
        return term.forms[tag], True
    family = _family(term.lang)
    if family == "tr":
        plain = tag.removeprefix("def.").removeprefix("indef.")
        if plain in ("def", "indef", "voc"):
            plain = "nom"
        if plain in TR_TAGS:
            return tr_attach(term.text, plain), True
        return term.text, False
    if family == "en":
        # English names do not inflect; a possessive 's belongs to the sentence unless listed.
        return term.text, tag != "gen"
    for fallback in _FALLBACK.get(family, {}).get(tag, ()):
        if fallback == BASE:
            return term.text, True
        if fallback in term.forms:
            return term.forms[fallback], True
    return term.text, False


def choose_form(term: Term, tag: str | None) -> tuple[str, bool]:
    """The form of (target) ``term`` for ``tag`` and whether it is exact. A listed form is exact; else
    a form that grammar makes identical (sr loc -> dat, sq def.gen -> gen -> def.dat ...); Turkish
    endings are generated with :func:`tr_attach`; otherwise ``(term.text, False)``, which the caller
    flags. Works the same for sr-Latn and sr-Cyrl terms (the forms are already in the term's script).
    An ambiguous tag "a|b" is exact only when every reading gives the same form."""
    if tag is None:
        return term.text, False
    choices = [_choose_one(term, t) for t in tag.split("|")]
    forms = {form for form, _ in choices}
    if len(forms) == 1 and all(exact for _, exact in choices):
        return choices[0]
    return term.text, False


# ---------------------------------------------------------------------------------------------
# Carrying a case across languages
# ---------------------------------------------------------------------------------------------

# Source tag -> target tag, per (source, target) language family. Only mappings where the case of the
# word itself decides the target case; prepositions are the translation's business. Anything not
# listed (Turkish dative -> Albanian: "në Prishtinë" or "Kosovës"?; Serbian genitive -> Turkish: "iz
# Prištine" = Priştine'den, "gradonačelnik Prištine" = Priştine'nin) is None and gets flagged.
_TRANSFER: dict[tuple[str, str], dict[str, str]] = {
    ("tr", "sr"): {
        BASE: "nom", "nom": "nom", "gen": "gen", "dat": "dat", "acc": "acc", "loc": "loc",
        "abl": "gen",  # Priştine'den = iz Prištine
        "ins": "ins",  # Priştine'yle = sa Prištinom
    },
    ("tr", "sq"): {
        BASE: "nom", "nom": "nom", "gen": "def.gen",
        "acc": "def.acc",  # accusative marks a definite object: Priştine'yi = Prishtinën
        "loc": "loc",  # Priştine'de = në Prishtinë
        "ins": "def.acc",  # Kosova'yla = me Kosovën
    },
    ("sq", "sr"): {
        "nom": "nom", "def": "nom",
        "gen": "gen", "def.gen": "gen", "indef.gen": "gen",
        "dat": "dat", "def.dat": "dat",
        "abl": "gen", "def.abl": "gen", "indef.abl": "gen",  # prej Prishtinës = iz Prištine
        "loc": "loc", "voc": "voc",
    },
    ("sq", "tr"): {
        "nom": "nom", "def": "nom",
        "gen": "gen", "def.gen": "gen", "indef.gen": "gen",
        "dat": "dat", "def.dat": "dat",
        "abl": "abl", "def.abl": "abl", "indef.abl": "abl",
        "loc": "loc",
    },
    ("sr", "tr"): {BASE: "nom", "nom": "nom", "dat": "dat", "loc": "loc", "ins": "ins"},
    ("sr", "sq"): {
        BASE: "nom", "nom": "nom", "gen": "def.gen", "dat": "def.dat", "loc": "loc",
        "ins": "def.acc",  # sa Prištinom = me Prishtinën
        "voc": "voc",
    },
}

_TR_CARRIED = {"loc.ki": "loc"}  # Priştine'deki toplantı = sastanak u Prištini / takimi në Prishtinë
_FAMILIES = {"en", "tr", "sq", "sr"}


def map_tag(tag: str | None, source_lang: str, target_lang: str) -> str | None:
    """The target-language tag for a source word's tag, or ``None`` when it cannot be decided (the
    caller flags it). Same language (sr-Latn <-> sr-Cyrl too): unchanged. Into English: "base" (names
    do not inflect). Out of English, or from an Albanian base (indefinite) form: None. Examples:
    ("loc", "tr", "sr-Latn") -> "loc"; ("def.gen", "sq", "sr-Cyrl") -> "gen"; ("gen", "tr", "sq") ->
    "def.gen"; ("abl", "tr", "sr-Latn") -> "gen"; ("dat|loc", "sr-Latn", "tr") -> None."""
    source, target = _family(source_lang), _family(target_lang)
    for lang in (source, target):
        if lang not in _FAMILIES:
            raise ValueError(f"unknown language {lang!r}")
    if tag is None:
        return None
    if source == target:
        return tag
    if "|" in tag:
        mapped = {map_tag(t, source_lang, target_lang) for t in tag.split("|")}
        return mapped.pop() if len(mapped) == 1 else None
    if target == "en":
        return BASE
    if source == "tr":
        tag = _TR_CARRIED.get(tag, tag)
    return _TRANSFER.get((source, target), {}).get(tag)
