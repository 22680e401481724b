"""HTML articles: read with html5lib, translated unit by unit with inline tags as codes, written back
as the same document. The identity engine gives back the source byte for byte; a model-shaped
engine (``Aligned``: word pieces, an attention matrix) shows the tags never reach the model and come
back around the right words."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.languages import Direction
from common.settings import Settings
from translate import formats, inline, qa
from translate.backends.base import Decoded, MarianEngine
from translate.engine import IdentityEngine, Translation
from translate.formats import html
from translate.pipeline import segment, translate_article

ROOT = Path(__file__).resolve().parents[2]
CORPUS = [*sorted((ROOT / "tests" / "fixtures" / "html").glob("*.html")), ROOT / "examples" / "article-en.html"]
EN_SQ = Direction("en", "sq")


class Aligned(MarianEngine):
    """A model-shaped engine: one piece per word, output = input (or its words reversed), with the
    attention a copying model has. It records what it was given."""

    def __init__(self, reverse: bool = False):
        self.settings, self.target_token, self.reverse = Settings(), None, reverse
        self.seen: list[str] = []

    def _pieces(self, sentence: str) -> list[str]:
        return ["\u2581" + w for w in sentence.split()]

    def _detokenize(self, pieces: list[str]) -> str:
        return "".join(pieces).replace("\u2581", " ").strip()

    def _generate(self, batch, max_length, attention=False):
        out = []
        for source in batch:
            words = source[:-1]  # no EOS
            self.seen.append(self._detokenize(words))
            order = list(range(len(words)))[::-1] if self.reverse else list(range(len(words)))
            rows = [[1.0 if j == i else 0.0 for j in range(len(source))] for i in order]
            out.append(Decoded([words[i] for i in order], 0.0, False, rows if attention else None))
        return out


def show(text: str) -> str:
    """Codes as <1> </1> [1] to read assertions."""
    marks = {inline.OPEN: "<{}>", inline.CLOSE: "</{}>", inline.ALONE: "[{}]"}
    return "".join(marks[inline.parse_code(c)[0]].format(inline.parse_code(c)[1]) if inline.is_code(c) else c
                   for c in text)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("framing", ["lf", "crlf", "bom", "no-final-newline"])
def test_identity_round_trip_is_byte_for_byte(path, framing):
    text = path.read_text("utf-8")
    text = {"lf": text, "crlf": text.replace("\n", "\r\n"), "bom": "\ufeff" + text,
            "no-final-newline": text.rstrip("\n")}[framing]
    draft = translate_article(text, EN_SQ, IdentityEngine(), "html")
    assert draft.render() == text
    assert draft.notes == []
    assert draft.segments


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_a_copying_model_gives_the_document_back_and_never_sees_a_tag(path):
    text = path.read_text("utf-8")
    engine = Aligned()
    draft = translate_article(text, EN_SQ, engine, "html")
    assert draft.render() == text
    seen = " ".join(engine.seen)
    assert "<" not in seen and ">" not in seen and not inline.has_codes(seen)
    assert all(qa.TAGS not in s.flags for s in draft.segments)


def test_what_is_never_translated():
    text = (ROOT / "examples" / "article-en.html").read_text("utf-8")
    engine = Aligned()
    translate_article(text, EN_SQ, engine, "html")
    seen = "\n".join(engine.seen)
    for kept in ("make check", "widgets.js", "The bridge is almost ready", "Kosovo Online", "info@mitrovica.example",
                 "@MitrovicaInfo", "https://", "4,500", "5,200", "ibar-bridge.jpg", "48213", "rel", "author"):
        assert kept not in seen, kept
    for translated in ("Workers repairing the railings of the bridge", "Our report on the closure", "European Union",
                       "Crossings per day", "Pedestrians", "What changes for residents", "Arta Berisha"):
        assert translated in seen, translated
    assert "Month" in seen and "March" in seen  # cells with words are translated; with numbers only, not


def test_never_translate_settings_are_read():
    text = '<p>Say <span class="brand">Dragoman</span> twice.</p><p class="x">Hello there.</p>'
    opts = html.options(never="script", embeds="x")
    blocks = html.parse(text, opts)
    assert [show(b.text) for b in blocks if b.translate] == ["Say <1>Dragoman</1> twice."]
    opts = html.options(attributes="")
    assert not [b for b in html.parse('<img alt="A cat">', opts) if b.translate]


def test_sentences_are_split_across_inline_tags():
    text = ("<p>The minister said the <strong>bridge will open. Residents</strong> doubt it. "
            "<a href=x>Read more.</a></p>")
    _, segments = segment(text, "en", "html")
    assert [show(s.source) for s in segments] == ["The minister said the <1>bridge will open.",
                                                  "Residents</1> doubt it.", "<2>Read more.</2>"]
    assert "".join(s.source + s.space_after for s in segments) == formats.parse(text, "html")[1].text


def test_tags_follow_their_words_when_the_model_reorders():
    engine = Aligned(reverse=True)
    draft = translate_article('<p>one <b>two</b> <a href="u">three four</a> five</p>', EN_SQ, engine, "html")
    assert draft.render() == '<p>five <a href="u">four three</a> <b>two</b> one</p>'
    assert engine.seen == ["one two three four five"]


@pytest.mark.parametrize("reverse", [False, True])
def test_codes_side_by_side_are_placed_as_written(reverse):
    text = ("<p>Follow @MitrovicaInfo #Mitrovica.</p>\n<p>Run <code>a</code><code>b</code> then <img src=x>  "
            "<img src=y> twice.</p>\n")
    engine = Aligned(reverse)
    out = translate_article(text, EN_SQ, engine, "html").render()
    assert engine.seen == ["Follow.", "Run then twice."]
    assert out == text if not reverse else ("<p>Follow @MitrovicaInfo #Mitrovica.</p>\n"
                                            "<p>twice. then <img src=x>  <img src=y> Run <code>a</code><code>b</code>"
                                            "</p>\n")


def test_a_code_glued_to_the_next_word_goes_with_it():
    text = "<p>See <img src=x>Mitrovica today and <!-- c -->Zvečan.</p>"
    assert translate_article(text, EN_SQ, Aligned(), "html").render() == text
    assert translate_article(text, EN_SQ, Aligned(reverse=True), "html").render() == \
        "<p><!-- c -->Zvečan. and today <img src=x>Mitrovica See</p>"


@pytest.mark.parametrize("text", [
    '<p>See <a href="x"><img src="y"></a> here and <b> </b> there <i><b>x</b></i>.</p>',  # pairs with no words
    "<p>Read (<code>a</code> first) and <b>it <code>b</code></b> <img src=c> now.</p>",     # spaces across tags
])
def test_spaces_around_codes_standing_alone_come_back_where_they_were(text):
    engine = Aligned()
    assert translate_article(text, EN_SQ, engine, "html").render() == text
    assert not any("  " in seen or "( " in seen or " )" in seen for seen in engine.seen)


def test_without_attention_a_pair_wraps_the_same_words_if_they_are_there():
    class Plain(Aligned):
        def _generate(self, batch, max_length, attention=False):
            return [Decoded(d.pieces, 0.0, False) for d in super()._generate(batch, max_length, attention)]

    draft = translate_article('<p>Troops of <abbr title="x">KFOR</abbr> left <i>today</i>.</p>', EN_SQ, Plain(), "html")
    assert draft.render() == '<p>Troops of <abbr title="x">KFOR</abbr> left <i>today</i>.</p>'


def test_attributes_and_entities_when_the_text_changes():
    class Upper:
        def translate(self, sentences):
            return [Translation(s.upper()) for s in sentences]

    text = '<p title="Note">Caf&eacute; &amp; bar&nbsp;open <img src="a.png" alt="a photo"></p>'
    draft = translate_article(text, EN_SQ, Upper(), "html")
    assert draft.render() == '<p title="NOTE">CAF&Eacute; &amp; BAR&nbsp;OPEN <img src="a.png" alt="A PHOTO"></p>' \
        or draft.render() == '<p title="NOTE">CAFÉ &amp; BAR&nbsp;OPEN <img src="a.png" alt="A PHOTO"></p>'


def test_serbian_cyrillic_keeps_urls_and_attributes_latin():
    text = ('<p>Read <a href="https://news.example/most" title="The bridge">the report</a> at '
            'www.news.example/most now.</p>')
    draft = translate_article(text, Direction("en", "sr-Cyrl"), Aligned(), "html")
    out = draft.render()
    assert 'href="https://news.example/most"' in out and "www.news.example/most" in out
    assert 'title="Тхе бридге"' in out and "тхе репорт" in out


@pytest.mark.parametrize("broken", [
    "<p>One <b>two</p> three",                      # an inline tag left open across a block
    "<table><tr><td>1</td></tr>Stray words</table>",  # text a table cannot hold
    "<p>Misnested <b><i>tags</b></i> here.</p>",
    "</div><p>A stray end tag.</p>",
])
def test_malformed_html_is_repaired_like_a_browser_and_the_draft_says_so(broken):
    draft = translate_article(broken, EN_SQ, IdentityEngine(), "html")
    assert draft.notes and "repaired as a browser would" in draft.notes[0]
    assert draft.to_dict()["notes"] == draft.notes
    out = draft.render()
    assert _tree(out) == _tree(broken)  # what the browser would have shown
    assert translate_article(out, EN_SQ, IdentityEngine(), "html").notes == []  # the output is well-formed


def test_valid_html_with_optional_end_tags_is_not_repaired():
    text = "<ul><li>One<li>Two</ul><p>Para<p>Next<table><tr><td>a<td>b</table>"
    draft = translate_article(text, EN_SQ, IdentityEngine(), "html")
    assert draft.notes == [] and draft.render() == text


def test_reserved_characters_are_refused():
    from translate.pipeline import ArticleError

    with pytest.raises(ArticleError, match="private use"):
        translate_article("<p>a \U000f0003 b</p>", EN_SQ, IdentityEngine(), "html")


def test_a_reviewer_edit_that_drops_or_reorders_a_tag_is_flagged():
    source = "The " + inline.code(inline.OPEN, 1) + "minister" + inline.code(inline.CLOSE, 1) + " spoke."
    assert qa.TAGS not in qa.check(source, Translation(source), "en", "sq")
    dropped = "The minister" + inline.code(inline.CLOSE, 1) + " spoke."
    assert qa.TAGS in qa.check(source, Translation(dropped), "en", "sq")
    swapped = "The " + inline.code(inline.CLOSE, 1) + "minister" + inline.code(inline.OPEN, 1) + " spoke."
    assert qa.TAGS in qa.check(source, Translation(swapped), "en", "sq")
    assert inline.problems(source, swapped) == ["reordered", "badly nested"]


@pytest.mark.parametrize("fmt,text,link,emphasis", [
    ("html", '<p>Troops of <a href="https://kfor.example">KFOR</a> patrol <em>Pristina</em>.</p>',
     '<a href="https://kfor.example">KFOR</a>', "<em>Prishtin"),
    ("markdown", "Troops of [KFOR](https://kfor.example) patrol *Pristina*.\n", "[KFOR](https://kfor.example)",
     "*Prishtin"),
])
def test_a_term_inside_a_link_is_matched(fmt, text, link, emphasis):
    from glossary.seed import load_seed

    draft = translate_article(text, EN_SQ, Aligned(), fmt, glossary=load_seed())
    out = draft.render()
    assert link in out and emphasis in out
    assert draft.term_accuracy == 1.0


@pytest.mark.parametrize("fmt,text,flagged", [
    ("html", "<table><tr><td>Troops: 12 in <b>two</b> bases</td></tr></table>", [True]),
    ("markdown", "| Troops | Bases |\n|---|---|\n| 12 in **two** bases | 3 |\n", [False, False, True]),
])
def test_numbers_in_a_table_cell_are_checked(fmt, text, flagged):
    class Wrong:
        def translate(self, sentences):
            return [Translation(s.replace("12", "21")) for s in sentences]

    draft = translate_article(text, EN_SQ, Wrong(), fmt)
    assert [qa.NUMBER_MISMATCH in s.flags for s in draft.segments] == flagged


# --- property: random inline trees survive ----------------------------------------------------------------
_WORDS = st.sampled_from(["Pristina", "the", "bridge", "opens", "today.", "Police", "said", "4,500", "&amp;", "é",
                          "Mitrovica?", "(north)", "“quoted”", "&nbsp;", "  ", "\n"])
_INLINE = st.sampled_from(["a", "b", "em", "strong", "span", "i", "q", "abbr", "code", "sub"])


@st.composite
def _inline_tree(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "tag", "img", "br"] if depth < 3 else ["text"]))
        if kind == "text":
            parts.append(" ".join(draw(st.lists(_WORDS, min_size=1, max_size=5))))
        elif kind == "img":
            parts.append(draw(st.sampled_from(['<img src="x.png" alt="A photo">', "<img src=y.jpg>"])))
        elif kind == "br":
            parts.append("<br>")
        else:
            tag = draw(_INLINE)
            attrs = draw(st.sampled_from(["", ' href="https://a.example/?x=1&amp;y=2"', " class=k", " title='T'"]))
            parts.append(f"<{tag}{attrs}>{draw(_inline_tree(depth + 1))}</{tag}>")
    return " ".join(parts)


@settings(max_examples=150, deadline=None)
@given(st.lists(_inline_tree(), min_size=1, max_size=3), st.sampled_from(["p", "li", "td", "h2", "figcaption"]))
def test_random_inline_trees_survive_identity_and_a_copying_model(paragraphs, block):
    text = "".join(f"<{block}>{p}</{block}>\n" for p in paragraphs)
    if block in ("li", "td"):
        text = {"li": "<ul>\n{}</ul>\n", "td": "<table><tr>{}</tr></table>\n"}[block].format(text)
    draft = translate_article(text, EN_SQ, IdentityEngine(), "html")
    if draft.notes:  # nested links and the like: repaired, and then what a browser shows
        assert _tree(draft.render()) == _tree(text)
        return
    assert draft.render() == text
    copied = translate_article(text, EN_SQ, Aligned(), "html")  # the model normalizes whitespace; nothing else
    assert _tree(copied.render()) == _tree(text)


def _tree(text: str) -> list:
    """The element tree a browser builds: tags, attributes and texts (whitespace collapsed)."""
    root = html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)
    out: list = []

    def walk(node):
        out.append((node.tag, sorted(node.attrib.items())))
        if node.text and node.text.strip():
            out.append(re.sub(r"\s+", " ", node.text.strip()))
        for child in node:
            walk(child)
        if node.tail and node.tail.strip():
            out.append(re.sub(r"\s+", " ", node.tail.strip()))

    walk(root)
    return out


def test_a_paragraph_of_too_many_tags_is_refused_with_a_reason():
    from translate.inline import MAX_CODES
    from translate.pipeline import ArticleError, segment

    article = "<p>" + "<b>x</b>" * (MAX_CODES + 1) + "</p>"
    with pytest.raises(ArticleError, match="inline tags"):
        segment(article, "en", "html")
