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


def test_croatian_leaning_serbian_is_detected_with_a_note(copy_models):
    text = "Cijena kruha i mlijeka porasla je prošlog tjedna, a vlada će u srijedu raspravljati o tome.\n"
    result = run(copy_models, "translate", "-", "--to", "sr-Cyrl", input=text.encode())  # script conversion only
    assert result.exit_code == 0, result.output
    assert "detected source language: sr-Latn (possibly hr/bs) (Serbian (Latin), confidence" in result.stderr


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


# --- pinned models: manifests, verify, reconversion ----------------------------------------------

EN_SQ = "Helsinki-NLP--opus-mt-en-sq"


def one_model(copy_models: Path, tmp_path: Path) -> Path:
    """A models dir holding only the en-sq copy model (with the manifest the fixture writes)."""
    import shutil

    models = tmp_path / "m"
    shutil.copytree(copy_models / EN_SQ, models / EN_SQ, ignore=shutil.ignore_patterns("*.ct2"))
    return models


def test_fixture_install_writes_manifests_that_verify(tmp_path):
    from tests.fixtures.build_models import install

    install(tmp_path, "copy")
    result = run(tmp_path, "models", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(" ok ") == 6
    listed = run(tmp_path, "models", "list").stdout
    assert listed.count("[fixture: copy]") == 6 and "no manifest" not in listed


def test_verify_names_each_file_that_differs_is_missing_or_extra(copy_models, tmp_path):
    models = one_model(copy_models, tmp_path)
    (models / EN_SQ / "vocab.json").write_text("{}")
    (models / EN_SQ / "target.spm").unlink()
    (models / EN_SQ / "notes.txt").write_text("added by hand")
    result = run(models, "models", "verify")
    assert result.exit_code == 1
    assert f"en-sq  FAILED  {models / EN_SQ}" in result.stdout
    for line in ("vocab.json: differs", "target.spm: missing", "notes.txt: extra"):
        assert f"    {line}" in result.stdout
    assert "1 model directory failed verification" in result.stderr


def test_a_directory_without_manifest_still_translates(copy_models, tmp_path):
    models = one_model(copy_models, tmp_path)
    (models / EN_SQ / "dragoman-manifest.json").unlink()  # as copied from an older version
    listed = run(models, "models", "list").stdout
    assert "en-sq  present   Helsinki-NLP/opus-mt-en-sq" in listed and "no manifest" in listed
    result = run(models, "models", "verify", "en-sq")
    assert result.exit_code == 1 and "no manifest" in result.stdout
    text = "NATO has about 4,500 troops deployed in Kosovo.\n"
    translated = run(models, "translate", "-", "--from", "en", "--to", "sq", "-q", input=text.encode())
    assert translated.exit_code == 0, translated.output
    assert translated.stdout == text


def test_verify_of_an_absent_named_model_fails(tmp_path):
    assert run(tmp_path, "models", "verify").exit_code == 0  # nothing present, nothing wrong
    result = run(tmp_path, "models", "verify", "en-tr")
    assert result.exit_code == 1 and "en-tr  missing" in result.stdout


def models_env(models_dir: Path, *args: str, **env: str):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_OFFLINE": "1", **env}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_convert_again_only_when_quantization_changes(copy_models, tmp_path):
    models = one_model(copy_models, tmp_path)
    first = models_env(models, "models", "convert", "en-sq")
    assert first.exit_code == 0, first.output
    assert "(no conversion yet)" in first.stdout
    kept = models_env(models, "models", "convert", "en-sq")
    assert "up to date (kept)" in kept.stdout
    assert "quantization int8" in models_env(models, "models", "list").stdout
    again = models_env(models, "models", "convert", "en-sq", DRAGOMAN_CT2_QUANTIZATION="float32")
    assert again.exit_code == 0, again.output
    assert "(quantization int8 -> float32)" in again.stdout
    listed = models_env(models, "models", "list", DRAGOMAN_CT2_QUANTIZATION="float32").stdout
    assert "en-sq  converted" in listed and "quantization float32" in listed and "(reconvert" not in listed
    listed = models_env(models, "models", "list", DRAGOMAN_CT2_QUANTIZATION="int8").stdout
    assert "(reconvert: quantization float32 -> int8)" in listed
    assert models_env(models, "models", "verify").exit_code == 0


def test_conversion_on_first_use_writes_its_manifest(copy_models, tmp_path):
    models = one_model(copy_models, tmp_path)
    text = "NATO has about 4,500 troops deployed in Kosovo.\n"
    result = run(models, "translate", "-", "--from", "en", "--to", "sq", "-q", input=text.encode())
    assert result.exit_code == 0, result.output
    manifest = json.loads((models / f"{EN_SQ}.ct2" / "dragoman-manifest.json").read_text())
    assert manifest["conversion"]["quantization"] == "int8" and manifest["fixture"] == "copy"
    assert manifest["conversion"]["ctranslate2"] and "model.bin" in manifest["files"]
    assert run(models, "models", "verify", "en-sq").stdout.count(" ok ") == 2


def fake_hub(monkeypatch, model_dir: Path, commits: dict[str, str]):
    """Stand in for the hub: every commit of every repository holds the copy model's files."""
    import shutil
    from types import SimpleNamespace

    import huggingface_hub

    class Api:
        def model_info(self, repo_id, *, revision=None):
            return SimpleNamespace(sha=commits.get(revision or "main", revision))

    def snapshot_download(repo_id, *, revision, local_dir, allow_patterns):
        local_dir.mkdir(parents=True, exist_ok=True)
        for name in allow_patterns:
            shutil.copy(model_dir / name, local_dir / name)
        return str(local_dir)

    files = [p.name for p in model_dir.iterdir() if p.name != "dragoman-fixture.json"]
    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    monkeypatch.setattr(huggingface_hub, "list_repo_files", lambda repo_id, *, revision=None: files)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)


