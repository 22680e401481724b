"""`dragoman` on the command line: outputs, exit codes and messages a script can rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk.cli import cli
from tests.conftest import ROOT
from translate.serbian import to_cyrillic

pytestmark = pytest.mark.integration

ARTICLE = ROOT / "examples" / "article-en.md"


def run(models_dir: Path | str, *args: str, input: bytes | None = None):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1"}
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def test_translate_to_three_languages_with_out_dir(copy_models, tmp_path):
    result = run(copy_models, "translate", str(ARTICLE), "--to", "tr,sq,sr-Cyrl", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "detected source language: en" in result.stderr
    for tag in ("tr", "sq", "sr-Cyrl"):
        assert (tmp_path / f"article-en.{tag}.md").is_file()
        draft = json.loads((tmp_path / f"article-en.{tag}.json").read_text("utf-8"))
        assert draft["target_lang"] == tag and draft["segments"]
    assert (tmp_path / "article-en.tr.md").read_text("utf-8") == ARTICLE.read_text("utf-8")


def test_stdin_to_stdout_with_aliases(copy_models):
    text = ("NATO has about 4,500 troops deployed in Kosovo under a mandate approved by the U.N. "
            "Security Council in 1999.\n")
    result = run(copy_models, "translate", "-", "--from", "eng", "--to", "srp", "-q", input=text.encode())
    assert result.exit_code == 0
    assert result.stdout == to_cyrillic(text)  # the copy model echoes; sr means Cyrillic by default
    assert result.stdout.startswith("NATO хас абоут 4,500")


def test_transformers_engine_option(copy_models):
    result = run(copy_models, "translate", str(ARTICLE), "--from", "en", "--to", "sq", "--engine",
                 "transformers", "-q")
    assert result.exit_code == 0
    assert result.stdout == ARTICLE.read_text("utf-8")


@pytest.mark.parametrize("args,code,message", [
    (["--from", "klingon", "--to", "tr"], 2, "unknown language 'klingon'"),
    (["--from", "en", "--to", "en"], 2, "every target is the source language"),
    (["--from", "en", "--to", "xx"], 2, "unknown language 'xx'"),
])
def test_language_errors(copy_models, args, code, message):
    result = run(copy_models, "translate", str(ARTICLE), *args)
    assert result.exit_code == code
    assert message in result.stderr


@pytest.mark.parametrize("data,message", [
    (b"", "the article is empty"),
    (b"  \n\n\t ", "the article is empty"),
    ("Prishtinë\n".encode() + b"\xff\xfe rest", "not valid UTF-8"),
    (b"KFOR\x00NATO", "NUL bytes"),
    (b"a" * 10_000_000, "larger than the limit"),
])
def test_bad_input_is_a_clear_error(copy_models, data, message):
    result = run(copy_models, "translate", "-", "--from", "en", "--to", "tr", input=data)
    assert result.exit_code == 3
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_undetectable_language_asks_for_from(copy_models):
    result = run(copy_models, "translate", "-", "--to", "tr", input=b"4,500 / 2024\n")
    assert result.exit_code == 2
    assert "--from" in result.stderr


def test_2000_word_sentence_without_punctuation(random_models):
    words = ["patrol", "border", "village", "road", "police", "bridge", "river", "market", "school"]
    text = " ".join(words[i % len(words)] for i in range(2000))
    env_models = random_models
    result = run(env_models, "translate", "-", "--from", "en", "--to", "tr", "--out", str(env_models / "out"),
                 input=text.encode())
    assert result.exit_code == 0, result.output
    draft = json.loads((env_models / "out" / "article.tr.json").read_text("utf-8"))
    assert len(draft["segments"]) == 1
    assert "split" in draft["segments"][0]["flags"]


def test_missing_model_offline_says_how_to_get_it(tmp_path):
    result = run(tmp_path, "translate", str(ARTICLE), "--to", "tr")
    assert result.exit_code == 4
    assert "dragoman models pull en-tr" in result.stderr
    assert "Traceback" not in result.output


def test_models_list_shows_states(copy_models, tmp_path):
    result = run(tmp_path, "models", "list")
    assert result.exit_code == 0
    assert result.stdout.count("missing") == 6
    listed = run(copy_models, "models", "list").stdout
    assert "en-tr" in listed and "[fixture: copy]" in listed


def test_models_pull_offline_fails_cleanly(tmp_path):
    result = run(tmp_path, "models", "pull", "en-sq")
    assert result.exit_code == 4
    assert "not in" in result.stderr


def test_models_convert_makes_a_ct2_model(copy_models, tmp_path):
    import shutil

    models = tmp_path / "m"
    shutil.copytree(copy_models / "Helsinki-NLP--opus-mt-en-sq", models / "Helsinki-NLP--opus-mt-en-sq")
    result = run(models, "models", "convert", "en-sq", "--quantization", "int8")
    assert result.exit_code == 0, result.output
    assert (models / "Helsinki-NLP--opus-mt-en-sq.ct2" / "model.bin").is_file()
    assert "en-sq  converted" in run(models, "models", "list").stdout


def test_console_script_runs_as_a_process(copy_models):
    env = {**os.environ, "DRAGOMAN_MODELS_DIR": str(copy_models), "DRAGOMAN_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "desk.cli", "translate", "-", "--from", "tr", "--to", "en",
                           "-q"], input="Türkiye, KFOR'a asker katkısı sağlayan ülkeler arasında yer alıyor.\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Türkiye, KFOR'a asker katkısı sağlayan ülkeler arasında yer alıyor.\n"
