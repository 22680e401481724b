"""Article formats, one module each. A format turns an article into ``Block``s and back.

Text and Markdown give one block per line (Markdown: one per table cell), so the output keeps the
structure line for line; HTML gives the document's runs of markup (copied) and its units of text
(translated). Inline markup (HTML's inline tags, Markdown's links, emphasis, code spans...) is codes
(``translate.inline``) in the units' text. ``parse(text, fmt)`` and ``render(blocks, texts)`` are the entry
points; ``fmt`` is one of ``FORMATS`` (``format_for(path)`` picks one from a file name). The bytes
around the text (BOM, line endings, final newline; ``framing``) are recorded by ``parse`` and put
back by ``render``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from translate.formats import framing as framing_


@dataclass(frozen=True)
class Block:
    prefix: str            # markup kept as it is: indentation, "# ", "> ", "- ", "1. "
    text: str              # the words to translate ("" for blank and verbatim lines)
    suffix: str = ""       # trailing markup kept as it is (a Markdown hard break "  ")
    translate: bool = True  # False: the whole line is copied (code, tables' rules, blank lines)
    sep: str = "\n"        # what follows the block in the article ("" between HTML runs, at a missing final newline)
    kind: str = ""         # "" a line; rich formats: "html"/"md" a unit, "attr"/"tag" an attribute and its tag,
    #                        "framing" the file's BOM (prefix) and line ending (suffix), "note" a remark
    raw: str | None = None        # a unit's text as written in the source (entities and all)
    codes: dict | None = None     # a unit's inline codes -> the markup each stands for; an attribute's tag
    entities: dict | None = None  # characters the source wrote as character references -> how

    @property
    def line(self) -> str:
        return self.prefix + self.text + self.suffix


FORMATS = ("text", "markdown", "html")
_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".html": "html", ".htm": "html",
             ".xhtml": "html"}
EXTENSIONS = {"text": ".txt", "markdown": ".md", "html": ".html"}
FRAMING, NOTE = "framing", "note"


def format_for(path: str | Path | None) -> str:
    return _SUFFIXES.get(Path(str(path or "")).suffix.lower(), "text")


def parse(text: str, fmt: str) -> list[Block]:
    from translate.formats import html, markdown, plaintext

    modules = {"text": plaintext, "markdown": markdown, "html": html}
    if fmt not in modules:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    framing, body = framing_.split(text)
    blocks = modules[fmt].parse(body)
    if fmt != "html" and blocks and not framing.final_newline:
        blocks[-1] = replace(blocks[-1], sep="")
    if framing.bom or framing.newline != "\n":
        blocks.append(Block("\ufeff" if framing.bom else "", "", framing.newline, translate=False, sep="",
                            kind=FRAMING))
    return blocks


def notes(blocks: list[Block]) -> list[str]:
    """What the format has to say about the article (an HTML document that was repaired)."""
    return [b.text for b in blocks if b.kind == NOTE]


def stored_blocks(draft: dict) -> tuple[list[Block], list[str]]:
    """A draft as the job store returns it (blocks and segments as dicts): its blocks and, for
    each block, the segments' targets joined as in the source."""
    blocks = [Block(**b) for b in draft["blocks"]]
    parts: list[list[str]] = [[] for _ in blocks]  # joined once: += on a list item copies (quadratic)
    for seg in draft["segments"]:
        parts[seg["block"]] += (seg["target"] or "", seg["space_after"] or "")
    return blocks, ["".join(p) for p in parts]


def render_stored(draft: dict) -> str:
    """A stored draft back into its article."""
    return render(*stored_blocks(draft))


def render(blocks: list[Block], texts: list[str]) -> str:
    """Put translated texts (one per block) back into the article's structure and framing."""
    from translate.formats import html, markdown

    out: list[str] = []
    framing = None
    attrs: list[tuple[Block, str]] = []  # translated attributes waiting for the tag they belong to
    for block, text in zip(blocks, texts, strict=True):
        if block.kind == FRAMING:
            framing = framing_.Framing(bool(block.prefix), block.suffix or "\n")
        elif block.kind == html.ATTR:
            attrs.append((block, text))
        elif block.kind in (html.UNIT, html.TAG):
            out.append(html.render_block(block, text, attrs) + block.sep)
            attrs = []
        elif block.kind == markdown.UNIT:
            out.append(markdown.render_block(block, text) + block.sep)
        elif block.kind != NOTE:
            out.append(block.prefix + (text if block.translate else block.text) + block.suffix + block.sep)
    rendered = "".join(out)
    return framing_.apply(framing, rendered) if framing else rendered
