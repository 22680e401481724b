"""The article pipeline with a fake engine: structure, order, dedup, Serbian script, bad input."""

from __future__ import annotations

import re
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import translate.formats
import translate.formats.markdown
import translate.formats.plaintext
import translate.pipeline
import translate.qa
import translate.segment
import translate.serbian
from common.languages import Direction
from tests.counting import module_work
from tests.fixtures.hostile_articles import ARTICLES
from translate.engine import IdentityEngine, Translation
from translate.formats import Block, format_for, parse
from translate.pipeline import ArticleError, decode, segment, translate_article, validate

pytestmark = pytest.mark.unit

ARTICLE = """# KFOR hands over patrols near Jarinje

PRISTINA, Kosovo – KFOR troops handed over two patrol routes on Oct. 9. Police will now lead them.

> "We trust our partners," said Maj. Gen. Ivo Marić. He spoke in Pristina.

- First route: Jarinje to Leposavić
- Second route: Brnjak to Zubin Potok

```
code stays as it is.
```

1. Numbered items stay numbered.
"""


class Tagging:
    """Reverses nothing, loses nothing: marks each sentence so order can be checked."""

    def __init__(self):
        self.calls = []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return [Translation(f"<{s}>") for s in sentences]


def test_markdown_structure_is_kept_line_for_line():
    draft = translate_article(ARTICLE, Direction("en", "tr"), Tagging(), "markdown")
    out = draft.render().split("\n")
    src = ARTICLE.split("\n")
    assert len(out) == len(src)
    assert out[0] == "# <KFOR hands over patrols near Jarinje>"
    assert out[2] == ("<PRISTINA, Kosovo – KFOR troops handed over two patrol routes on Oct. 9.> "
                      "<Police will now lead them.>")
    assert out[4] == "> <\"We trust our partners,\" said Maj. Gen. Ivo Marić.> <He spoke in Pristina.>"
    assert out[6] == "- <First route: Jarinje to Leposavić>"
    assert out[9:12] == src[9:12]  # the code block is copied
    assert out[13] == "1. <Numbered items stay numbered.>"


def test_identity_engine_gives_back_the_article():
    draft = translate_article(ARTICLE, Direction("en", "tr"), IdentityEngine(), "markdown")
    assert draft.render() == ARTICLE


def test_duplicate_sentences_are_translated_once_in_length_order():
    engine = Tagging()
    text = "Police said. KFOR said more today.\n\nPolice said.\n"
    draft = translate_article(text, Direction("en", "sq"), engine, "text")
    assert engine.calls == [["Police said.", "KFOR said more today."]]
    assert [s.target for s in draft.segments] == ["<Police said.>", "<KFOR said more today.>", "<Police said.>"]


def test_the_glossary_reads_each_source_sentence_once(monkeypatch):
    """Protecting terms, checking them and the name check each want a sentence's source terms: the
    source matcher runs once per distinct sentence, not three times."""
    from glossary.match import Matcher
    from glossary.seed import load_seed

    searched: list[str] = []
    find = Matcher.find

    def counting(self, text):
        if self.lang == "en":  # the source side (en -> sq); the target side is read once per output
            searched.append(text)
        return find(self, text)

    monkeypatch.setattr(Matcher, "find", counting)
    draft = translate_article(ARTICLE, Direction("en", "sq"), IdentityEngine(), "markdown", glossary=load_seed())
    sources = {s.source for s in draft.segments}
    assert any(s.terms for s in draft.segments)  # the article names glossary terms (KFOR, Pristina)
    assert all(searched.count(source) == 1 for source in sources), {s: searched.count(s) for s in sources}


def test_serbian_output_is_in_the_requested_script():
    engine = IdentityEngine()
    text = "Vojnici KFOR-a su u Prištini.\n"
    cyr = translate_article(text, Direction("en", "sr-Cyrl"), engine, "text")
    assert cyr.render() == "Војници KFOR-а су у Приштини.\n"
    lat = translate_article("Војници су у Приштини.\n", Direction("en", "sr-Latn"), engine, "text")
    assert lat.render() == "Vojnici su u Prištini.\n"


def test_script_only_direction():
    from common.settings import Settings
    from translate.engines import Engines

    engine = Engines(Settings(models_dir="/nonexistent")).get(Direction("sr-Latn", "sr-Cyrl"))
    draft = translate_article("Đorđe je u Beogradu.", Direction("sr-Latn", "sr-Cyrl"), engine, "text")
    assert draft.render() == "Ђорђе је у Београду."  # no final newline in the source, none added


