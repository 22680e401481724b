"""The model store: layout, states, messages, and pull's use of the hub (faked: no network)."""

from __future__ import annotations

import json

import pytest

from common.settings import Settings
from translate.models import MissingModelError, ModelStore

pytestmark = pytest.mark.unit


def fake_marian(path, weights="model.safetensors"):
    path.mkdir(parents=True)
    for name in ("config.json", "source.spm", "target.spm", "vocab.json", weights):
        (path / name).write_text("{}")


def test_layout_and_states(tmp_path):
    store = ModelStore(Settings(models_dir=tmp_path))
    assert store.hf_dir("en-sq") == tmp_path / "Helsinki-NLP--opus-mt-en-sq"
    assert store.ct2_dir("en-sq") == tmp_path / "Helsinki-NLP--opus-mt-en-sq.ct2"
    assert {s.state for s in store.statuses()} == {"missing"}
    fake_marian(store.hf_dir("en-sq"), "pytorch_model.bin")
    assert store.status("en-sq").state == "present"
    ct2 = store.ct2_dir("en-sq")
    ct2.mkdir()
    (ct2 / "model.bin").write_bytes(b"")
    (ct2 / "source.spm").write_bytes(b"")
    assert store.status("en-sq").state == "converted"
    (store.hf_dir("en-sq") / "dragoman-fixture.json").write_text(json.dumps({"kind": "copy"}))
    assert store.status("en-sq").fixture == "copy"


def test_local_override_directory(tmp_path):
    local = tmp_path / "my-en-tr"
    fake_marian(local)
    store = ModelStore(Settings(models_dir=tmp_path / "models", model_overrides={"en-tr": str(local)}))
    assert store.hf_dir("en-tr") == local
    assert store.ct2_dir("en-tr") == tmp_path / "models" / "my-en-tr.ct2"
    assert store.status("en-tr").state == "present"
    assert store.pull("en-tr") == local  # nothing to download


def test_missing_message_is_one_helpful_paragraph(tmp_path):
    message = ModelStore(Settings(models_dir=tmp_path)).missing_message("sr-en")
    assert "\n" not in message
    assert "Helsinki-NLP/opus-mt-tc-big-sh-en" in message
    assert "dragoman models pull sr-en" in message and "DRAGOMAN_MODEL_OVERRIDES" in message


def test_offline_pull_refuses_without_network(tmp_path):
    with pytest.raises(MissingModelError, match="models pull en-tr"):
        ModelStore(Settings(models_dir=tmp_path, offline=True)).pull("en-tr")


def test_convert_without_a_model_says_how_to_get_one(tmp_path):
    with pytest.raises(MissingModelError, match="models pull en-tr"):
        ModelStore(Settings(models_dir=tmp_path)).convert("en-tr")


def test_pull_asks_the_hub_for_the_right_files(tmp_path, monkeypatch):
    import huggingface_hub

    calls = {}

    def snapshot(repo_id, local_dir, allow_patterns):
        calls.update(repo_id=repo_id, local_dir=local_dir, allow_patterns=allow_patterns)
        fake_marian(local_dir)
        return str(local_dir)

    monkeypatch.setattr(huggingface_hub, "list_repo_files",
                        lambda repo: ["config.json", "pytorch_model.bin", "tf_model.h5", "source.spm"])
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot)
    store = ModelStore(Settings(models_dir=tmp_path))
    assert store.pull("en-sr") == tmp_path / "Helsinki-NLP--opus-mt-tc-base-en-sh"
    assert calls["repo_id"] == "Helsinki-NLP/opus-mt-tc-base-en-sh"
    assert "pytorch_model.bin" in calls["allow_patterns"] and "tf_model.h5" not in calls["allow_patterns"]
    assert store.status("en-sr").state == "present"


def test_pull_failure_is_reported_as_missing_model(tmp_path, monkeypatch):
    import huggingface_hub

    def unreachable(repo):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(huggingface_hub, "list_repo_files", unreachable)
    with pytest.raises(MissingModelError, match=r"Could not download Helsinki-NLP/opus-mt-en-sq.*unreachable"):
        ModelStore(Settings(models_dir=tmp_path)).pull("en-sq")
