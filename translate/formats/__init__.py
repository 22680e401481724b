"""Article formats, one module each. A format turns an article into ``Block``s (one per line, so
the output keeps the structure line for line) and back.

``parse(text, fmt)`` and ``render(blocks, texts)`` are the entry points; ``fmt`` is "text" or
"markdown" (``format_for(path)`` picks one from a file name).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    prefix: str            # markup kept as it is: indentation, "# ", "> ", "- ", "1. "
    text: str              # the words to translate ("" for blank and verbatim lines)
    suffix: str = ""       # trailing markup kept as it is (a Markdown hard break "  ")
    translate: bool = True  # False: the whole line is copied (code, tables' rules, blank lines)

    @property
    def line(self) -> str:
        return self.prefix + self.text + self.suffix


FORMATS = ("text", "markdown")


def format_for(path: str | Path | None) -> str:
    suffix = Path(str(path or "")).suffix.lower()
    return "markdown" if suffix in {".md", ".markdown", ".mdown"} else "text"


def parse(text: str, fmt: str) -> list[Block]:
    from translate.formats import markdown, plaintext

    modules = {"text": plaintext, "markdown": markdown}
    if fmt not in modules:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return modules[fmt].parse(text)


def stored_blocks(draft: dict) -> tuple[list[Block], list[str]]:
    """A draft as the job store returns it (blocks and segments as dicts): its blocks and, for
    each block, the segments' targets joined as in the source."""
    blocks = [Block(**b) for b in draft["blocks"]]
    parts: list[list[str]] = [[] for _ in blocks]  # joined once: += on a list item copies (quadratic)
    for seg in draft["segments"]:
        parts[seg["block"]] += (seg["target"] or "", seg["space_after"] or "")
    return blocks, ["".join(p) for p in parts]


def render_stored(draft: dict) -> str:
    """A stored draft back into its article, line for line."""
    return render(*stored_blocks(draft))


def render(blocks: list[Block], texts: list[str]) -> str:
    """Put translated texts (one per block) back into the article's structure."""
    lines = [b.prefix + (t if b.translate else b.text) + b.suffix for b, t in zip(blocks, texts, strict=True)]
    return "\n".join(lines) + "\n"
