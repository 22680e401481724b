"""HTML read by html5lib (the WHATWG parsing algorithm), keeping where every token came from.

``events(text)`` gives the document as start/end/text/comment events, each with its exact source
text (``raw``): html5lib's tokenizer yields the tokens and its input stream says where each ended.
End tags the source leaves out where HTML allows it (``</p>`` before a block, ``</li>`` before the
next item, everything at the end) are events with an empty ``raw``. ``check(text)`` then parses the
same text with html5lib's tree builder, as a browser would, and compares: when the tree is not the
one the events describe (misnested or stray tags, text a table cannot hold...), the document is
repaired -- serialized from the browser's tree -- and read again, with a note that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import html5lib
from html5lib import _tokenizer
from html5lib.constants import tokenTypes

START, END, TEXT, COMMENT, DOCTYPE = "start", "end", "text", "comment", "doctype"


def names(text: str) -> frozenset[str]:
    """Element names written as one string, separated by whitespace or commas."""
    return frozenset(n for n in re.split(r"[\s,]+", text.lower()) if n)


VOID = names("area base br col embed hr img input link meta source track wbr param keygen basefont bgsound "
                  "frame image")
_RAWTEXT = {"script": "scriptDataState", "style": "rawtextState", "xmp": "rawtextState",
            "iframe": "rawtextState", "noembed": "rawtextState", "noframes": "rawtextState",
            "textarea": "rcdataState", "title": "rcdataState", "plaintext": "plaintextState"}
# A start tag of these closes an open <p> (the HTML standard's list).
_CLOSE_P = names("address article aside blockquote center details dialog dir div dl fieldset figcaption figure "
                      "footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul "
                      "li dd dt")
_ITEMS = {"li": ({"li"}, {"ul", "ol", "menu"}), "dt": ({"dt", "dd"}, {"dl"}), "dd": ({"dt", "dd"}, {"dl"}),
          "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
          "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
          "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
          "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
          "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
          "option": ({"option"}, {"select", "datalist"})}
_DROPS_NEWLINE = frozenset({"pre", "listing", "textarea"})
_IMPLIED = frozenset({"html", "head", "body"})


@dataclass
class Event:
    kind: str
    name: str = ""
    raw: str = ""
    data: str = ""                                   # text: the characters; comment: its text
    attrs: list[tuple[str, str]] = field(default_factory=list)
    self_closing: bool = False


def tokens(text: str) -> tuple[list[dict], bool]:
    """html5lib's tokens, each with its ``raw`` source text; and whether those tile ``text``
    exactly (they do unless the tokenizer dropped something, such as a tag cut off at the end)."""
    tokenizer = _tokenizer.HTMLTokenizer(text)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    out: list[dict] = []
    at = 0
    for token in tokenizer:
        if token["type"] == tokenTypes["ParseError"]:
            continue
        line, col = tokenizer.stream.position()
        end = min(line_starts[line - 1] + col, len(text))
        token["raw"] = text[at:end] if end > at else ""
        at = max(at, end)
        out.append(token)
        if token["type"] == tokenTypes["StartTag"] and token["name"] in _RAWTEXT:
            tokenizer.state = getattr(tokenizer, _RAWTEXT[token["name"]])
    return out, "".join(t["raw"] for t in out) == text


def events(text: str) -> tuple[list[Event], bool]:
    """The document as events, with end tags the source left out; and whether their ``raw`` gives
    back ``text`` exactly."""
    found, exact = tokens(text)
    out: list[Event] = []
    stack: list[str] = []

    def close_to(index: int) -> None:
        while len(stack) > index:
            out.append(Event(END, stack.pop()))

    for token in found:
        kind = token["type"]
        if kind in (tokenTypes["Characters"], tokenTypes["SpaceCharacters"]):
            out.append(Event(TEXT, raw=token["raw"], data=token["data"]))
        elif kind == tokenTypes["Comment"]:
            out.append(Event(COMMENT, raw=token["raw"], data=token["data"]))
        elif kind == tokenTypes["Doctype"]:
            out.append(Event(DOCTYPE, raw=token["raw"]))
        elif kind in (tokenTypes["StartTag"], tokenTypes["EmptyTag"]):
            name = token["name"]
            _implied_ends(name, stack, close_to)
            attrs = list(token["data"].items()) if isinstance(token["data"], dict) else list(token["data"])
            out.append(Event(START, name, token["raw"], attrs=attrs, self_closing=bool(token.get("selfClosing"))))
            if name not in VOID:
                stack.append(name)
        elif kind == tokenTypes["EndTag"]:
            name = token["name"]
            if name in stack:
                close_to(len(stack) - 1 - stack[::-1].index(name) + 1)
                stack.pop()
                out.append(Event(END, name, token["raw"]))
            else:
                out.append(Event(END, name, token["raw"], data="stray"))
    close_to(0)
    return out, exact


def _implied_ends(name: str, stack: list[str], close_to) -> None:
    """Close what a start tag ``name`` closes by itself: an open <p> before a block, the previous
    item of a list, definition list, table or select."""
    if name in _ITEMS:
        closes, scope = _ITEMS[name]
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] in closes:
                close_to(i)
                break
            if stack[i] in scope:
                break
    if name in _CLOSE_P and "p" in stack:
        index = len(stack) - 1 - stack[::-1].index("p")
        if all(s not in ("button", "table", "td", "th", "li") for s in stack[index + 1:]):
            close_to(index)


# --- is this the tree a browser builds? -----------------------------------------------------------------
def _shape_of_events(found: list[Event], tbody: bool) -> list[tuple]:
    shape: list[tuple] = []
    after_pre = False
    for event in found:
        if event.kind == TEXT:
            data = event.data[1:] if after_pre and event.data.startswith("\n") else event.data
            _add_text(shape, data)
        elif event.kind in (START, END):
            if event.data == "stray":
                shape.append(("stray", event.name))
            elif event.name not in _IMPLIED and (tbody or event.name != "tbody"):
                shape.append((event.kind, event.name, tuple(sorted(event.attrs)) if event.kind == START else ()))
        after_pre = event.kind == START and event.name in _DROPS_NEWLINE
    return shape


def _add_text(shape: list[tuple], data: str) -> None:
    """Texts are compared with their whitespace collapsed: a browser moves the whitespace after
    ``</body>`` into the body, and a rendering keeps the source's whitespace anyway."""
    if shape and shape[-1][0] == TEXT:
        shape[-1] = (TEXT, shape[-1][1] + data)
    elif data:
        shape.append((TEXT, data))


