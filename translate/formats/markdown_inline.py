"""Markdown read by markdown-it-py, keeping where every piece of inline markup came from.

``parser()`` is markdown-it's CommonMark with GFM tables and strikethrough, and footnotes from
mdit-py-plugins. ``blocks(text)`` runs its block parser alone: the block tokens (each with its
lines) and the env (link reference definitions, footnote labels) that inline parsing needs.
``markup(src, env)`` runs its inline parser on ``src`` and gives the markup found as ``Item``s with
their spans in ``src``; what lies between them is text, exactly as written. ``to_html`` renders an
article (the desk's HTML export of a Markdown draft).

markdown-it's inline tokens carry no positions, so each inline rule is wrapped to note where it
started and ended and which tokens it pushed (``_State`` also notes ``state.pos`` at each push: a
link's label lies between its ``link_open`` and ``link_close``). Emphasis and strikethrough push
one token per marker and pair them afterwards (``**`` is an opening token and an emptied one beside
it); text tokens are left unjoined (``fragments_join`` off) so that every token keeps its span.
Items: a pair of ``OPEN`` and ``CLOSE`` (``*``/``**``/``_``/``~~``, a link's ``[`` and ``](url)``,
an image's ``![`` and ``](src)`` around its alt text), ``ALONE`` (a code span, an autolink, inline
HTML, a footnote reference, a hard break's backslash) or ``CHAR`` (a backslash escape or a
character reference and the character it stands for).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

OPEN, CLOSE, ALONE, CHAR = "open", "close", "alone", "char"
_DELIMITED = frozenset({"emphasis", "strikethrough"})   # rules that push one token per marker
_SKIPPED = frozenset({"text", "newline"})              # text, and line breaks (the lines' own ends)
_LONGEST = "dragoman_longest_footnote"


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    role: str          # OPEN, CLOSE, ALONE or CHAR
    value: str = ""    # CHAR: the character written
    pair: int = -1     # OPEN and CLOSE: the same number for both (where the OPEN starts)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"inline_definitions": True}).enable(["table", "strikethrough"])
    footnote_plugin(md, inline=False, move_to_end=False)
    for rule in md.inline.ruler.get_all_rules():
        md.inline.ruler.at(rule, _tracked(rule, _rule(md, rule)))
    md.inline.ruler2.disable("fragments_join")
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


def _rule(md: MarkdownIt, name: str):
    return next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    footnote_plugin(md)
    return md


def to_html(text: str) -> tuple[str, str]:
    """A Markdown article as HTML (raw HTML in it escaped, as markdown-it does with ``html`` off) and
    the text of its first heading ("" if it has none)."""
    md = _renderer()
    tokens = md.parse(text)
    heading = next((tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t.type == "heading_open"), None)
    title = "".join(c.content for c in heading.children or [] if c.type in ("text", "code_inline")) if heading else ""
    return md.renderer.render(tokens, md.options, {}), title


def blocks(text: str) -> tuple[list[Token], dict]:
    """markdown-it's block tokens for ``text`` (inline tokens without children) and the env."""
    env: dict = {}
    return parser().parse(text, env), env


def markup(src: str, env: dict, start: int = 0, end: int | None = None) -> list[Item]:
    """The inline markup of ``src[start:end]`` as items, in source order."""
    md = parser()
    state = _State(src, md, env, [])
    state.pos, state.posMax = start, len(src) if end is None else end
    md.inline.tokenize(state)
    for rule in md.inline.ruler2.getRules(""):
        rule(state)
    return sorted(state.items(), key=lambda item: (item.start, item.end))


