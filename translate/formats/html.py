"""HTML articles (a CMS's body or a whole document), translated in place.

The document is read by html5lib (``html_tokens``); a document a browser would build differently
is repaired first and the blocks end with a note that says so. Block elements (p, h1-h6, li,
blockquote, figcaption, td, th, dt, dd, caption, title, ...) hold units: runs of text and inline
markup, each one ``Block`` of kind ``UNIT`` whose inline tags (a, em, strong, span, img, ...) are
codes (``translate.inline``), so sentences are split across them and the model never sees them.
Everything else is copied as written: the markup between units, ``script``/``style``/``code``/
``pre``/embeds and elements marked ``translate="no"`` or ``class="notranslate"`` (inside a unit
they become one code), URLs, e-mail addresses, @handles and #hashtags (codes too), runs with no
letters (numbers in tables), and every attribute value except the translatable ones (``alt``,
``title``, ...: blocks of kind ``ATTR`` before the unit or ``TAG`` block that holds their tag).
The settings name the elements, attributes and embed classes.

``render_block`` writes a unit back: its source bytes when its text did not change (entities,
whitespace and attribute quoting as written), else its codes' markup around the escaped
translation, writing a character as the source wrote it (``&nbsp;``, ``&rsquo;``) when it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from translate import inline
from translate.formats import NOTE, Block, html_tokens, units
from translate.formats.html_tokens import COMMENT, END, START, TEXT, VOID, Event, names

UNIT, ATTR, TAG = "html", "attr", "tag"
INLINE = names("a abbr acronym b bdi bdo big cite data del dfn em font i img ins label mark nobr q rp rt ruby s "
                    "small span strike strong sub sup time tt u wbr picture source")
# Kept elements that sit inside a line of text: one code there (elsewhere copied as a run of markup).
_IN_LINE = INLINE | names("script style template noscript code kbd samp var iframe svg math object embed audio video "
                               "canvas select textarea button input")
_BREAKS = frozenset({"br"})


@dataclass(frozen=True)
class Options:
    attributes: frozenset[str]
    never: frozenset[str]
    embeds: frozenset[str]


@lru_cache(maxsize=8)
def options(attributes: str | None = None, never: str | None = None, embeds: str | None = None) -> Options:
    """The HTML settings (``DRAGOMAN_HTML_*``), or the values given."""
    from common.settings import get_settings

    s = get_settings()
    return Options(names(s.html_translatable_attributes if attributes is None else attributes),
                   names(s.html_never_translate if never is None else never),
                   names(s.html_embed_classes if embeds is None else embeds))


def parse(text: str, opts: Options | None = None) -> list[Block]:
    found, note = html_tokens.check(text)
    builder = _Builder(opts or options())
    for event in found:
        builder.feed(event)
    blocks = builder.finish()
    if note:
        blocks.append(Block("", note, translate=False, sep="", kind=NOTE))
    return blocks


class _Unit:
    def __init__(self, number: int):
        self.number = number
        self.pieces: list[tuple[str, str, str]] = []  # ("text", characters, raw) | ("code", code, raw)
        self.attrs: list[Block] = []
        self.count = 0

    def code(self, kind: str, raw: str) -> str:
        self.count += 1
        char = inline.code(kind, self.count)
        self.pieces.append(("code", char, raw))
        return char

    def has_content(self) -> bool:
        return any(kind == "code" or value.strip() for kind, value, _ in self.pieces)


class _Builder:
    def __init__(self, opts: Options):
        self.opts = opts
        self.blocks: list[Block] = []
        self.verbatim: list[str] = []
        self.unit = _Unit(0)
        self.stack: list[tuple[str, int, int]] = []   # open elements: name, code number, unit number
        self.skip: list[str] | None = None             # raw of a kept element being read
        self.skip_depth = 0
        self.skip_name = ""

    # --- events -------------------------------------------------------------------------------------
    def feed(self, e: Event) -> None:
        if self.skip is not None:
            self.skip.append(e.raw)
            if e.kind == START and e.name not in VOID:
                self.stack.append((e.name, 0, -1))
            elif e.kind == END and e.data != "stray":
                self.stack.pop()
            if len(self.stack) == self.skip_depth:
                self._end_skip()
        elif e.kind == START:
            self._start(e)
        elif e.kind == END:
            self._end(e)
        elif e.kind == TEXT:
            self.unit.pieces.append(("text", e.data, e.raw))
        elif e.kind == COMMENT and self.unit.has_content():
            self.unit.code(inline.ALONE, e.raw)
        else:
            self._copy(e.raw)

    def _start(self, e: Event) -> None:
        if self._never(e):
            self.skip, self.skip_depth, self.skip_name = [e.raw], len(self.stack), e.name
            if e.name in VOID:
                self._end_skip()
            else:
                self.stack.append((e.name, 0, -1))
        elif e.name in INLINE:
            char = self.unit.code(inline.ALONE if e.name in VOID else inline.OPEN, e.raw)
            self.unit.attrs += self._attributes(e, inline.key(char))
            if e.name not in VOID:
                self.stack.append((e.name, self.unit.count, self.unit.number))
        else:
            self._copy(e.raw, self._attributes(e, ""))
            if e.name not in VOID:
                self.stack.append((e.name, 0, -1))

    def _end(self, e: Event) -> None:
        if e.data == "stray":
            self._copy(e.raw)
            return
        _, number, unit = self.stack.pop()
        if number and unit == self.unit.number:
            self.unit.pieces.append(("code", inline.code(inline.CLOSE, number), e.raw))
        elif number and self.unit.has_content():
            self.unit.code(inline.ALONE, e.raw)  # closes a tag opened in an earlier unit
        else:
            self._copy(e.raw)

    def _end_skip(self) -> None:
        raw, self.skip = "".join(self.skip or []), None
        if self.skip_name in _IN_LINE and self.unit.has_content():
            self.unit.code(inline.ALONE, raw)
        else:
            self._copy(raw)

    def _never(self, e: Event) -> bool:
        attrs = dict(e.attrs)
        classes = set(attrs.get("class", "").lower().split())
        return (e.name in self.opts.never or attrs.get("translate", "").strip().lower() == "no"
                or "notranslate" in classes or bool(classes & self.opts.embeds))

    def _attributes(self, e: Event, owner: str) -> list[Block]:
        info = {"code": owner, "tag": e.name, "attrs": [list(a) for a in e.attrs], "self_closing": e.self_closing}
        return [Block("", value, translate=True, sep="", kind=ATTR, codes={**info, "attr": name})
                for name, value in e.attrs if name in self.opts.attributes and units.LETTER.search(value)]

    # --- blocks -------------------------------------------------------------------------------------
    def _copy(self, raw: str, attrs: list[Block] | None = None) -> None:
        """Copy markup as written; a tag with translatable attributes becomes a TAG block after them."""
        self._flush()
        if attrs:
            self._verbatim()
            self.blocks += attrs
            self.blocks.append(Block("", raw, translate=False, sep="", kind=TAG, codes=attrs[0].codes))
        elif raw:
            self.verbatim.append(raw)

    def _verbatim(self) -> None:
        if self.verbatim:
            self.blocks.append(Block("", "".join(self.verbatim), translate=False, sep=""))
            self.verbatim = []

    def _flush(self) -> None:
        unit, self.unit = self.unit, _Unit(self.unit.number + 1)
        self.unit.count = 0
        if not unit.pieces:
            return
        pieces, unit.count = units.keep_names(unit.pieces, unit.count)
        lead, pieces, tail = _edges(pieces)
        text = "".join(value for _, value, _ in pieces)
        raw = "".join(r for _, _, r in pieces)
        if not units.has_letters(text) and not unit.attrs:
            self.verbatim.append(lead + raw + tail)
            return
        self._verbatim()
        self.blocks += unit.attrs
        codes = {inline.key(value): r for kind, value, r in pieces if kind == "code"}
        self.blocks.append(Block(lead, text, tail, translate=units.has_letters(text), sep="",
                                 kind=UNIT, raw=raw, codes=codes, entities=units.entities(pieces)))

    def finish(self) -> list[Block]:
        if self.skip is not None:
            self._copy("".join(self.skip))
            self.skip = None
        self._flush()
        self._verbatim()
        return self.blocks


def _edges(pieces: list[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str, str]], str]:
    """Whitespace at the unit's edges, as written, apart from its pieces."""
    lead: list[str] = []
    while pieces and pieces[0][0] == "text" and (pieces[0][1].isspace() or not pieces[0][1]):
        lead.append(pieces.pop(0)[2])
    if pieces and pieces[0][0] == "text" and pieces[0][1] == pieces[0][2]:
        value = pieces[0][1]
        body = value.lstrip()
        lead.append(value[:len(value) - len(body)])
        pieces[0] = ("text", body, body)
    tail: list[str] = []
    while pieces and pieces[-1][0] == "text" and (pieces[-1][1].isspace() or not pieces[-1][1]):
        tail.insert(0, pieces.pop()[2])
    if pieces and pieces[-1][0] == "text" and pieces[-1][1] == pieces[-1][2]:
        value = pieces[-1][1]
        body = value.rstrip()
        tail.insert(0, value[len(body):])
        pieces[-1] = ("text", body, body)
    return "".join(lead), pieces, "".join(tail)


