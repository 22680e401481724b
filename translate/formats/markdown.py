"""Markdown articles: headings, paragraphs, block quotes, lists, tables, code, footnotes.

Each line is a block: its block markup (``#``, ``>``, list markers, indentation) is kept by the line
parser (``lines``) and its words are translated. markdown-it (``markdown_inline``) reads the rest:
lines of code (fenced or indented), HTML blocks, horizontal rules, table rules, setext heading
underlines and link reference definitions are copied as they are; a table row is split into its
cells, one block each (pipes kept; a cell with no letters, numbers only, is not translated); a
footnote definition keeps its ``[^label]:``, a heading its closing ``##``. Inside a line the inline
markup becomes codes (``translate.inline``), read across the lines of its paragraph: emphasis and
strikethrough markers, a link's ``[`` and ``](url)`` around its text, an image's ``![`` and
``](src)`` around its alt text (both translated), and, whole, code spans, autolinks, inline HTML,
footnote references; URLs, e-mail addresses, @handles and #hashtags too (``units.keep_names``). A
line with no inline markup is a plain block, as before.

``render_block`` writes a unit back: its source bytes when its text did not change, else its
codes' markup around the translation, a character the source escaped (``\\*``, ``&amp;``)
written the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from markdown_it.rules_block.table import escapedSplit

from translate import inline
from translate.formats import Block, markdown_inline, units
from translate.formats.markdown_inline import ALONE, CHAR, CLOSE, OPEN, Item

UNIT = "md"
_COPIED = frozenset({"code_block", "fence", "html_block", "definition"})

# Each pattern is matched in linear time: the prefix regex needs nothing after it, the whitespace after the words
# is found by str.rstrip (the characters of a regex's \s), and a table rule by a single character class. A
# (.*?)(\s*)$ would try its \s* from every space of a long run inside the line, and a ^\s*...[\s:|-]+\|[\s:|-]*$
# would rescan the rest of a line from every space or | before a character that ends the rule (quadratic).
_PREFIX = re.compile(r"\s*(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")
_FENCE = re.compile(r"^\s*(```|~~~)")
_VERBATIM = re.compile(r"<[^>]+>\s*|[-*_](?:\s*[-*_]){2,}|\[[^\]]+\]:\s*\S.*")  # the line from its first word
_TABLE_RULE = re.compile(r"[\s:|-]+")  # the whole line, with a | after its first character


def _verbatim(line: str) -> bool:
    """An HTML-only line, a horizontal rule, a link reference definition or a table's rule."""
    if _VERBATIM.fullmatch(line.lstrip()):
        return True
    return _TABLE_RULE.fullmatch(line) is not None and "|" in line[1:]


def lines(text: str) -> list[Block]:
    """The line parser: one block per line, its block markup as the prefix and its words as the text."""
    blocks: list[Block] = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            blocks.append(Block("", line, translate=False))
        elif in_code or not line.strip() or _verbatim(line):
            blocks.append(Block("", line, translate=False))
        else:
            prefix = _PREFIX.match(line).group()
            body = line[len(prefix):].rstrip()
            blocks.append(Block(prefix, body, line[len(prefix) + len(body):], translate=bool(body)))
    if blocks and not blocks[-1].line:
        blocks.pop()
    return blocks


def parse(text: str) -> list[Block]:
    found = lines(text)
    tokens, env = markdown_inline.blocks(text)
    shape = _Shape(tokens, len(found))
    for i, label in shape.notes.items():
        found[i] = _footnote(found[i], label)
    for i, words in shape.headings.items():
        rest = found[i].text[len(words):]
        if found[i].translate and words and found[i].text.startswith(words) and not rest.strip(" \t#"):
            found[i] = Block(found[i].prefix, words, rest + found[i].suffix)
    for i in shape.copied:
        if found[i].translate:
            found[i] = Block("", found[i].line, translate=False)
    out: list[list[Block]] = [[block] for block in found]
    group: list[int] = []
    for i, block in enumerate(found):
        if block.translate and i in shape.rows:
            out[i] = _row(block, env)
            continue
        if group and not (block.translate and shape.run[i] >= 0 and shape.run[i] == shape.run[group[-1]]):
            _read(group, found, out, env)
            group = []
        if block.translate:
            group.append(i)
    if group:
        _read(group, found, out, env)
    return [block for blocks in out for block in blocks]


