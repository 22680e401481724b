"""Inline markup as codes: how a unit of text carries its tags through segmentation and translation.

A unit (an HTML paragraph, a Markdown line) holds its inline markup as single characters from
Unicode's private use plane 15: for the tag numbered n of the unit, ``code(OPEN, n)`` opens it
(``<a href=...>``, ``**``), ``code(CLOSE, n)`` closes it and ``code(ALONE, n)`` stands for markup
with nothing to translate inside (``<br>``, ``<img>``, ``<code>...</code>``, a URL). The format that
made the codes keeps what each stands for (``Block.codes``, keyed by ``key(char)``); the model never
sees them (``translate.tagplace`` strips them and puts them back). Sentences are split on the text
without its codes (``split``), so a sentence may contain tags and a tag may span a sentence boundary.
"""

from __future__ import annotations

import re
from collections import Counter

from translate.segment import Sentence, split_sentences

BASE = 0xF0000
OPEN, CLOSE, ALONE = "o", "c", "s"
_KINDS = (OPEN, CLOSE, ALONE)
MAX_CODES = 20_000                      # tags in one unit
RESERVED = re.compile("[\U000f0000-\U000ffffd]")
_CODE = re.compile("[\U000f0000-\U000ffffd]")


class TooManyCodes(ValueError):
    """A unit with more inline tags than ``MAX_CODES``."""


def code(kind: str, n: int) -> str:
    if not 0 < n <= MAX_CODES:
        raise TooManyCodes(f"a paragraph has more than {MAX_CODES:,} inline tags")
    return chr(BASE + 3 * n + _KINDS.index(kind))


def parse_code(char: str) -> tuple[str, int] | None:
    """(kind, number) of a code character, None for any other character."""
    if len(char) != 1:
        return None
    value = ord(char) - BASE
    if value < 3 or value >= 3 * (MAX_CODES + 1):
        return None
    return _KINDS[value % 3], value // 3


def key(char: str) -> str:
    """How a code is named in ``Block.codes`` and in exports: "o3", "c3", "s7"."""
    kind, n = parse_code(char)  # type: ignore[misc]
    return f"{kind}{n}"


def from_key(name: str) -> str:
    return code(name[0], int(name[1:]))


def is_code(char: str) -> bool:
    return parse_code(char) is not None


def has_codes(text: str) -> bool:
    return _CODE.search(text) is not None


def codes(text: str) -> list[str]:
    """The code characters of ``text``, in order."""
    return _CODE.findall(text)


def plain(text: str) -> str:
    return _CODE.sub("", text)


def strip(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The text without its codes, and each code with its position in that text."""
    out: list[str] = []
    found: list[tuple[int, str]] = []
    at = 0
    for match in _CODE.finditer(text):
        piece = text[at:match.start()]
        out.append(piece)
        found.append((sum(map(len, out)), match.group()))
        at = match.end()
    out.append(text[at:])
    return "".join(out), found


# --- sentences ------------------------------------------------------------------------------------------
def split(text: str, lang: str) -> list[Sentence]:
    """``split_sentences`` for a unit with codes: sentences found in the text without codes, each
    carrying the codes inside it. Between two sentences the codes just after the first sentence's
    end stay with it, the whitespace after them is its ``space_after`` and the rest opens the next;
    the first sentence starts at the unit's start and the last ends at its end, so joining
    text + space_after gives back the unit exactly (a unit that neither starts nor ends with
    whitespace, as the formats make them)."""
    if not has_codes(text):
        return split_sentences(text, lang)
    bare = plain(text)
    found = split_sentences(bare, lang)
    if not found:
        return [Sentence(text, "")] if text else []
    to_coded = _coded_offsets(text)
    cuts: list[tuple[int, int]] = []  # (end of sentence i, start of sentence i+1) in the coded text
    at = 0
    for sentence in found[:-1]:
        start = bare.index(sentence.text, at)
        end = start + len(sentence.text)
        gap_start = to_coded[end][0]             # the coded position right after the sentence's last character
        gap_end = to_coded[end + len(sentence.space_after)][1]
        gap = text[gap_start:gap_end]
        first_space = next((i for i, c in enumerate(gap) if c.isspace()), len(gap))
        space_end = first_space
        while space_end < len(gap) and gap[space_end].isspace():
            space_end += 1
        cuts.append((gap_start + first_space, gap_start + space_end))
        at = end + len(sentence.space_after)
    out: list[Sentence] = []
    start = 0
    for end, next_start in cuts:
        out.append(Sentence(text[start:end], text[end:next_start]))
        start = next_start
    out.append(Sentence(text[start:], ""))
    return out


def _coded_offsets(text: str) -> list[tuple[int, int]]:
    """For each offset i of the text without codes (0..len), the first and last coded offset that
    it maps to (codes sit between: the range covers them)."""
    first: list[int] = [0]
    last: list[int] = []
    for j, char in enumerate(text):
        if is_code(char):
            continue
        last.append(j)
        first.append(j + 1)
    last.append(len(text))
    return [(f if i == 0 else first[i], last[i]) for i, f in enumerate(first)]


# --- as people type them ------------------------------------------------------------------------------
_LABEL = {OPEN: "⟦{}⟧", CLOSE: "⟦/{}⟧", ALONE: "⟦{}/⟧"}
_READABLE = re.compile(r"⟦(/?)(\d{1,5})(/?)⟧")


def readable(text: str) -> str:
    """Codes as ⟦1⟧ ⟦/1⟧ ⟦2/⟧: how a plain text box shows them (the review desk's editor)."""
    return _CODE.sub(lambda m: _LABEL[parse_code(m.group())[0]].format(parse_code(m.group())[1]), text)


def from_readable(text: str) -> str:
    """``readable`` undone: ⟦1⟧ ⟦/1⟧ ⟦2/⟧ back to codes (anything else is left as typed)."""
    def code_of(m: re.Match[str]) -> str:
        closing, n, alone = m.group(1), int(m.group(2)), m.group(3)
        if (closing and alone) or not 0 < n <= MAX_CODES:
            return m.group()
        return code(CLOSE if closing else ALONE if alone else OPEN, n)

    return _READABLE.sub(code_of, text)


# --- checks ---------------------------------------------------------------------------------------------
def problems(source: str, target: str) -> list[str]:
    """What is wrong with the tags of ``target`` against ``source``: codes dropped, added, reordered,
    or closed before they open. Empty when the target carries the source's codes in its order."""
    want, got = codes(source), codes(target)
    if want == got:
        return []
    found: list[str] = []
    missing = Counter(want) - Counter(got)
    extra = Counter(got) - Counter(want)
    if missing:
        found.append("dropped " + ", ".join(sorted(key(c) for c in missing)))
    if extra:
        found.append("added " + ", ".join(sorted(key(c) for c in extra)))
    if not missing and not extra:
        found.append("reordered")
    if not nested(got):
        found.append("badly nested")
    return found


def nested(sequence: list[str]) -> bool:
    """Do the paired codes of ``sequence`` open before they close and nest properly? (A code whose
    partner is not in the sequence -- a tag that spans a sentence boundary -- is left alone.)"""
    present = {parse_code(c) for c in sequence}
    stack: list[int] = []
    for char in sequence:
        kind, n = parse_code(char)  # type: ignore[misc]
        if kind == ALONE or (CLOSE if kind == OPEN else OPEN, n) not in present:
            continue
        if kind == OPEN:
            stack.append(n)
        elif not stack or stack.pop() != n:
            return False
    return not stack
