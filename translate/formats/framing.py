"""The bytes around an article's text: a UTF-8 byte order mark, the line ending (LF, CRLF or CR) and
whether the file ends with a line break. ``split`` records them and gives the text with LF line
endings and no BOM, which is what the formats parse; ``apply`` puts them back on the rendered
article, so a translated file has the framing of its source.

A file that mixes line endings comes back with the one it uses most.
"""

from __future__ import annotations

from dataclasses import dataclass

BOM = "\ufeff"
ENDINGS = ("\n", "\r\n", "\r")


@dataclass(frozen=True)
class Framing:
    bom: bool = False
    newline: str = "\n"
    final_newline: bool = True


def split(text: str) -> tuple[Framing, str]:
    """The framing of ``text`` and the text itself with LF line endings and no BOM."""
    bom = text.startswith(BOM)
    if bom:
        text = text[len(BOM):]
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}
    newline = max(ENDINGS, key=lambda e: (counts[e], e == "\n"))  # LF when there are none (or a tie)
    if counts["\r\n"] or counts["\r"]:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Framing(bom, newline, text.endswith("\n")), text


def apply(framing: Framing, text: str) -> str:
    """``text`` (LF line endings, no BOM) with ``framing``'s BOM and line ending."""
    if framing.newline != "\n":
        text = text.replace("\n", framing.newline)
    return (BOM if framing.bom else "") + text
