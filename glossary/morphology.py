"""Inflected forms of glossary terms: Turkish suffixes generated, Albanian and Serbian forms chosen.

Turkish endings are generated from how a name is said (``glossary.turkish``, re-exported here):
``tr_reinflect("Priştine'de", "Belgrad") == "Belgrad'da"``.

Albanian and Serbian inflection is not generated: the term base lists the forms (``Term.forms``) and
:func:`choose_form` picks one, falling back only where the grammar makes two forms coincide (Serbian
dative = locative; Albanian definite genitive = dative = ablative) and otherwise reporting that it
used the base form (``exact=False``), which the caller flags for a human. An ending written after a
hyphen on an acronym (Serbian ``EULEX-u``, Albanian ``OSBE-së``) is read by :func:`hyphen_case`.

:func:`map_tag` carries a case from one language to another; it is deliberately conservative and
returns ``None`` where the case of the target word does not follow from the source word.

Tags are those of ``glossary.model.FORM_TAGS`` plus ``"base"`` (the term's own text) and Turkish
chains written with dots in the order of the morphemes (``"loc.ki"`` = -daki, ``"pl.abl"`` =
-lardan, ``"poss3.loc"`` = -sında). A word whose form stands for several tags (Serbian *Prištini* is
both dative and locative) gets the tags joined by ``"|"`` (``"dat|loc"``).

This module imports nothing from outside ``glossary``.
"""

from __future__ import annotations

from glossary.model import FORM_TAGS, Term
from glossary.turkish import (
    LETTER_NAMES,
    SPOKEN,
    TR_TAGS,
    split_tr,
    tr_attach,
    tr_case,
    tr_lower,
    tr_reinflect,
    tr_spoken,
)
from glossary.turkish import split_word as _split

__all__ = [
    "BASE",
    "LETTER_NAMES",
    "SPOKEN",
    "TR_TAGS",
    "choose_form",
    "hyphen_case",
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
            return tr_attach(term.text, plain, term.spoken or None), True
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


# Endings written after a hyphen on an acronym (or a name read as one), where the form is not listed.
_HYPHEN_ENDINGS: dict[str, dict[str, str]] = {
    "sr": {"a": "gen", "u": "dat|loc", "om": "ins", "а": "gen", "у": "dat|loc", "ом": "ins"},
    "sq": {"i": "def", "u": "def", "ja": "def", "it": "def.gen", "ut": "def.gen", "së": "def.gen", "s": "def.gen",
           "in": "def.acc", "un": "def.acc", "në": "def.acc", "n": "def.acc"},
}


def hyphen_case(ending: str, lang: str) -> str | None:
    """The tag of an ending written after a hyphen: Serbian ``EULEX-u`` -> "dat|loc", ``OSBE-om`` ->
    "ins"; Albanian ``OSBE-së`` -> "def.gen"; None where the ending says nothing sure."""
    return _HYPHEN_ENDINGS.get(_family(lang), {}).get(ending.lower())


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