class _Shape:
    """What markdown-it's block parse says of the lines: which are copied (code, HTML blocks, link
    reference definitions, setext underlines, tables' alignment rows), which are table rows, which
    start a footnote definition, the words of each ATX heading (without a closing ``##``), and which
    paragraph (or heading) each line of text belongs to (-1: none)."""

    def __init__(self, tokens, count: int):
        self.copied: set[int] = set()
        self.rows: set[int] = set()
        self.notes: dict[int, str] = {}
        self.headings: dict[int, str] = {}
        self.run = [-1] * count
        table = 0
        for number, token in enumerate(tokens):
            if not token.map:
                continue
            first, last = token.map[0], min(token.map[1], count)
            if token.type in _COPIED:
                self.copied.update(range(first, last))
            elif token.type == "heading_open" and token.markup in ("=", "-"):
                self.copied.add(last - 1)             # a setext heading's underline
            elif token.type == "heading_open":
                self.headings[first] = tokens[number + 1].content  # its words, without a closing ###
            elif token.type in ("table_open", "table_close"):
                table += 1 if token.nesting > 0 else -1
                if token.nesting > 0 and first + 1 < count:
                    self.copied.add(first + 1)        # the alignment row (in a quote the line parser sends it)
            elif token.type == "tr_open" and first < count:
                self.rows.add(first)
            elif token.type == "footnote_reference_open" and first < count:
                self.notes[first] = token.meta["label"]
            elif token.type == "inline" and not table:
                self.run[first:last] = [number] * (last - first)


def _footnote(block: Block, label: str) -> Block:
    """A footnote definition's line with its ``[^label]:`` kept in the prefix."""
    prefix, body = (block.prefix, block.text) if block.translate else (block.text[:len(block.text) -
                                                                        len(block.text.lstrip())], block.text.lstrip())
    marker = f"[^{label}]:"
    if not body.startswith(marker):
        return block
    rest = body[len(marker):]
    words = rest.strip()
    lead = rest[:len(rest) - len(rest.lstrip())]
    return Block(prefix + marker + lead, words, rest[len(lead) + len(words):] + (block.suffix if block.translate
                                                                                  else ""), translate=bool(words))


def _read(group: list[int], found: list[Block], out: list[list[Block]], env: dict) -> None:
    """The lines ``group`` of one paragraph, read together: each line's block with its inline codes."""
    src = "\n".join(found[i].text for i in group)
    starts, at = [], 0
    for i in group:
        starts.append(at)
        at += len(found[i].text) + 1
    spans = [(start, start + len(found[i].text)) for start, i in zip(starts, group, strict=True)]
    parts = _clip(markdown_inline.markup(src, env), spans)
    for (start, end), i, mine in zip(spans, group, parts, strict=True):
        out[i] = [_unit(found[i], src, start, end, mine, has_letters=False)]


def _row(block: Block, env: dict) -> list[Block]:
    """A table row: one block per cell, the pipes and the spaces around the words kept."""
    body = block.text
    cells, at = [], 0
    for column in escapedSplit(body):            # markdown-it's own split (it drops the \ of a \|)
        width = len(column) + column.count("|")
        cells.append((at, at + width))
        at += width + 1
    if at - 1 != len(body):
        return [block]
    out: list[Block] = []
    for k, (start, end) in enumerate(cells):
        cell = body[start:end]
        words = cell.strip()
        first = start + len(cell) - len(cell.lstrip())
        prefix = (block.prefix if k == 0 else "|") + body[start:first]
        suffix = body[first + len(words):end] + (block.suffix if k == len(cells) - 1 else "")
        sep = block.sep if k == len(cells) - 1 else ""
        cell_block = Block(prefix, words, suffix, translate=bool(words), sep=sep)
        out.append(_unit(cell_block, words, 0, len(words), markdown_inline.markup(words, env), has_letters=True))
    return out


