"""Tags the model never sees: a sentence's codes (``translate.inline``) are taken out before the
model and put back into its output, where the model's attention says the words they wrapped went.

``prepare`` splits a sentence into its head and tail (codes and whitespace at its edges, kept in
place: a sentence wrapped whole in ``<strong>`` needs no alignment) and a core whose text without
codes is what the model translates. ``restore`` puts the core's codes into the translation: a pair
wraps the target words aligned to the source words it wrapped, a code standing alone follows the
target word aligned to the source word before it. ``links`` come from the decoder's attention
(``translate.attention``; CTranslate2's ``return_attention``); without them (the transformers
backend, a sentence cut at clauses) a pair wraps the same words if the translation has them
verbatim (names, numbers), else the words at the same relative position. Pairs stay nested as in
the source, so the output is always well-formed. A pair that holds no words (a linked image) and
codes side by side (an @handle and a #hashtag) are placed as one code standing alone; a code glued
to the word after it (``<img>Mitrovica``) goes before that word; a code standing alone gets back
the spaces it had around it, and the model sees none of them twice ("to." for "to <code>.").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translate import inline
from translate.attention import Link


@dataclass(frozen=True)
class Stripped:
    head: str
    core: str
    tail: str
    plain: str                    # the core without codes: what the model translates
    codes: list[tuple[int, str]]  # the core's codes and their offsets in ``plain``
    spaced: dict[str, tuple[bool, bool]]  # a code standing alone: whitespace before it, after it
    joined: dict[str, str] = field(default_factory=dict)  # a code standing for more (a run, a wordless pair) -> them


def _alone(char: str) -> bool:
    found = inline.parse_code(char)
    return found is not None and found[0] == inline.ALONE


def _wordless(core: str) -> tuple[str, dict[str, str]]:
    """A pair that holds no words, only codes and spaces (a linked image, ``<b> </b>``), is placed as a
    code standing alone: the core has ``code(ALONE, n)`` for the pair numbered n, and ``joined`` maps
    that to the pair as written."""
    closes = {found[1]: i for i, c in enumerate(core) if (found := inline.parse_code(c)) and found[0] == inline.CLOSE}
    words = [0]  # words[i]: characters of core[:i] that are neither codes nor spaces
    for c in core:
        words.append(words[-1] + (not inline.is_code(c) and not c.isspace()))
    out: list[str] = []
    joined: dict[str, str] = {}
    i = 0
    while i < len(core):
        found = inline.parse_code(core[i])
        j = closes.get(found[1], -1) if found and found[0] == inline.OPEN else -1
        if j > i and words[j] == words[i]:
            out.append(inline.code(inline.ALONE, found[1]))
            joined[out[-1]] = core[i:j + 1]
            i = j + 1
        else:
            out.append(core[i])
            i += 1
    return "".join(out), joined


def _runs(core: str, joined: dict[str, str]) -> str:
    """Codes standing alone with nothing but whitespace between them ("@handle #tag", two images)
    are placed as one: the core keeps the first of them, and ``joined`` maps it to the run as written."""
    out: list[str] = []
    i = 0
    while i < len(core):
        last = i
        if _alone(core[i]):
            j = i + 1
            while True:
                while j < len(core) and core[j].isspace():
                    j += 1
                if j == len(core) or not _alone(core[j]):
                    break
                last, j = j, j + 1
            if last > i:
                joined[core[i]] = "".join(joined.get(c, c) for c in core[i:last + 1])
        out.append(core[i])
        i = last + 1
    return "".join(out)


def _spacing(core: str) -> tuple[str, dict[str, tuple[bool, bool]]]:
    """The core with one space around each code standing alone dropped (the model sees "at or", not
    "at  or", "to." for "to <code>." or "to</b> <code>.", and "(words" for "(<code> words"), and each such
    code's spacing in the source."""
    bare = [c for c in core if not inline.is_code(c)]
    out: list[str] = []
    spaced: dict[str, tuple[bool, bool]] = {}
    seen = 0          # characters of ``bare`` passed
    last = -1         # where the last of them kept is in ``out`` (-1: none, or dropped)
    drop = False
    for char in core:
        if inline.is_code(char):
            if inline.parse_code(char)[0] == inline.ALONE:
                before = seen > 0 and bare[seen - 1].isspace()
                after = seen < len(bare) and bare[seen].isspace()
                spaced[char] = (before, after)
                # "at <code> or" -> "at or"; "[<code> words" -> "[words", not "[ words"
                drop = drop or (after and (before or (seen > 0 and not bare[seen - 1].isalnum())))
                word_after = seen < len(bare) and bare[seen].isalnum()
                if before and not after and last >= 0 and out[last].isspace() and not word_after:
                    out[last], last = "", -1
            out.append(char)
            continue
        seen += 1
        if drop and char.isspace():
            drop = False
            continue
        drop = False
        last = len(out)
        out.append(char)
    return "".join(out), spaced


