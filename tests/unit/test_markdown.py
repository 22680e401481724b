"""Markdown articles: block structure by lines, inline markup read by markdown-it as codes (the mechanism of
HTML), table rows as cells. The identity engine gives back the source byte for byte; a model-shaped engine
(``Aligned``, from the HTML tests) shows the markup never reaches the model and comes back around the right
words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

import translate.formats.markdown
import translate.formats.markdown_inline
from common.languages import Direction
from tests.counting import module_work
from tests.fixtures.hostile_articles import ARTICLES
from tests.unit.test_html import Aligned, _tree, show
from translate import inline, qa
from translate.engine import IdentityEngine, Translation
from translate.formats import markdown, markdown_inline, parse
from translate.pipeline import segment, translate_article

ROOT = Path(__file__).resolve().parents[2]
CORPUS = [*sorted((ROOT / "tests" / "fixtures" / "markdown").glob("*.md")), *sorted((ROOT / "examples").glob("*.md"))]
ELECTION = ROOT / "tests" / "fixtures" / "markdown" / "election-en.md"
EN_SQ = Direction("en", "sq")


class Upper:
    def translate(self, sentences):
        return [Translation(s.upper()) for s in sentences]


def units(text: str) -> list[str]:
    """The translated blocks' texts, codes shown as <1> </1> [1]."""
    return [show(b.text) for b in parse(text, "markdown") if b.translate]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("framing", ["lf", "crlf", "bom", "no-final-newline"])
def test_identity_round_trip_is_byte_for_byte(path, framing):
    text = path.read_text("utf-8")
    text = {"lf": text, "crlf": text.replace("\n", "\r\n"), "bom": "\ufeff" + text,
            "no-final-newline": text.rstrip("\n")}[framing]
    draft = translate_article(text, EN_SQ, IdentityEngine(), "markdown")
    assert draft.render() == text
    assert draft.segments


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_a_copying_model_gives_the_article_back_and_never_sees_markup(path):
    text = path.read_text("utf-8")
    engine = Aligned()
    draft = translate_article(text, EN_SQ, engine, "markdown")
    assert draft.render() == text
    seen = " ".join(engine.seen)
    for markup in ("](", "**", "`", "<", "![", "[^", "http", "~~"):
        assert markup not in seen, markup
    assert not inline.has_codes(seen)
    assert all(qa.TAGS not in s.flags for s in draft.segments)


def test_what_is_translated_and_what_is_kept():
    engine = Aligned()
    translate_article(ELECTION.read_text("utf-8"), EN_SQ, engine, "markdown")
    seen = "\n".join(engine.seen)
    for kept in ("news.example", '"Zvečan"', "dren-hoxha", "press@commission.example", "@KQZ_info", "#Kosovo", "noon",
                 "git clone", "code *stays*", "indented code", "Read also", "2021", "38.2%", "41.0%", "Complaints",
                 "osce.example", "=====", "* * *", "[x]", "panel]", "osce]"):
        assert kept not in seen, kept
    for translated in ("Turnout rises in local elections across the north", "Voters queue outside a school in Zvečan",
                       "Disputes go to the complaints panel within 48 hours.", "Commission logo Graphic: commission",
                       "The mission sent twelve teams, see.", "Queues in the morning", "Municipality", "Total",
                       "Figures from | the commission", "Mobile teams visited care homes.", "AT&T and *stars*"):
        assert translated in seen, translated


def test_inline_markup_becomes_codes_read_across_the_lines_of_a_paragraph():
    text = ("# The *new* bridge\n\nRead [the **full** report](https://x.example/r \"Report\") now. It was *long\n"
            "and slow* work.  \nSee ![a map](m.png), `code`, <https://y.example> and a note.[^1]\n\n[^1]: Not *yet*.\n")
    assert units(text) == ["The <1>new</1> bridge", "Read <1>the <2>full</2> report</1> now. It was [3]long",
                           "and slow[1] work.", "See <1>a map</1>, [2], [3] and a note.[4]", "Not <1>yet</1>."]
    blocks = [b for b in parse(text, "markdown") if b.translate]
    assert blocks[1].codes == {"o1": "[", "o2": "**", "c2": "**", "c1": '](https://x.example/r "Report")', "s3": "*"}
    assert blocks[2].suffix == "  " and blocks[4].prefix == "[^1]: "