def test_pull_at_a_revision_pins_it_and_reconverts(tmp_path, monkeypatch):
    from tests.conftest import COPY_MODEL, _need_torch

    _need_torch()
    old, new = "a" * 40, "b" * 40
    fake_hub(monkeypatch, COPY_MODEL, {"main": old, "v2": new})
    first = models_env(tmp_path, "models", "pull", "en-sq", DRAGOMAN_OFFLINE="0")
    assert first.exit_code == 0, first.output
    assert f"(revision {old})" in first.stdout and "(no conversion yet)" in first.stdout
    assert f"revision {old[:12]}" in models_env(tmp_path, "models", "list").stdout
    second = models_env(tmp_path, "models", "pull", "en-sq", "--revision", "v2", DRAGOMAN_OFFLINE="0")
    assert second.exit_code == 0, second.output
    assert f"(revision {new})" in second.stdout and f"(source revision {old} -> {new})" in second.stdout
    manifest = json.loads((tmp_path / f"{EN_SQ}.ct2" / "dragoman-manifest.json").read_text())
    assert (manifest["revision"], manifest["conversion"]["source_revision"], manifest["fixture"]) == (new, new, None)
    again = models_env(tmp_path, "models", "pull", "en-sq", "--revision", "v2", DRAGOMAN_OFFLINE="0")
    assert "up to date (kept)" in again.stdout
    assert models_env(tmp_path, "models", "verify").exit_code == 0


def test_pull_revision_names_one_model(tmp_path):
    result = models_env(tmp_path, "models", "pull", "--revision", "abc", DRAGOMAN_OFFLINE="0")
    assert result.exit_code == 2 and "exactly one direction" in result.stderr


