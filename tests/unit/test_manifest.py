"""Model manifests: what they record, how a directory is checked against one, when a conversion is stale."""

from __future__ import annotations

import hashlib
import json

import pytest

from translate.manifest import (
    FIXTURE_MARK,
    MANIFEST,
    ManifestError,
    check,
    conversion_change,
    conversion_settings,
    fixture_kind,
    read_manifest,
    write_manifest,
)

pytestmark = pytest.mark.unit
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def model_dir(tmp_path):
    d = tmp_path / "model"
    (d / "sub").mkdir(parents=True)
    (d / "config.json").write_text("{}")
    (d / "model.safetensors").write_bytes(b"weights")
    (d / "sub" / "extra.txt").write_text("nested")
    (d / ".cache" / "huggingface").mkdir(parents=True)
    (d / ".cache" / "huggingface" / "config.json.metadata").write_text("hub bookkeeping")
    return d


def test_write_and_read_back(model_dir):
    written = write_manifest(model_dir, "Helsinki-NLP/opus-mt-en-sq", SHA)
    data = json.loads((model_dir / MANIFEST).read_text())
    assert data["model_id"] == "Helsinki-NLP/opus-mt-en-sq" and data["revision"] == SHA
    assert data["files"] == {"config.json": hashlib.sha256(b"{}").hexdigest(),
                             "model.safetensors": hashlib.sha256(b"weights").hexdigest(),
                             "sub/extra.txt": hashlib.sha256(b"nested").hexdigest()}
    assert data["fixture"] is None and data["conversion"] is None
    assert read_manifest(model_dir) == written
    assert not list(model_dir.glob(f".{MANIFEST}*"))  # no temporary file left behind


def test_fixture_mark_is_recorded(model_dir):
    assert fixture_kind(model_dir) is None
    (model_dir / FIXTURE_MARK).write_text(json.dumps({"kind": "copy", "steps": 1500}))
    assert fixture_kind(model_dir) == "copy"
    manifest = write_manifest(model_dir, "Helsinki-NLP/opus-mt-en-sq", None)
    assert manifest.fixture == "copy" and manifest.revision is None
    assert FIXTURE_MARK in manifest.files


def test_an_intact_directory_passes(model_dir):
    write_manifest(model_dir, "m", SHA)
    (model_dir / ".cache" / "huggingface" / "new.lock").write_text("")  # hidden: not the model's
    assert check(model_dir) == []


def test_each_changed_missing_and_extra_file_is_named(model_dir):
    write_manifest(model_dir, "m", SHA)
    (model_dir / "model.safetensors").write_bytes(b"tampered")
    (model_dir / "config.json").unlink()
    (model_dir / "pytorch_model.bin").write_bytes(b"left over")
    problems = check(model_dir)
    assert problems[0] == "config.json: missing"
    assert problems[1].startswith("model.safetensors: differs (sha256 ")
    assert problems[2] == "pytorch_model.bin: extra (not in the manifest)"
    assert len(problems) == 3


def test_no_manifest_and_unreadable_manifest(model_dir):
    assert read_manifest(model_dir) is None
    assert check(model_dir)[0].startswith(f"no manifest ({MANIFEST})")
    (model_dir / MANIFEST).write_text("{not json")
    with pytest.raises(ManifestError, match=MANIFEST):
        read_manifest(model_dir)
    assert read_manifest(model_dir, strict=False) is None
    assert check(model_dir)[0].startswith(f"{MANIFEST}: unreadable")


def test_conversion_settings_record_quantization_version_and_source(model_dir, tmp_path):
    source = write_manifest(model_dir, "m", SHA)
    settings = conversion_settings("int8", source, "4.8.5")
    assert settings["quantization"] == "int8" and settings["ctranslate2"] == "4.8.5"
    assert settings["source_revision"] == SHA and settings["source_files"]
    assert conversion_settings("int8", None, "4.8.5")["source_revision"] is None


def test_when_a_conversion_is_stale(model_dir, tmp_path):
    source = write_manifest(model_dir, "m", SHA)
    ct2 = tmp_path / "m.ct2"
    ct2.mkdir()
    (ct2 / "model.bin").write_bytes(b"converted")
    converted = write_manifest(ct2, "m", SHA, conversion_settings("int8", source, "4.8.5"))
    assert converted.quantization == "int8"
    assert conversion_change(converted, "int8", source) is None
    assert conversion_change(converted, "float16", source) == "quantization int8 -> float16"
    newer = write_manifest(model_dir, "m", "f" * 40)
    assert conversion_change(converted, "int8", newer) == f"source revision {SHA} -> {'f' * 40}"
    (model_dir / "config.json").write_text('{"d_model": 8}')
    assert conversion_change(converted, "int8", write_manifest(model_dir, "m", SHA)) == \
        "the source model's files changed"
    assert conversion_change(None, "int8", source) == "the conversion has no manifest"


def test_a_fixture_conversion_without_revisions_is_current(model_dir, tmp_path):
    source = write_manifest(model_dir, "m", None)
    ct2 = tmp_path / "m.ct2"
    ct2.mkdir()
    converted = write_manifest(ct2, "m", None, conversion_settings("int8", source, "4.8.5"))
    assert conversion_change(converted, "int8", source) is None