def test_a_link_with_no_text_and_escapes():
    text = "An [](https://x.example) empty link, \\*not emphasis\\* &amp; AT&T &copy;.\n"
    assert units(text) == ["An <1></1> empty link, *not emphasis* & AT&T ©."]
    engine = Aligned()
    assert translate_article(text, EN_SQ, engine, "markdown").render() == text
    assert engine.seen == ["An empty link, *not emphasis* & AT&T ©."]
    block = next(b for b in parse("Say \\*this\\* &amp; that.\n", "markdown") if b.translate)
    assert block.entities == {"*": "\\*", "&": "&amp;"}


def test_plain_lines_are_the_line_parsers_blocks():
    for path in (ROOT / "examples" / "article-en.md", ROOT / "examples" / "article-terms-en.md"):
        text = path.read_text("utf-8")
        assert markdown.parse(text) == markdown.lines(text)


def test_code_html_blocks_definitions_and_rules_are_copied():
    text = ("Text.\n\n    indented *code*\n\n```\nfenced *code*\n```\n\n<div>\nAn *HTML* block.\n</div>\n\n"
            "[ref]: https://r.example\n  \"Title\"\n\nHeading\n=======\n\n***\n")
    assert units(text) == ["Text.", "Heading"]
    assert translate_article(text, EN_SQ, Upper(), "markdown").render() == text.replace("Text.", "TEXT.").replace(
        "Heading\n", "HEADING\n")


def test_table_rows_are_cells_with_their_pipes():
    text = "| Month | *Crossings* | Note |\n|:---|---:|---|\n| March | **4,500** | rain \\| wind |\n| April | 5,200 |\n"
    blocks = parse(text, "markdown")
    row = [(b.prefix, show(b.text), b.suffix, b.translate) for b in blocks[:5]]
    assert row == [("", "", "", False), ("| ", "Month", " ", True), ("| ", "<1>Crossings</1>", " ", True),
                   ("| ", "Note", " ", True), ("|", "", "", False)]
    assert units(text) == ["Month", "<1>Crossings</1>", "Note", "March", "rain | wind", "April"]  # numbers stay
    assert translate_article(text, EN_SQ, Upper(), "markdown").render() == (
        "| MONTH | *CROSSINGS* | NOTE |\n|:---|---:|---|\n| MARCH | **4,500** | RAIN \\| WIND |\n| APRIL | 5,200 |\n")


def test_a_headings_closing_hashes_are_kept_out_of_its_words():
    text = "## Title with `code` ##\n# Hashtag #Mitrovica\n"
    assert units(text) == ["Title with [1]", "Hashtag [1]"]
    out = translate_article(text, EN_SQ, Upper(), "markdown").render()
    assert out == "## TITLE WITH `code` ##\n# HASHTAG #Mitrovica\n"


def test_a_table_in_a_quote():
    text = "> | Month | Note |\n> |---|:-:|\n> | March | *rain* |\n"
    assert units(text) == ["Month", "Note", "March", "<1>rain</1>"]
    assert translate_article(text, EN_SQ, Upper(), "markdown").render() == (
        "> | MONTH | NOTE |\n> |---|:-:|\n> | MARCH | *RAIN* |\n")


def test_a_changed_text_keeps_the_markup_and_the_escapes():
    text = "Read [the report](https://x.example/a_b) on *Mitrovica*, \\*twice\\* &amp; ![a map](m.png).\n"
    assert translate_article(text, EN_SQ, Upper(), "markdown").render() == (
        "READ [THE REPORT](https://x.example/a_b) ON *MITROVICA*, \\*TWICE\\* &amp; ![A MAP](m.png).\n")