# --- writing back ---------------------------------------------------------------------------------------
def render_block(block: Block, text: str, attrs: list[tuple[Block, str]]) -> str:
    """A UNIT or TAG block with its translation ``text`` and the translated attributes before it."""
    changed: dict[str, dict[str, str]] = {}
    tags: dict[str, dict] = {}
    for attr, value in attrs:
        if value and value != attr.text:
            changed.setdefault(attr.codes["code"], {})[attr.codes["attr"]] = value
            tags[attr.codes["code"]] = attr.codes
    if block.kind == TAG:
        return start_tag(tags[""], changed[""]) if "" in changed else block.text
    words = text if block.translate and text else block.text
    if words == block.text and not changed:
        return block.prefix + (block.raw or "") + block.suffix
    body = units.write(words, block.codes or {}, lambda piece: escape(piece, block.entities or {}),
                       lambda name: start_tag(tags[name], changed[name]) if name in changed else None)
    return block.prefix + body + block.suffix


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str, entities: dict[str, str] | None = None, quote: bool = False) -> str:
    """Text as HTML: ``& < >`` (and ``"`` in an attribute) escaped; a character the source wrote as
    a character reference written the same way."""
    entities = entities or {}
    out = []
    for char in text:
        if char in entities:
            out.append(entities[char])
        elif char in _ESCAPES or (quote and char == '"'):
            out.append(_ESCAPES.get(char, "&quot;"))
        else:
            out.append(char)
    return "".join(out)


def start_tag(info: dict, values: dict[str, str]) -> str:
    """A start tag written anew with some attribute values replaced (order and the rest kept)."""
    attrs = "".join(f' {name}="{escape(values.get(name, value), quote=True)}"' for name, value in info["attrs"])
    return f"<{info['tag']}{attrs}{' /' if info.get('self_closing') else ''}>"
