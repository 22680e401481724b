"""Plain text: every line is a paragraph (the first is usually the title); blank lines stay."""

from __future__ import annotations

from translate.formats import Block


def parse(text: str) -> list[Block]:
    blocks = []
    for line in text.split("\n"):
        # str.strip takes the same characters as a regex's \s, in linear time: a regex such as
        # (\s*)(.*?)(\s*)$ tries its trailing \s* from every space of a long run inside the line (quadratic).
        body = line.strip()
        lead = line[:len(line) - len(line.lstrip())]
        blocks.append(Block(lead, body, line[len(lead) + len(body):], translate=bool(body)))
    if blocks and not blocks[-1].line:
        blocks.pop()  # the final newline is not a line of its own
    return blocks