def test_tags_follow_their_words_when_the_model_reorders():
    draft = translate_article("one **two** [three four](u) five\n", EN_SQ, Aligned(reverse=True), "markdown")
    assert draft.render() == "five [four three](u) **two** one\n"


def test_serbian_cyrillic_keeps_urls_and_markup_latin():
    text = "Read [the report](https://news.example/most \"The bridge\") at www.news.example/most again.\n"
    out = translate_article(text, Direction("en", "sr-Cyrl"), Aligned(), "markdown").render()
    assert out == "Реад [тхе репорт](https://news.example/most \"The bridge\") ат www.news.example/most агаин.\n"


def test_sentences_are_split_across_inline_markup():
    _, segments = segment("The minister said the **bridge will open. Residents** doubt it. [Read more.](x)\n",
                          "en", "markdown")
    assert [show(s.source) for s in segments] == ["The minister said the <1>bridge will open.",
                                                  "Residents</1> doubt it.", "<2>Read more.</2>"]


# --- the parser's positions against markdown-it's own reading ----------------------------------------------
_PIECES = st.sampled_from(["Pristina", "the", "bridge", " ", " ", "*", "**", "_", "~~", "`", "[", "]", "(", ")",
                           "](u)", "![", "<", ">", "<b>", "</b>", "<https://a.example>", "\\", "\\*", "&amp;", "&",
                           "[^1]", "[^", "[r]", "[r][]", "\n", "!", "x@y.example", "#tag", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_items_are_markdown_its_own_tokens(text):
    """The items are in order and apart, and they are the markup markdown-it finds in the text (its own parse,
    without the noting and without the guard on footnote references), in the same order."""
    env = {"references": {"R": {"href": "r", "title": ""}}, "footnotes": {"refs": {":1": -1}, "list": {}}}
    items = markdown_inline.markup(text, env)
    at = 0
    for item in items:
        assert at <= item.start < item.end <= len(text)
        at = item.end
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # markdown-it as it comes
    footnote_plugin(md, inline=False)
    md.inline.ruler2.disable("fragments_join")
    assert [i.role for i in items if not text.startswith("\\\n", i.start)] == _roles(md.inline.parse(text, md, env, []))


def _roles(tokens) -> list[str]:
    out, autolink = [], False
    for token in tokens:
        if token.markup == "autolink":
            out += [] if autolink else [markdown_inline.ALONE]
            autolink = not autolink
        elif token.type == "image":
            out += [markdown_inline.OPEN, *_roles(token.children or []), markdown_inline.CLOSE]
        elif token.nesting:
            out.append(markdown_inline.OPEN if token.nesting > 0 else markdown_inline.CLOSE)
        elif token.type == "text_special":
            out.append(markdown_inline.CHAR)
        elif token.type in ("code_inline", "html_inline", "footnote_ref"):
            out.append(markdown_inline.ALONE)
    return out


# --- property: random inline Markdown survives -------------------------------------------------------------
_WORDS = st.sampled_from(["Pristina", "the", "bridge", "opens", "today.", "Police", "said", "4,500", "&amp;", "é",
                          "Mitrovica?", "(north)", "“quoted”", "\\*", "AT&T", "@handle", "#tag", "x@y.example"])


@st.composite
def _inline(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kinds = ["text", "text", "wrap", "link", "image", "code", "auto", "html"] + ["note"] * (depth == 0)
        kind = draw(st.sampled_from(kinds if depth < 3 else ["text"]))  # ([^1] in a link's text ends the link)
        if kind == "text":
            parts.append(" ".join(draw(st.lists(_WORDS, min_size=1, max_size=5))))
        elif kind == "wrap":
            mark = draw(st.sampled_from(["*", "**", "_", "__", "~~"]))
            parts.append(f"{mark}{draw(_inline(depth + 1))}{mark}")
        elif kind == "link":
            target = draw(st.sampled_from(["(https://a.example/?x=1&y=2)", "(/p \"Title\")", "[r]", ""]))
            parts.append(f"[{draw(_inline(depth + 1))}]{target}")
        elif kind == "image":
            parts.append(f"![{' '.join(draw(st.lists(_WORDS, max_size=3)))}](i.png)")
        else:
            parts.append({"code": "`a *b*`", "auto": "<https://a.example>", "html": "<span class=\"k\">",
                          "note": "[^1]"}[kind])
    return " ".join(parts)


@settings(max_examples=150, deadline=None)
@given(st.lists(_inline(), min_size=1, max_size=3), st.sampled_from(["", "# ", "> ", "- ", "1. ", "| "]))
def test_random_inline_markdown_survives_identity_and_a_copying_model(lines, prefix):
    if prefix == "| ":
        body = "| Head |\n|---|\n" + "".join(f"| {line} |\n" for line in lines)
    else:
        body = "".join(f"{prefix}{line}\n" for line in lines)
    text = body + "\n[r]: https://r.example\n[^1]: A note.\n"
    assert translate_article(text, EN_SQ, IdentityEngine(), "markdown").render() == text
    copied = translate_article(text, EN_SQ, Aligned(), "markdown").render()
    assert _tree(_html(copied)) == _tree(_html(text))  # the model normalizes spaces; the document is the same


def _html(text: str) -> str:
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    footnote_plugin(renderer)
    return renderer.render(text)


# --- linear work on hostile articles -------------------------------------------------------------------------
_MARKDOWN_IT = sorted((m for name, m in sys.modules.items() if name.startswith(("markdown_it", "mdit_py_plugins"))
                       and getattr(m, "__file__", None)), key=lambda m: m.__name__)
_PATH = [translate.formats.markdown, translate.formats.markdown_inline, *_MARKDOWN_IT]


@pytest.mark.parametrize("shape", [s for s in ARTICLES if s not in ("news", "news lines")])
def test_markdown_parsing_work_grows_linearly_in_markdown_it_too(shape):
    """Reading 8,000 characters as Markdown (the line parser, markdown-it's block and inline parsers, the codes) does
    at most 4.5 times the work on 2,000, counting markdown-it's lines of Python too."""
    small, large = (module_work(_PATH, lambda n=n: parse(ARTICLES[shape](n), "markdown")) for n in (2000, 8000))
    for key in small:
        assert large[key] <= 4.5 * small[key], (key, small, large)


def test_thirty_thousand_unclosed_footnote_references_are_read_whole():
    text = "[^1]: A note.\n\n" + "[^" * 15_000
    blocks = parse(text, "markdown")
    assert blocks[-1].text == "[^" * 15_000


def test_the_html_export_of_a_markdown_draft_renders_its_markup():
    from dataclasses import asdict

    from desk.web_views import render_export

    draft = translate_article(ELECTION.read_text("utf-8"), EN_SQ, Upper(), "markdown")
    stored = {"id": "d1", "target_lang": "sq", "blocks": [asdict(b) for b in draft.blocks],
              "segments": [asdict(s) for s in draft.segments]}
    body, media, _ = render_export(stored, {"format": "markdown"}, "html")
    assert media.startswith("text/html") and not inline.RESERVED.search(body)
    assert "<title>TURNOUT RISES IN LOCAL ELECTIONS ACROSS THE NORTH</title>" in body
    assert '<a href="https://news.example/tags/zvecan" title="Zvečan">ZVEČAN</a>' in body
    assert '<td style="text-align:left">ZVEČAN</td>' in body and '<td style="text-align:right">38.2%' in body
    assert "&lt;div class=&quot;related&quot;&gt;" in body and "<div" not in body  # raw HTML is shown, never run


def test_a_line_with_more_markup_than_codes_is_read_as_plain_text():
    text = "`a" * (inline.MAX_CODES * 2 + 2)  # 20,001 code spans
    assert [(b.kind, b.text) for b in parse(text, "markdown")] == [("", text)]
    assert translate_article(text, EN_SQ, IdentityEngine(), "markdown").render() == text
