"""Markdown articles: headings, paragraphs, block quotes, lists, tables, code.

Block markup (``#``, ``>``, list markers, indentation) is kept and only the words are translated;
fenced code, HTML-only lines, horizontal rules, table rules and link reference definitions are
copied as they are.
"""

from __future__ import annotations

import re

from translate.formats import Block

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


def parse(text: str) -> list[Block]:
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
