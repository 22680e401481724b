"""Serbian script conversion.

Cyrillic -> Latin is exact (one Cyrillic letter is one Latin letter or digraph). Latin -> Cyrillic
turns Serbian words into Cyrillic and keeps as they are: URLs, e-mail addresses, international
acronyms and names (KFOR, NATO, EULEX, iPhone), and words with letters Serbian does not have
(q, w, x, y). Digraphs lj, nj, dž become single letters except in the few words where they are two
(injekcija, nadživeti, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CYR = "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШабвгдђежзијклљмнњопрстћуфхцчџш"
_LAT = ["A", "B", "V", "G", "D", "Đ", "E", "Ž", "Z", "I", "J", "K", "L", "Lj", "M", "N", "Nj", "O", "P",
        "R", "S", "T", "Ć", "U", "F", "H", "C", "Č", "Dž", "Š",
        "a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o", "p",
        "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"]
CYR_TO_LAT = dict(zip(_CYR, _LAT, strict=True))
LAT_TO_CYR = {lat: cyr for cyr, lat in CYR_TO_LAT.items()}
LAT_TO_CYR.update({"LJ": "Љ", "NJ": "Њ", "DŽ": "Џ", "lJ": "љ", "nJ": "њ", "dŽ": "џ"})

# Acronyms and names that Serbian Cyrillic text keeps in Latin letters. Serbian abbreviations of Serbian
# words (UN = Ujedinjene nacije, EU = Evropska unija, AP = autonomna pokrajina) are converted: УН, ЕУ, АП.
KEEP_LATIN = {
    "KFOR", "NATO", "EULEX", "UNMIK", "OSCE", "UNHCR", "UNDP", "UNICEF", "USAID", "CEFTA", "EUFOR",
    "IMF", "WHO", "FIFA", "UEFA", "BBC", "CNN", "AFP", "RTS", "N1", "USA", "OK",
}
# Words where lj / nj / dž are two letters, not one.
_SPLIT_DIGRAPH = re.compile(
    r"^(?:(nad)(ž)(?=i|nj)|(pod)(ž)(?=up|anr)|(od)(ž)(?=al|iv)|(in)(j)(?=ek|unk)|(kon)(j)(?=ug|unk)"
    r"|(van)(j)(?=ez)|(tan)(j)(?=ug))",
    re.IGNORECASE,
)

_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\S+\.(?:com|org|net|rs|info)\b\S*")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # with digits, so that "N1" is one word
_LATIN_LETTER = re.compile(r"[A-Za-zČĆŽŠĐčćžšđ]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")


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


def _keep(word: str, keep: set[str]) -> bool:
    if word in keep or (word.upper() in keep and word.isupper()):
        return True
    if re.search(r"[qwxyQWXY]", word):
        return True
    # Mixed inner capitals (iPhone, McDonald) are foreign names.
    return any(c.isupper() for c in word[1:]) and not word.isupper()


def _keep_whole(word: str, keep: set[str]) -> bool:
    """A hyphenated word kept as one: listed as it is, or foreign by its letters ("Wi-Fi")."""
    return word in keep or bool(re.search(r"[qwxyQWXY]", word))


def _word_to_cyrillic(word: str) -> str:
    out, i = [], 0
    split = _SPLIT_DIGRAPH.match(word)
    split_at = split.end() - 1 if split else -1  # index of the letter that must stay separate
    while i < len(word):
        pair = word[i:i + 2]
        if len(pair) == 2 and pair in LAT_TO_CYR and i + 1 != split_at:
            out.append(LAT_TO_CYR[pair])
            i += 2
            continue
        out.append(LAT_TO_CYR.get(word[i], word[i]))
        i += 1
    return "".join(out)


def to_cyrillic(text: str, keep: Iterable[str] = ()) -> str:
    """Latin -> Cyrillic, keeping URLs, e-mail addresses, ``KEEP_LATIN`` and ``keep`` as they are."""
    keep_set = KEEP_LATIN | set(keep)
    out, last = [], 0
    for match in _URLISH.finditer(text):
        out.append(_convert_words(text[last:match.start()], keep_set))
        out.append(match.group(0))
        last = match.end()
    out.append(_convert_words(text[last:], keep_set))
    return "".join(out)


def _convert_words(text: str, keep: set[str]) -> str:
    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        if _keep_whole(word, keep):
            return word
        # Judge each part of "KFOR-a" or "NATO-ov" on its own: KFOR stays, the Serbian ending is converted.
        return "".join(p if _keep(p, keep) else _word_to_cyrillic(p) for p in re.split(r"([-'’])", word))

    return _WORD.sub(convert, text)


def to_script(text: str, tag: str, keep: Iterable[str] = ()) -> str:
    """Convert Serbian text into the script of ``tag`` (sr-Latn or sr-Cyrl)."""
    return to_latin(text) if tag == "sr-Latn" else to_cyrillic(text, keep)


def mixed_words(text: str, tag: str, keep: Iterable[str] = ()) -> list[str]:
    """Words in ``text`` that break the script of ``tag``: a word with letters from both scripts,
    Cyrillic letters in Latin text, or Latin words in Cyrillic text other than kept ones."""
    keep_set = KEEP_LATIN | set(keep)
    bad = []
    plain = _URLISH.sub(" ", text)
    for word in _WORD.findall(plain):
        # Parts of a hyphenated word are judged apart: "KFOR-а" (Latin acronym, Cyrillic ending) is fine.
        parts = [p for p in re.split(r"[-'’]", word) if p]
        latin = [p for p in parts if _LATIN_LETTER.search(p)]
        mixed = any(_CYRILLIC_LETTER.search(p) for p in latin)
        has_cyr = bool(_CYRILLIC_LETTER.search(word))
        foreign = any(not _keep(p, keep_set) for p in latin) and not _keep_whole(word, keep_set)
        if mixed or (tag == "sr-Latn" and has_cyr) or (tag == "sr-Cyrl" and foreign):
            bad.append(word)
    return bad
