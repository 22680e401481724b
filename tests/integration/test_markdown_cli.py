"""Done when (Markdown): `dragoman translate examples/article-rich-en.md --to sr-Cyrl,sq --out DIR` writes articles
that markdown-it reads as the same document: the same blocks and inline markup (links, images, emphasis, code
spans, footnotes, the table), the same URLs; only the words differ (and, with the copy model, only by Serbian
script)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from desk.cli import cli
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

ARTICLE = ROOT / "examples" / "article-rich-en.md"


def run(models_dir, *args: str):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def shape(text: str) -> tuple[list, list]:
    """(every token with its markup and attributes but not its words, the words) as markdown-it reads ``text``."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    footnote_plugin(md)
    tokens, words = [], []

    def walk(found):
        for token in found:
            if token.type in ("text", "inline") or (token.type == "image" and not token.children):
                words.append(token.content)
            attrs = {k: v for k, v in (token.attrs or {}).items() if k != "alt"}
            tokens.append((token.type, token.tag, token.markup, token.info, attrs))
            walk(token.children or [])

    walk(md.parse(text))
    return tokens, words


def test_translated_markdown_is_the_same_document(copy_models, tmp_path):
    result = run(copy_models, "translate", str(ARTICLE), "--to", "sr-Cyrl,sq", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    source = ARTICLE.read_text("utf-8")
    tokens, words = shape(source)
    outputs = {tag: (tmp_path / f"article-rich-en.{tag}.md").read_text("utf-8") for tag in ("sr-Cyrl", "sq")}
    for tag, out in outputs.items():
        out_tokens, out_words = shape(out)
        assert out_tokens == tokens, tag               # same blocks, same inline markup, same URLs and titles
        assert len(out_words) == len(words)
        draft = json.loads((tmp_path / f"article-rich-en.{tag}.json").read_text("utf-8"))
        assert draft["format"] == "markdown"
    assert outputs["sq"] == source  # the copy model copies: every piece of markup back in place, byte for byte
    cyrillic = outputs["sr-Cyrl"]
    assert cyrillic != source and "[Митровица](https://news.example/tags/mitrovica)" in cyrillic
    for kept in ("](https://news.example/tags/mitrovica)", "<info@mitrovica.example>", "@MitrovicaInfo", "`make check`",
                 "[^photo]", '](/media/ibar-bridge.jpg "Kosovo Online")', '<abbr title="European Union">',
                 "| 4,500 |", "#Mitrovica</p>", "[closure]: https://news.example/2023/bridge-closure"):
        assert kept in cyrillic, kept


def test_markdown_with_crlf_and_bom_comes_back_framed(copy_models, tmp_path):
    source = tmp_path / "story.md"
    source.write_bytes("\ufeff# Residents on both banks have waited for the *work* to end.\r\n\r\n"
                       "| Month | Pedestrians |\r\n|---|---|\r\n| March | 4,500 |".encode())
    result = run(copy_models, "translate", str(source), "--from", "en", "--to", "sq", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "story.sq.md").read_bytes() == source.read_bytes()
