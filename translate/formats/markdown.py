"""Markdown articles: headings, paragraphs, block quotes, lists, tables, code.

Block markup (``#``, ``>``, list markers, indentation) is kept and only the words are translated;
fenced code, HTML-only lines, horizontal rules, table rules and link reference definitions are
copied as they are.
"""

from __future__ import annotations

import re

from translate.formats import Block

_PREFIX = re.compile(r"^(\s*(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?)(.*?)(\s*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_VERBATIM = re.compile(r"^\s*(?:<[^>]+>\s*|[-*_](?:\s*[-*_]){2,}|\[[^\]]+\]:\s*\S+.*|\|?[\s:|-]+\|[\s:|-]*)$")


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            blocks.append(Block("", line, translate=False))
        elif in_code or not line.strip() or _VERBATIM.match(line):
            blocks.append(Block("", line, translate=False))
        else:
            prefix, body, trail = _PREFIX.match(line).groups()
            blocks.append(Block(prefix, body, trail, translate=bool(body)))
    if blocks and not blocks[-1].line:
        blocks.pop()
    return blocks