class _State(StateInline):
    """An inline state that notes where each token came from."""

    def __init__(self, src: str, md: MarkdownIt, env: dict, tokens: list[Token]):
        super().__init__(src, md, env, tokens)
        self.at: dict[int, int] = {}                 # id(token) -> state.pos when it was pushed
        self.spans: dict[int, tuple[int, int]] = {}  # id(token) -> its source span (delimiters, links)
        self.taken: set[int] = set()                 # tokens already noted (by a rule nested in another)
        self.calls: list[tuple[str, int, int, list[Token]]] = []  # a rule, its span, the tokens it pushed itself

    def pushPending(self) -> Token:
        token = super().pushPending()
        self.taken.add(id(token))                    # text: what lies between the items
        return token

    def push(self, ttype: str, tag: str, nesting) -> Token:
        token = super().push(ttype, tag, nesting)
        self.at[id(token)] = self.pos
        return token

    def note(self, name: str, start: int, end: int, pushed: list[Token]) -> None:
        own = [t for t in pushed if id(t) not in self.taken]
        self.taken.update(id(t) for t in own)
        if name in _DELIMITED:
            at = start
            for token in own:
                self.spans[id(token)] = (at, at + len(token.content))
                at += len(token.content)
        elif name == "link" and len(own) == 2:
            self.spans[id(own[0])] = (start, self.at[id(own[0])])
            self.spans[id(own[1])] = (self.at[id(own[1])], end)
        self.calls.append((name, start, end, own))

    def items(self) -> list[Item]:
        openers = _openers(self.tokens)
        out: list[Item] = []
        for token in self.tokens:
            if token.nesting and id(token) in self.spans:
                opener = token if token.nesting > 0 else openers[id(token)]
                out.append(Item(*self._span(token), OPEN if token.nesting > 0 else CLOSE,
                                pair=self._span(opener)[0]))
        for name, start, end, own in self.calls:
            if name in _DELIMITED or name in _SKIPPED or name == "link":
                continue
            if own and own[0].type == "text_special":
                out.append(Item(start, end, CHAR, own[0].content))
            elif own and own[0].type == "image":
                out += self._image(start, end, own[0])
            elif own:
                out.append(Item(start, end, ALONE))
        return out

    def _span(self, token: Token) -> tuple[int, int]:
        start, end = self.spans[id(token)]
        if token.type in ("em_open", "strong_open"):
            start = end - len(token.markup)   # "**": this marker and the emptied one before it
        elif token.type in ("em_close", "strong_close"):
            end = start + len(token.markup)
        return start, end

    def _image(self, start: int, end: int, token: Token) -> list[Item]:
        """An image: ``![`` and ``](src)`` around its alt text, which is read as inline Markdown too."""
        label_end = start + 2 + len(token.content)
        return [Item(start, start + 2, OPEN, pair=start), *markup(self.src, self.env, start + 2, label_end),
                Item(label_end, end, CLOSE, pair=start)]


def _openers(tokens: list[Token]) -> dict[int, Token]:
    """id(closing token) -> its opening token."""
    out: dict[int, Token] = {}
    stack: list[Token] = []
    for token in tokens:
        if token.nesting > 0:
            stack.append(token)
        elif token.nesting < 0 and stack:
            out[id(token)] = stack.pop()
    return out


def _tracked(name: str, rule):
    """``rule`` noting, when it pushes tokens into a ``_State``, its span and those tokens (the footnote
    reference rule is tried only where a reference can start, in every state)."""
    def run(state: StateInline, silent: bool) -> bool:
        if name == "footnote_ref" and not _footnote_ahead(state):
            return False
        if silent or not isinstance(state, _State):
            return rule(state, silent)
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and len(state.tokens) > count:
            state.note(name, start, state.pos, state.tokens[count:])
        return found
    return run


def _footnote_ahead(state: StateInline) -> bool:
    """Can a footnote reference start here? The plugin's rule reads to the end of a label that may
    never end (30,000 ``[^`` took minutes); a label it can accept is one of the document's, so the
    ``]`` has to come within the longest of them."""
    refs = state.env.get("footnotes", {}).get("refs", {})
    pos = state.pos
    if not refs or not state.src.startswith("[^", pos):
        return False
    if state.env.get(_LONGEST, (None,))[0] is not refs:
        state.env[_LONGEST] = (refs, max(len(label) for label in refs) - 1)  # labels are stored as ":label"
    longest = state.env[_LONGEST][1]
    close = state.src.find("]", pos + 2, min(pos + 3 + longest, state.posMax))
    return close > pos + 2 and ":" + state.src[pos + 2:close] in refs
