"""Plain text: every line is a paragraph (the first is usually the title); blank lines stay."""

from __future__ import annotations

import re

from translate.formats import Block

_LEAD = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


def parse(text: str) -> list[Block]:
    blocks = []
    for line in text.split("\n"):
        lead, body, trail = _LEAD.match(line).groups()
        blocks.append(Block(lead, body, trail, translate=bool(body)))
    if blocks and not blocks[-1].line:
        blocks.pop()  # the final newline is not a line of its own
    return blocks