# --- jobs: submit, retry, keys ---------------------------------------------------------------------------
def run_jobs(tmp_path: Path, models_dir: Path, *args: str, input: bytes | None = None):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1",
           "DRAGOMAN_DATABASE_URL": f"sqlite:///{tmp_path}/jobs.db", "DRAGOMAN_REDIS_URL": ""}
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def test_submit_accepts_regions_and_aliases(tmp_path):
    from newsroom.jobs import JobStore

    text = "Vlada je saopštila da će se sednica održati u ponedeljak.\n"
    result = run_jobs(tmp_path, tmp_path / "no-models", "submit", "-", "--from", "sr-Latn-RS", "--to",
                      "sr-Cyrl-RS,srp,sr-Latn", "--priority", "7", input=text.encode())
    assert result.exit_code == 0, result.output
    job = JobStore(f"sqlite:///{tmp_path}/jobs.db").job(result.stdout.strip())
    assert (job["source_lang"], [d["target_lang"] for d in job["drafts"]], job["priority"]) == (
        "sr-Latn", ["sr-Cyrl"], 7)
    assert job["state"] == "draft_ready" and job["submitted_by"] == "cli"  # script conversion, run in-process


@pytest.mark.parametrize(("args", "data", "code", "message"), [
    (["--to", "sr-Arab"], b"The cat sat on the mat.\n", 2, "unknown language 'sr-Arab'"),
    (["--to", "tr", "--priority", "10"], b"The cat sat on the mat.\n", 2, "priority must be a whole number"),
    (["--to", "tr"], b"KFOR\x00NATO", 3, "NUL bytes"),
    (["--to", "tr", "--callback", "file:///etc/passwd"], b"The cat sat on the mat.\n", 2, "callback_url"),
    (["--to", "tr", "--glossary", "/no/such/file.csv"], b"The cat sat on the mat.\n", 3, "glossary"),
])
def test_submit_refusals(tmp_path, args, data, code, message):
    result = run_jobs(tmp_path, tmp_path, "submit", "-", "--from", "en", *args, input=data)
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_retry_a_draft_after_its_model_is_installed(tmp_path, copy_models):
    from newsroom.jobs import JobStore
    from tests.conftest import models_without, put_model_back

    models = models_without(copy_models, tmp_path / "models", "en-sq")
    text = "NATO has about 4,500 troops deployed in Kosovo.\n"
    submitted = run_jobs(tmp_path, models, "submit", "-", "--from", "en", "--to", "sq", input=text.encode())
    assert submitted.exit_code == 0, submitted.output
    (draft,) = JobStore(f"sqlite:///{tmp_path}/jobs.db").job(submitted.stdout.strip())["drafts"]
    assert draft["state"] == "failed"

    still = run_jobs(tmp_path, models, "retry", draft["id"])  # the model is still missing: it fails again
    assert still.exit_code == 5 and f"draft {draft['id']}: failed" in still.stdout and "en-sq" in still.stdout

    put_model_back(copy_models, models, "en-sq")
    retried = run_jobs(tmp_path, models, "retry", draft["id"])
    assert retried.exit_code == 0, retried.output
    assert retried.stdout.strip() == f"draft {draft['id']}: draft_ready"

    again = run_jobs(tmp_path, models, "retry", draft["id"])
    assert again.exit_code == 2 and "cannot be retried" in again.stderr and "draft_ready" in again.stderr
    unknown = run_jobs(tmp_path, models, "retry", "nope")
    assert unknown.exit_code == 2 and "no draft nope" in unknown.stderr


def test_keys_revoke_says_when_there_is_no_such_key(tmp_path):
    created = run_jobs(tmp_path, tmp_path, "keys", "create", "--role", "reviewer", "--name", "desk")
    assert created.exit_code == 0 and created.stdout.startswith("dk_")
    key_id = json.loads(run_jobs(tmp_path, tmp_path, "keys", "list").stdout.splitlines()[0])["id"]
    unknown = run_jobs(tmp_path, tmp_path, "keys", "revoke", "no-such-id")
    assert unknown.exit_code == 2 and "no such key no-such-id" in unknown.stderr
    assert "revoked" not in unknown.stdout
    revoked = run_jobs(tmp_path, tmp_path, "keys", "revoke", key_id)
    assert revoked.exit_code == 0 and revoked.stdout.strip() == f"revoked {key_id}"
    assert json.loads(run_jobs(tmp_path, tmp_path, "keys", "list").stdout)["revoked"] is True
