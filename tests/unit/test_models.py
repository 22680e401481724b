"""The model store: layout, states, messages, manifests, provenance, and pull's use of the hub
(faked: no network)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from common.languages import Direction
from common.settings import Settings
from translate.engines import Engines
from translate.manifest import MANIFEST, conversion_settings, read_manifest, write_manifest
from translate.models import MissingModelError, ModelStore
from translate.registry import Hop

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


SHA1, SHA2 = "1" * 40, "2" * 40
MARIAN = ["config.json", "source.spm", "target.spm", "vocab.json", "tokenizer_config.json"]


class FakeHub:
    """The three huggingface_hub calls ``pull`` makes, answered from two commits of one repository."""

    def __init__(self):
        self.branches = {"main": SHA1, "v2": SHA2}
        self.files = {SHA1: [*MARIAN, "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"],
                      SHA2: [*MARIAN, "model.safetensors", "pytorch_model.bin"]}
        self.calls: list[tuple] = []

    def model_info(self, repo_id, *, revision=None):
        self.calls.append(("model_info", repo_id, revision))
        return SimpleNamespace(sha=self.branches.get(revision or "main", revision))

    def list_repo_files(self, repo_id, *, revision=None):
        return self.files[revision]

    def snapshot_download(self, repo_id, *, revision, local_dir, allow_patterns):
        self.calls.append(("snapshot_download", repo_id, revision, sorted(allow_patterns)))
        (local_dir / ".cache" / "huggingface").mkdir(parents=True, exist_ok=True)
        for name in allow_patterns:
            (local_dir / name).write_text(f"{name} at {revision}")
        return str(local_dir)


@pytest.fixture
def hub(monkeypatch):
    import huggingface_hub

    fake = FakeHub()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: fake)
    monkeypatch.setattr(huggingface_hub, "list_repo_files", fake.list_repo_files)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake.snapshot_download)
    return fake


def fake_ct2(store, key, quantization="int8"):
    """A converted directory with the manifest a conversion of the current transformers one writes."""
    ct2 = store.ct2_dir(key)
    ct2.mkdir(parents=True)
    (ct2 / "model.bin").write_bytes(b"old conversion")
    (ct2 / "source.spm").write_bytes(b"")
    source = store.manifest(key)
    write_manifest(ct2, store.spec(key).model_id, source.revision if source else None,
                   conversion_settings(quantization, source, "4.8.5"))
    return ct2


def test_pull_pins_the_commit_and_asks_for_the_right_files(tmp_path, hub):
    store = ModelStore(Settings(models_dir=tmp_path))
    path = store.pull("en-sr")
    assert path == tmp_path / "Helsinki-NLP--opus-mt-tc-base-en-sh"
    assert hub.calls[0] == ("model_info", "Helsinki-NLP/opus-mt-tc-base-en-sh", None)
    _, repo, revision, patterns = hub.calls[1]
    assert (repo, revision) == ("Helsinki-NLP/opus-mt-tc-base-en-sh", SHA1)  # the commit, not "main"
    assert "pytorch_model.bin" in patterns and "tf_model.h5" not in patterns
    manifest = read_manifest(path)
    assert manifest.model_id == "Helsinki-NLP/opus-mt-tc-base-en-sh" and manifest.revision == SHA1
    assert set(manifest.files) == {*MARIAN, "pytorch_model.bin"}  # huggingface_hub's .cache/ left out
    status = store.status("en-sr")
    assert (status.state, status.revision, status.manifest, status.fixture) == ("present", SHA1, True, None)
    assert store.verify("en-sr") == [(path, [])]


def test_pull_at_a_revision_replaces_an_earlier_one_and_a_fixture(tmp_path, hub):
    store = ModelStore(Settings(models_dir=tmp_path))
    path = store.hf_dir("en-sq")
    fake_marian(path, "pytorch_model.bin")
    (path / "dragoman-fixture.json").write_text(json.dumps({"kind": "copy"}))
    store.write_manifest("en-sq")
    assert store.status("en-sq").fixture == "copy"
    store.pull("en-sq", revision="v2")
    assert hub.calls[0] == ("model_info", "Helsinki-NLP/opus-mt-en-sq", "v2")
    assert hub.calls[1][2] == SHA2
    assert not (path / "pytorch_model.bin").exists() and not (path / "dragoman-fixture.json").exists()
    assert (path / "model.safetensors").read_text() == f"model.safetensors at {SHA2}"
    status = store.status("en-sq")
    assert (status.revision, status.fixture) == (SHA2, None)
    assert store.verify("en-sq") == [(path, [])]


def network_error(message):
    from huggingface_hub import errors

    return getattr(errors, "HTTPError", OSError)(message)  # httpx's base error in recent versions


@pytest.mark.parametrize("error", [OSError, network_error])
def test_pull_failure_is_reported_as_missing_model(tmp_path, hub, monkeypatch, error):
    def unreachable(repo_id, *, revision=None):
        raise error("Network is unreachable")

    monkeypatch.setattr(hub, "model_info", unreachable)
    with pytest.raises(MissingModelError, match=r"Could not download Helsinki-NLP/opus-mt-en-sq at revision v9 "
                                                 r"for en-sq.*unreachable"):
        ModelStore(Settings(models_dir=tmp_path)).pull("en-sq", revision="v9")


def test_status_reports_revision_quantization_or_no_manifest(tmp_path):
    store = ModelStore(Settings(models_dir=tmp_path))
    fake_marian(store.hf_dir("en-tr"))
    status = store.status("en-tr")
    assert (status.state, status.manifest, status.revision) == ("present", False, None)  # copied by hand
    store.write_manifest("en-tr", SHA1)
    fake_ct2(store, "en-tr", "int8_float16")
    status = store.status("en-tr")
    assert (status.state, status.manifest, status.revision, status.quantization) == \
        ("converted", True, SHA1, "int8_float16")


def test_verify_checks_each_directory_on_disk(tmp_path):
    store = ModelStore(Settings(models_dir=tmp_path))
    assert store.verify("en-sq") == []
    fake_marian(store.hf_dir("en-sq"))
    store.write_manifest("en-sq", SHA1)
    ct2 = fake_ct2(store, "en-sq")
    (ct2 / MANIFEST).unlink()
    (store.hf_dir("en-sq") / "vocab.json").write_text('{"changed": 1}')
    (hf, hf_problems), (converted, ct2_problems) = store.verify("en-sq")
    assert (hf, converted) == (store.hf_dir("en-sq"), ct2)
    assert [p.split(" (")[0] for p in hf_problems] == ["vocab.json: differs"]
    assert ct2_problems[0].startswith("no manifest")


def test_a_current_conversion_is_kept_a_stale_one_is_not(tmp_path):
    store = ModelStore(Settings(models_dir=tmp_path, ct2_quantization="int8"))
    fake_marian(store.hf_dir("en-sq"))
    store.write_manifest("en-sq", SHA1)
    assert store.conversion_change("en-sq") == "no conversion yet"
    ct2 = fake_ct2(store, "en-sq", "int8")
    assert store.conversion_change("en-sq") is None
    assert store.convert("en-sq") == ct2  # kept: not converted again (the fake weights would not convert)
    assert (ct2 / "model.bin").read_bytes() == b"old conversion"
    assert store.conversion_change("en-sq", "float16") == "quantization int8 -> float16"
    float16 = ModelStore(Settings(models_dir=tmp_path, ct2_quantization="float16"))
    assert float16.conversion_change("en-sq") == "quantization int8 -> float16"
    store.write_manifest("en-sq", SHA2)  # pulled at another revision
    assert store.conversion_change("en-sq") == f"source revision {SHA1} -> {SHA2}"
    (ct2 / MANIFEST).unlink()
    assert store.conversion_change("en-sq") == "the conversion has no manifest"


def test_provenance_reads_the_manifest_of_the_served_directory(tmp_path):
    store = ModelStore(Settings(models_dir=tmp_path))
    assert store.provenance("en-sq") == {"model": "Helsinki-NLP/opus-mt-en-sq", "revision": None, "fixture": None}
    fake_marian(store.hf_dir("en-sq"))
    assert store.provenance("en-sq")["revision"] is None  # no manifest: still an answer
    store.write_manifest("en-sq", SHA1)
    assert store.provenance("en-sq")["revision"] == SHA1
    ct2 = fake_ct2(store, "en-sq")
    write_manifest(ct2, "Helsinki-NLP/opus-mt-en-sq", SHA2, conversion_settings("int8", None, "4.8.5"))
    assert store.provenance("en-sq")["revision"] == SHA2  # the ct2 engine loads the conversion
    hf_engine = ModelStore(Settings(models_dir=tmp_path, engine="transformers"))
    assert hf_engine.provenance("en-sq")["revision"] == SHA1


def test_provenance_of_a_local_directory_and_a_fixture(tmp_path):
    local = tmp_path / "my-en-tr"
    fake_marian(local)
    (local / "dragoman-fixture.json").write_text(json.dumps({"kind": "random"}))
    store = ModelStore(Settings(models_dir=tmp_path / "models", model_overrides={"en-tr": str(local)}))
    assert store.provenance("en-tr") == {"model": str(local), "revision": None, "fixture": "random"}


def test_engines_provenance_is_cheap_cached_and_follows_the_loaded_model(tmp_path, monkeypatch):
    import translate.backends.ct2 as ct2_backend

    loaded = []
    monkeypatch.setattr(ct2_backend, "Ct2Model", lambda path, settings: loaded.append(path) or object())
    engines = Engines(Settings(models_dir=tmp_path))
    store, hop = engines.store, Hop(Direction("en", "sr-Cyrl"))
    fake_marian(store.hf_dir("en-sr"))
    store.write_manifest("en-sr", SHA1)
    ct2 = fake_ct2(store, "en-sr")
    expected = {"direction": "en-sr", "model": "Helsinki-NLP/opus-mt-tc-base-en-sh", "revision": SHA1,
                "fixture": None}
    assert engines.provenance(hop) == expected
    assert loaded == []  # read from the manifest, the model is not loaded
    write_manifest(ct2, "Helsinki-NLP/opus-mt-tc-base-en-sh", SHA2, conversion_settings("int8", None, "x"))
    assert engines.provenance(hop) == expected  # cached
    engines.hop(hop)
    assert loaded == [ct2]
    assert engines.provenance(hop) == {**expected, "revision": SHA2}  # what was actually loaded