def _clip(items: list[Item], spans: list[tuple[int, int]]) -> list[list[Item]]:
    """The items in each span (the lines of a paragraph); an item across lines is cut at their ends,
    and each piece of it stands alone."""
    parts: list[list[Item]] = [[] for _ in spans]
    starts = [start for start, _ in spans]
    for item in items:
        k = max(bisect_right(starts, item.start) - 1, 0)
        while k < len(spans) and spans[k][0] < item.end:
            start, end = max(item.start, spans[k][0]), min(item.end, spans[k][1])
            whole = (start, end) == (item.start, item.end)
            if start < end or whole:
                parts[k].append(item if whole else Item(start, end, ALONE))
            k += 1
    return parts


def _unit(block: Block, src: str, start: int, end: int, items: list[Item], has_letters: bool) -> Block:
    """``block`` (the line or cell ``src[start:end]``) with its inline markup as codes; the plain block
    when it has none, or more than ``inline.MAX_CODES`` (read as plain text then, as before inline
    Markdown). ``has_letters``: translated only if its text holds a word (a table cell)."""
    try:
        pieces, count = _pieces(src, start, end, items)
        pieces, count = units.keep_names(pieces, count)
    except inline.TooManyCodes:
        pieces, count = [("text", src[start:end], src[start:end])], 0
    if not count and all(raw == value for _, value, raw in pieces):
        return block if not has_letters else Block(block.prefix, block.text, block.suffix,
                                                   translate=block.translate and units.has_letters(block.text),
                                                   sep=block.sep)
    text = "".join(value for _, value, _ in pieces)
    translate = bool(inline.plain(text).strip()) and (units.has_letters(text) or not has_letters)
    codes = {inline.key(value): raw for kind, value, raw in pieces if kind == "code"}
    return Block(block.prefix, text, block.suffix, translate=translate, sep=block.sep, kind=UNIT,
                 raw=src[start:end], codes=codes, entities=units.entities(pieces))


def _pieces(src: str, start: int, end: int, items: list[Item]) -> tuple[list[units.Piece], int]:
    """``src[start:end]`` as text and codes: a pair whose two ends are both here is OPEN and CLOSE,
    any other markup a code ALONE."""
    here = {item.pair for item in items if item.role == OPEN} & {item.pair for item in items if item.role == CLOSE}
    pieces: list[units.Piece] = []
    numbers: dict[int, int] = {}
    count, at = 0, start
    for item in items:
        if item.start > at:
            pieces.append(("text", src[at:item.start], src[at:item.start]))
        raw = src[item.start:item.end]
        if item.role == CHAR:
            pieces.append(("text", item.value, raw))
        elif item.role == CLOSE and item.pair in numbers:
            pieces.append(("code", inline.code(inline.CLOSE, numbers[item.pair]), raw))
        else:
            count += 1
            paired = item.role == OPEN and item.pair in here
            pieces.append(("code", inline.code(inline.OPEN if paired else inline.ALONE, count), raw))
            if paired:
                numbers[item.pair] = count
        at = item.end
    if at < end:
        pieces.append(("text", src[at:end], src[at:end]))
    return pieces, count


def render_block(block: Block, text: str) -> str:
    """A unit with its translation ``text``: the source's bytes when nothing changed."""
    words = text if block.translate and text else block.text
    if words == block.text:
        return block.prefix + (block.raw or "") + block.suffix
    written = block.entities or {}
    return block.prefix + units.write(words, block.codes or {},
                                      lambda piece: "".join(written.get(c, c) for c in piece)) + block.suffix