def test_progress_reports_reach_the_total():
    seen = []
    text = " ".join(f"Sentence number {i} is here." for i in range(150))
    translate_article(text, Direction("en", "tr"), IdentityEngine(), "text",
                      progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (150, 150) and len(seen) == 3


def test_the_engine_translates_the_next_chunk_while_the_last_is_finished():
    """The second chunk's engine call starts before the first chunk's results are finished and
    reported: the first progress report waits for it (with a deadline) and records what it saw."""
    second_call = threading.Event()
    calls: list[list[str]] = []

    class Recording(IdentityEngine):
        def translate(self, sentences):
            calls.append(list(sentences))
            if len(calls) == 2:
                second_call.set()
            return super().translate(sentences)

    seen = []
    text = " ".join(f"Sentence number {i} is here." for i in range(10))

    def progress(done: int, total: int) -> None:
        seen.append((done, second_call.wait(10) if done == 4 else True))

    draft = translate_article(text, Direction("en", "tr"), Recording(), "text", progress=progress, chunk=4)
    assert seen == [(4, True), (8, True), (10, True)]
    assert [len(c) for c in calls] == [4, 4, 2]
    assert draft.render() == text


def test_an_engine_failure_in_a_chunk_ahead_reaches_the_caller():
    class FailingSecond(IdentityEngine):
        calls = 0

        def translate(self, sentences):
            FailingSecond.calls += 1
            if FailingSecond.calls == 2:
                raise RuntimeError("the model fell over")
            return super().translate(sentences)

    text = " ".join(f"Sentence number {i} is here." for i in range(10))
    with pytest.raises(RuntimeError, match="the model fell over"):
        translate_article(text, Direction("en", "tr"), FailingSecond(), "text", chunk=4)


def test_empty_translation_is_flagged_not_dropped():
    class Dropping:
        def translate(self, sentences):
            return [Translation("" if "drop" in s else s) for s in sentences]

    draft = translate_article("Keep this one. Please drop this one.", Direction("en", "tr"), Dropping(), "text")
    assert [s.flags for s in draft.segments][1] == ["empty"]
    assert len(draft.segments) == 2


@pytest.mark.parametrize("text,message", [
    ("", "empty"), ("   \n\t\n", "empty"), ("abc\x00def", "NUL"), ("x" * 3_000_001, "limit"),
])
def test_bad_articles(text, message):
    with pytest.raises(ArticleError, match=message):
        validate(text)


def test_invalid_utf8_names_the_place():
    with pytest.raises(ArticleError, match="line 2"):
        decode("Priština\n".encode() + b"\xff")
    assert decode("\ufeffKFOR\r\nNATO".encode()) == "\ufeffKFOR\r\nNATO"  # the framing stays for render


def test_segments_know_their_lines():
    blocks, segments = segment(ARTICLE, "en", "markdown")
    assert {s.block for s in segments} <= {i for i, b in enumerate(blocks) if b.translate}
    assert [s.index for s in segments] == list(range(len(segments)))


def test_format_for():
    assert format_for("a.md") == "markdown" and format_for("a.txt") == "text" and format_for(None) == "text"
    with pytest.raises(ValueError):
        parse("x", "docx")


# --- linear work on hostile articles -------------------------------------------------------------------------
_PATH = [translate.formats, translate.formats.markdown, translate.formats.plaintext, translate.segment,
         translate.pipeline, translate.qa, translate.serbian]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("shape", ARTICLES)
def test_translate_article_work_grows_linearly(shape, fmt):
    """Parsing, splitting, translating (an identity engine), Serbian script and QA of 8,000 characters do at most
    4.5 times the work on 2,000: about 4 when it is linear, 16 when it is quadratic."""
    def run(n: int) -> None:
        translate_article(ARTICLES[shape](n), Direction("sr-Latn", "sr-Cyrl"), IdentityEngine(), fmt)

    small, large = (module_work(_PATH, lambda n=n: run(n)) for n in (2000, 8000))
    for key in small:
        assert large[key] <= 4.5 * small[key], (key, small, large)


def test_reported_articles_whole():
    """The reported articles, at their full size: each line parsed, split and kept whole."""
    spaces = "a" + " " * 100_000 + "b"
    assert [(b.prefix, b.text, b.suffix) for b in parse(spaces, "markdown")] == [("", spaces, "")]
    assert [s.source for s in segment(spaces, "en", "text")[1]] == [spaces]
    assert [s.source for s in segment("«" * 30_000, "sr-Latn", "markdown")[1]] == ["«" * 30_000]
    assert [s.source for s in segment("Ab. " * 12_000, "en", "text")[1]] == ["Ab."] * 12_000


# The patterns the format parsers had before they were made linear, as the reference for what they parse: each
# took time quadratic in a whitespace run inside a line ((.*?)(\s*)$), or in the spaces and | of a table rule
# broken at its end ([\s:|-]+\|[\s:|-]*$).
_OLD_LEAD = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)
_OLD_PREFIX = re.compile(r"^(\s*(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?)(.*?)(\s*)$")
_OLD_VERBATIM = re.compile(r"^\s*(?:<[^>]+>\s*|[-*_](?:\s*[-*_]){2,}|\[[^\]]+\]:\s*\S+.*|\|?[\s:|-]+\|[\s:|-]*)$")


def _old_blocks(text: str, fmt: str) -> list[Block]:
    blocks, in_code = [], False
    for line in text.split("\n"):
        if fmt == "text":
            lead, body, trail = _OLD_LEAD.match(line).groups()
            blocks.append(Block(lead, body, trail, translate=bool(body)))
        elif re.match(r"^\s*(```|~~~)", line):
            in_code = not in_code
            blocks.append(Block("", line, translate=False))
        elif in_code or not line.strip() or _OLD_VERBATIM.match(line):
            blocks.append(Block("", line, translate=False))
        else:
            prefix, body, trail = _OLD_PREFIX.match(line).groups()
            blocks.append(Block(prefix, body, trail, translate=bool(body)))
    if blocks and not blocks[-1].line:
        blocks.pop()
    return blocks


_MARKUP = st.lists(st.sampled_from(
    [" ", "  ", "\t", "\u00a0", "\u2028", "\x0b", ">", "#", "-", "*", "+", "_", "|", ":", "[", "]", "[x] ", "<", ">",
     "1.", "2)", "```", "~~~", "a", "Ab. ", "ë", "\n"]), max_size=24).map("".join)


@given(_MARKUP, st.sampled_from(["text", "markdown"]))
@settings(max_examples=500)
def test_format_parsers_match_their_reference_patterns(text, fmt):
    from translate.formats import markdown, plaintext

    line_parser = {"text": plaintext.parse, "markdown": markdown.lines}[fmt]  # alone, without the file's framing
    assert line_parser(text) == _old_blocks(text, fmt)
