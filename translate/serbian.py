"""Serbian script conversion.

Cyrillic -> Latin is exact (one Cyrillic letter is one Latin letter or digraph). Latin -> Cyrillic
turns Serbian words into Cyrillic and keeps as they are: URLs, e-mail addresses, international
acronyms and names (KFOR, NATO, EULEX, iPhone), and words with letters Serbian does not have
(q, w, x, y). Digraphs lj, nj, dž become single letters except in the few words where they are two
(injekcija, nadživeti, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

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

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # with digits, so that "N1" is one word
_APART = re.compile(r"([-'’])")  # between the parts of a word that are judged apart: KFOR-a, NATO-ov
_FOREIGN = re.compile(r"[qwxyQWXY]")
_LATIN_LETTER = re.compile(r"[A-Za-zČĆŽŠĐčćžšđ]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")

# URLs, e-mail addresses and domain names are kept as they are: the matches, left to right, of
#     (?:https?://|www\.)\S+  |  [\w.+-]+@[\w-]+\.[\w.-]+  |  \S+\.(?:com|org|net|rs|info)\b\S*
# Scanning with that regex is quadratic on one long token (a base64 blob, a run of dots): from each character it reads
# on to the token's end. _urlish_spans finds the same matches in linear time with these:
_URLISH_TOKEN = re.compile(r"(?<!\S)\S*?(?:https?://|www\.|@|\.(?:com|org|net|rs|info)\b)\S*")  # may hold one
_URL = re.compile(r"(?:https?://|www\.)\S")  # and on to the token's end
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NEXT_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_LAST_DOMAIN = re.compile(r"\S*(\.)(?:com|org|net|rs|info)\b")  # a domain name starting before it runs to the end


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
    if _FOREIGN.search(word):
        return True
    # Mixed inner capitals (iPhone, McDonald) are foreign names.
    return any(c.isupper() for c in word[1:]) and not word.isupper()


def _keep_whole(word: str, keep: set[str]) -> bool:
    """A hyphenated word kept as one: listed as it is, or foreign by its letters ("Wi-Fi")."""
    return word in keep or bool(_FOREIGN.search(word))


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
    return "".join(part if i % 2 else _convert_words(part, keep_set) for i, part in enumerate(_split_urls(text)))


def _split_urls(text: str) -> list[str]:
    """``text`` cut around its URLs, e-mail addresses and domain names as ``re.split`` with a group cuts it: the
    text between them at even indexes, they at odd ones."""
    parts, last = [], 0
    for start, end in _urlish_spans(text):
        parts += [text[last:start], text[start:end]]
        last = end
    parts.append(text[last:])
    return parts


def _urlish_spans(text: str) -> Iterator[tuple[int, int]]:
    # A token is tried from its first character only: inside it, the lookbehind fails at once.
    for token in _URLISH_TOKEN.finditer(text):
        yield from _token_spans(text, *token.span())


def _token_spans(text: str, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """The matches in the token ``text[pos:end]`` as the regex finds them: at ``pos`` a URL, else an e-mail address,
    else a domain name; then on from the match's end, or else from the next place where a URL or e-mail address
    starts. An e-mail address found from inside a run of ``[\\w.+-]`` is the one found from the run's start, so it
    is looked for at the start of a run only."""
    domain = _LAST_DOMAIN.match(text, pos, end)
    last_dot = domain.start(1) if domain else -1
    while pos < end:
        email = _EMAIL.match(text, pos, end)
        if _URL.match(text, pos, end) or (not email and pos < last_dot):
            yield pos, end
            return
        if email:
            yield email.span()
            pos = email.end()
        elif following := _NEXT_URL_OR_EMAIL.search(text, pos + 1, end):
            pos = following.start()  # past last_dot: no domain name starts there
        else:
            return


def _convert_words(text: str, keep: set[str]) -> str:
    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        if _keep_whole(word, keep):
            return word
        # Judge each part of "KFOR-a" or "NATO-ov" on its own: KFOR stays, the Serbian ending is converted.
        return "".join(p if _keep(p, keep) else _word_to_cyrillic(p) for p in _APART.split(word))

    return _WORD.sub(convert, text)


def to_script(text: str, tag: str, keep: Iterable[str] = ()) -> str:
    """Convert Serbian text into the script of ``tag`` (sr-Latn or sr-Cyrl)."""
    return to_latin(text) if tag == "sr-Latn" else to_cyrillic(text, keep)


def mixed_words(text: str, tag: str, keep: Iterable[str] = ()) -> list[str]:
    """Words in ``text`` that break the script of ``tag``: a word with letters from both scripts,
    Cyrillic letters in Latin text, or Latin words in Cyrillic text other than kept ones."""
    keep_set = KEEP_LATIN | set(keep)
    bad = []
    plain = " ".join(_split_urls(text)[::2])
    for word in _WORD.findall(plain):
        # Parts of a hyphenated word are judged apart: "KFOR-а" (Latin acronym, Cyrillic ending) is fine.
        parts = [p for p in _APART.split(word)[::2] if p]
        latin = [p for p in parts if _LATIN_LETTER.search(p)]
        mixed = any(_CYRILLIC_LETTER.search(p) for p in latin)
        has_cyr = bool(_CYRILLIC_LETTER.search(word))
        foreign = any(not _keep(p, keep_set) for p in latin) and not _keep_whole(word, keep_set)
        if mixed or (tag == "sr-Latn" and has_cyr) or (tag == "sr-Cyrl" and foreign):
            bad.append(word)
    return bad