def _collapsed(shape: list[tuple]) -> list[tuple]:
    return [(TEXT, " ".join(s[1].split())) if s[0] == TEXT else s for s in shape
            if s[0] != TEXT or s[1].strip()]


def _shape_of_tree(node, shape: list[tuple], tbody: bool) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    named = bool(tag) and tag not in ("DOCUMENT_ROOT", "DOCUMENT_FRAGMENT", "<!DOCTYPE>")
    keep = named and tag.lower() not in _IMPLIED and (tbody or tag.lower() != "tbody")
    if keep:
        shape.append((START, tag.lower(), tuple(sorted((k.lower(), v) for k, v in node.attrib.items()))))
    if named or tag in ("DOCUMENT_ROOT", "DOCUMENT_FRAGMENT"):
        _add_text(shape, node.text or "")
        for child in node:
            _shape_of_tree(child, shape, tbody)
    if keep and tag.lower() not in VOID:
        shape.append((END, tag.lower(), ()))
    _add_text(shape, node.tail or "")


def is_document(found: list[Event]) -> bool:
    return any(e.kind == DOCTYPE or (e.kind == START and e.name in _IMPLIED) for e in found)


def browser_tree(text: str, document: bool):
    parser = html5lib.HTMLParser(tree=html5lib.treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parse(text) if document else parser.parseFragment(text, container="body")
    return tree, parser.errors


def check(text: str) -> tuple[list[Event], str]:
    """The document's events and "" when they describe the tree a browser builds; otherwise the
    repaired document's events and a note saying what was repaired."""
    found, exact = events(text)
    document = is_document(found)
    tree, errors = browser_tree(text, document)
    tbody = any(e.kind == START and e.name == "tbody" for e in found)
    browser: list[tuple] = []
    _shape_of_tree(tree, browser, tbody)
    if exact and _collapsed(browser) == _collapsed(_shape_of_events(found, tbody)):
        return found, ""
    doctype = next((e.raw for e in found if e.kind == DOCTYPE), "")
    repaired = (doctype + "\n" if doctype else "") + serialize(tree)
    first = next(((pos, code) for pos, code, _ in errors), None)
    where = f" (first: {first[1]} at line {first[0][0]}, column {first[0][1]})" if first else ""
    note = (f"The HTML was not well-formed and was repaired as a browser would: {len(errors)} parse "
            f"error(s){where}. The translation is of the repaired document.")
    return events(repaired)[0], note


def serialize(tree) -> str:
    from html5lib.serializer import HTMLSerializer

    walker = html5lib.getTreeWalker("etree")
    serializer = HTMLSerializer(omit_optional_tags=False, quote_attr_values="always", use_trailing_solidus=False,
                                minimize_boolean_attributes=False, resolve_entities=False)
    return serializer.render(walker(tree))