def prepare(sentence: str) -> Stripped:
    start, end = 0, len(sentence)
    while start < end and (inline.is_code(sentence[start]) or sentence[start].isspace()):
        start += 1
    while end > start and (inline.is_code(sentence[end - 1]) or sentence[end - 1].isspace()):
        end -= 1
    core, joined = _wordless(sentence[start:end])
    core, spaced = _spacing(_runs(core, joined))
    plain, codes = inline.strip(core)
    return Stripped(sentence[:start], core, sentence[end:], plain, codes, spaced, joined)


class _Pair:
    def __init__(self, first: int, last: int, x: int, y: int, opener: str, closer: str):
        self.first, self.last, self.x, self.y, self.opener, self.closer = first, last, x, y, opener, closer
        self.at_start: list = []   # codes placed just inside its start (texts, or empty pairs)
        self.at_end: list = []

    def contains(self, first: int, last: int) -> bool:
        return self.first < first and last < self.last

    def start_parts(self) -> list:
        return [self.opener, *(part for item in self.at_start for part in _parts(item))]

    def end_parts(self) -> list:
        return [*(part for item in self.at_end for part in _parts(item)), self.closer]


@dataclass(frozen=True)
class _Alone:
    """A code standing alone (or what it stands for) and whether the source had whitespace before and after it."""
    text: str
    before: bool
    after: bool


def _parts(item) -> list:
    return [item] if isinstance(item, (str, _Alone)) else item.start_parts() + item.end_parts()


def restore(stripped: Stripped, target: str, links: list[Link] | None = None) -> str:
    """The translation ``target`` of ``stripped.plain`` with the sentence's codes put back."""
    if not stripped.codes:
        return stripped.head + target + stripped.tail
    plain, codes = stripped.plain, stripped.codes
    pairs: list[_Pair] = []
    for a, b, first, last in _pairs(codes, len(plain)):
        x, y = _fit(first, last, *_span(a, b, plain, target, links), pairs)
        pairs.append(_Pair(first, last, x, y, codes[first][1] if first >= 0 else "",
                           codes[last][1] if last < len(codes) else ""))
    points: list[tuple[int, int, object]] = [(p.first if p.first >= 0 else p.last, p.x, p) for p in pairs
                                             if p.x == p.y]
    for k, (position, char) in enumerate(codes):
        if inline.parse_code(char)[0] == inline.ALONE:
            before, after = stripped.spaced[char]
            glued = before and not after and position < len(plain) and plain[position].isalnum()
            points.append((k, _point(position, plain, target, links, glued), char))
    events: list[tuple[int, int, int, object]] = []
    for k, at, item in sorted(points, key=lambda p: p[0]):
        inner = max((p for p in pairs if p is not item and p.contains(k, k if isinstance(item, str) else item.last)),
                    key=lambda p: p.first, default=None)
        if inner is not None:                      # inside a pair in the source: inside it in the target
            at = min(max(at, inner.x), inner.y)
        if isinstance(item, str):                  # a code standing alone
            item = _Alone(stripped.joined.get(item, item), *stripped.spaced[item])
        if inner is not None:
            if at == inner.x:
                inner.at_start.append(item)
                continue
            if at == inner.y:
                inner.at_end.append(item)
                continue
        events.append((at, 1, k, item))
    for order, pair in enumerate(pairs):
        if pair.x < pair.y:
            events += [(pair.x, 2, order, pair.start_parts()), (pair.y, 0, -order, pair.end_parts())]
    parts, at = [], 0
    for position, _, _, item in sorted(events, key=lambda e: e[:3]):
        parts += [target[at:position], *(item if isinstance(item, list) else _parts(item))]
        at = position
    parts.append(target[at:])
    return stripped.head + _join(parts) + stripped.tail


def _join(parts: list) -> str:
    """The translation's pieces and codes in order, each code standing alone spaced as in the source: a
    space before it if it had one and the text written before it does not end in one; a space after it
    if it had one and what comes next, past any closing codes (``<code> </a>`` reads ``<code></a> ``),
    does not start with one."""
    out: list[str] = []
    last = None                                        # the last character of the text written
    pending = False                                    # a space owed after a code standing alone
    for part in parts:
        alone = isinstance(part, _Alone)
        text = part.text if alone else part
        if not text:
            continue
        if alone or (inline.parse_code(text[0]) or ("",))[0] != inline.CLOSE:
            owed = pending and not text[0].isspace()
            if owed or (alone and part.before and last is not None and not last.isspace()):
                out.append(" ")
                last = " "
            pending = False
        out.append(text)
        if alone:
            pending = part.after
        else:
            last = next((c for c in reversed(text) if not inline.is_code(c)), last)
    return "".join(out)


