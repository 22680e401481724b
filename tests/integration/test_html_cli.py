"""Done when: `dragoman translate examples/article-en.html --to sr-Cyrl,sq --out DIR` writes documents that parse
to the same element tree with the same attributes as the source; only text nodes and the translatable attributes
differ (and, with the copy model, only by Serbian script)."""

from __future__ import annotations

import json

import html5lib
import pytest
from click.testing import CliRunner

from desk.cli import cli
from tests.conftest import ROOT
from translate.formats.html import options
from translate.serbian import to_script

pytestmark = pytest.mark.integration

ARTICLE = ROOT / "examples" / "article-en.html"


def run(models_dir, *args: str):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def shape(text: str, translatable: frozenset[str]) -> tuple[list, list, dict]:
    """(elements with their attributes, text nodes, translatable attribute values) in document order."""
    root = html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)
    elements, texts, values = [], [], {}
    for i, node in enumerate(root.iter()):
        attrs = {k: v for k, v in node.attrib.items() if k not in translatable}
        elements.append((str(node.tag), attrs))
        values.update({(i, k): v for k, v in node.attrib.items() if k in translatable})
        texts += [node.text or "", node.tail or ""]
    return elements, texts, values


def test_translated_html_is_the_same_document(copy_models, tmp_path):
    result = run(copy_models, "translate", str(ARTICLE), "--to", "sr-Cyrl,sq", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    source = ARTICLE.read_text("utf-8")
    translatable = options().attributes
    elements, texts, values = shape(source, translatable)
    outputs = {tag: (tmp_path / f"article-en.{tag}.html").read_text("utf-8") for tag in ("sr-Cyrl", "sq")}
    for tag, out in outputs.items():
        out_elements, out_texts, out_values = shape(out, translatable)
        assert out_elements == elements, tag            # same elements, same order, same other attributes
        assert len(out_texts) == len(texts) and out_values.keys() == values.keys()
        draft = json.loads((tmp_path / f"article-en.{tag}.json").read_text("utf-8"))
        assert draft["notes"] == [] and draft["format"] == "html"
    assert outputs["sq"] == source  # the copy model copies: every tag back in place, byte for byte
    cyrillic = outputs["sr-Cyrl"]
    assert cyrillic != source and "Мост" not in source
    for kept in ('href="https://news.example/tags/mitrovica"', "info@mitrovica.example", "@MitrovicaInfo",
                 "<code>make check</code>", "The bridge is almost ready. #Mitrovica", 'src="/media/ibar-bridge.jpg"'):
        assert kept in cyrillic, kept
    assert 'alt="' + to_script("Workers repairing the railings of the bridge", "sr-Cyrl") + '"' in cyrillic


def test_html_by_extension_with_crlf_and_bom_comes_back_framed(copy_models, tmp_path):
    source = tmp_path / "story.html"
    source.write_bytes(b"\xef\xbb\xbf<p>Residents on both banks have waited for the work to end.</p>\r\n<p>Hi</p>")
    result = run(copy_models, "translate", str(source), "--from", "en", "--to", "sq", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "story.sq.html").read_bytes() == source.read_bytes()
