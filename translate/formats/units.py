"""Units of text with inline markup, as the rich formats (HTML, Markdown) make them and write them back.

A format reads a unit as pieces: ``("text", characters, raw)`` (``raw`` is how the source wrote
them: ``&amp;`` for ``&`` in HTML, ``\\*`` for ``*`` in Markdown) and ``("code", code, raw)`` (an
inline code of ``translate.inline`` and the markup it stands for). ``keep_names`` makes codes of
what is never translated inside the text; ``write`` puts a translation back into markup, writing a
character as the source wrote it when it did.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from translate import inline

Piece = tuple[str, str, str]  # ("text", characters, raw) | ("code", code character, markup)

LETTER = re.compile(r"[^\W\d_]")
# Never sent to the model, inside a unit's text: URLs, e-mail addresses, @handles, #hashtags.
KEEP = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]}»”’']|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                  r"|(?<![\w@/])@\w{1,50}|(?<![\w#&/])#\w*[^\W\d_]\w*")
_RUNS = re.compile("[\U000f0000-\U000ffffd]|[^\U000f0000-\U000ffffd]+")


def has_letters(text: str) -> bool:
    """Does a unit's text (without its codes) hold a word? (Numbers in a table cell do not.)"""
    return LETTER.search(inline.plain(text)) is not None


def keep_names(pieces: list[Piece], count: int) -> tuple[list[Piece], int]:
    """``pieces`` with URLs, e-mail addresses, @handles and #hashtags in their text made codes that
    stand alone, numbered from ``count`` + 1; and the last number given."""
    out: list[Piece] = []
    for kind, value, raw in pieces:
        if kind != "text" or raw != value or not KEEP.search(value):
            out.append((kind, value, raw))
            continue
        at = 0
        for match in KEEP.finditer(value):
            if match.start() > at:
                out.append(("text", value[at:match.start()], value[at:match.start()]))
            count += 1
            out.append(("code", inline.code(inline.ALONE, count), match.group()))
            at = match.end()
        if at < len(value):
            out.append(("text", value[at:], value[at:]))
    return out, count


def entities(pieces: list[Piece]) -> dict[str, str] | None:
    """The characters the source wrote otherwise (a character reference, an escape) -> how."""
    found = {value: raw for kind, value, raw in pieces if kind == "text" and raw != value and len(value) == 1}
    return found or None


def write(text: str, codes: dict[str, str], escape: Callable[[str], str],
          markup: Callable[[str], str | None] | None = None) -> str:
    """``text`` with each code replaced by its markup (``markup(name)`` first, when given and not
    None; else ``codes[name]``) and the rest passed through ``escape``."""
    out: list[str] = []
    for piece in _RUNS.findall(text):
        if inline.is_code(piece[0]):
            name = inline.key(piece)
            written = markup(name) if markup else None
            out.append(written if written is not None else codes.get(name, ""))
        else:
            out.append(escape(piece))
    return "".join(out)