def _pairs(codes: list[tuple[int, str]], length: int) -> list[tuple[int, int, int, int]]:
    """(source start, source end, index of the opening code or -1, of the closing code or len(codes)),
    outer pairs first; a code whose partner is in another sentence spans to this sentence's start or end."""
    opens: dict[int, tuple[int, int]] = {}
    pairs: list[tuple[int, int, int, int]] = []
    for index, (position, char) in enumerate(codes):
        kind, n = inline.parse_code(char)  # type: ignore[misc]
        if kind == inline.OPEN:
            opens[n] = (position, index)
        elif kind == inline.CLOSE:
            start, first = opens.pop(n, (0, -1 - len(pairs)))  # closed here, opened before: later ones are outer
            pairs.append((start, position, first, index))
    left = list(opens.values())                                # opened here, closed after: earlier ones are outer
    pairs += [(start, length, first, len(codes) + len(left) - i) for i, (start, first) in enumerate(left)]
    return sorted(pairs, key=lambda p: (p[2], -p[3]))


def _span(a: int, b: int, plain: str, target: str, links: list[Link] | None) -> tuple[int, int]:
    if not plain[a:b].strip():          # a pair around nothing (or only spaces) stays a point
        at = _point(a, plain, target, links)
        return at, at
    if links:
        hit = [_clip(sx, sy, tx, ty, a, b, plain, target) for sx, sy, tx, ty in links
               if sx < b and sy > a and plain[max(sx, a):min(sy, b)].strip()]
        if hit:
            return _trim(target, min(x for x, _ in hit), max(y for _, y in hit))
    words = plain[a:b].strip()
    if words and (found := target.casefold().find(words.casefold())) >= 0:
        return found, found + len(words)
    x = _snap_start(target, round(a * len(target) / max(len(plain), 1)))
    y = _snap_end(target, round(b * len(target) / max(len(plain), 1)))
    return _trim(target, x, max(x, y))


def _clip(sx: int, sy: int, tx: int, ty: int, a: int, b: int, plain: str, target: str) -> tuple[int, int]:
    """The part of target token (tx, ty) that the pair's source span (a, b) covers of source token
    (sx, sy): the same characters when the model copied the token, else all of it."""
    if target[tx:ty] == plain[sx:sy]:
        return tx + max(a - sx, 0), tx + min(b, sy) - sx
    return tx, ty


def _point(position: int, plain: str, target: str, links: list[Link] | None, glued: bool = False) -> int:
    """Where a code at ``position`` of ``plain`` goes in ``target``: after the target word aligned to
    the source word before it; ``glued`` to the word after it (``<span>Photo``), before that word's."""
    if position <= 0 or not target:
        return 0
    if position >= len(plain):
        return len(target)
    if glued and links and (starting := [tx for sx, _, tx, _ in links if sx == position]):
        return min(starting)
    if links and (before := [link for link in links if link[0] < position and plain[link[0]:link[1]].strip()]):
        sx, sy, tx, ty = max(before, key=lambda link: (link[0], link[3]))
        if position < sy and target[tx:ty] == plain[sx:sy]:
            return tx + position - sx      # inside a token the model copied ("to" of "to.")
        return ty
    return _snap_point(target, round(position * len(target) / max(len(plain), 1)))


def _fit(first: int, last: int, x: int, y: int, placed: list[_Pair]) -> tuple[int, int]:
    """Keep a pair's target span inside the spans of the pairs around it in the source (by the order of
    the codes), and out of the spans of the pairs beside it."""
    for pair in placed:
        tx, ty = pair.x, pair.y
        if pair.contains(first, last):    # placed around this one: stay inside
            x, y = min(max(x, tx), ty), max(min(y, ty), tx)
        elif x < ty and y > tx:           # beside it and overlapping: move out of its way
            if x >= tx:
                x = ty
            else:
                y = tx
        y = max(x, y)
    return x, y


def _trim(text: str, x: int, y: int) -> tuple[int, int]:
    while x < y and text[x].isspace():
        x += 1
    while y > x and text[y - 1].isspace():
        y -= 1
    return x, y


def _snap_start(text: str, x: int) -> int:
    x = min(max(x, 0), len(text))
    while 0 < x < len(text) and not text[x - 1].isspace():
        x -= 1
    return x


def _snap_point(text: str, x: int) -> int:
    """``x``, or the nearest position outside a word if it falls inside one."""
    x = min(max(x, 0), len(text))

    def inside(i: int) -> bool:
        return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()

    return min((i for i in range(max(0, x - 40), min(len(text), x + 40) + 1) if not inside(i)),
               key=lambda i: abs(i - x), default=x)


def _snap_end(text: str, y: int) -> int:
    y = min(max(y, 0), len(text))
    while 0 < y < len(text) and not text[y].isspace():
        y += 1
    while y > 0 and not text[y - 1].isalnum() and not text[y - 1].isspace() and y - 1 > 0:
        if text[y - 1] in ".,;:!?…»”\"')":
            y -= 1
        else:
            break
    return y
