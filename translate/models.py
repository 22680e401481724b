"""Where models live, and how they get there: pull from the hub, convert to CTranslate2, list.

Layout under ``Settings.models_dir``::

    Helsinki-NLP--opus-mt-en-sq/        the transformers model, as on the hub
    Helsinki-NLP--opus-mt-en-sq.ct2/    the CTranslate2 conversion of it, with its .spm files

A direction overridden with a local directory uses that directory, and its conversion goes into
``models_dir`` under the directory's name. Every directory dragoman writes carries a manifest
(``translate.manifest``): the hub revision it was pulled at, the sha256 of its files and, for a
conversion, how it was converted; ``verify`` checks a directory against it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from common.settings import Settings
from translate.manifest import (
    Manifest,
    check,
    conversion_change,
    conversion_settings,
    fixture_kind,
    listed_files,
    read_manifest,
    write_manifest,
)
from translate.registry import MODELS, ModelSpec, model_spec

HF_FILES = ["config.json", "generation_config.json", "vocab.json", "source.spm", "target.spm",
            "tokenizer_config.json", "special_tokens_map.json", "README.md"]


class MissingModelError(RuntimeError):
    """A model is not on disk (and could not be fetched); the message says how to get it."""


class ConversionUnavailable(RuntimeError):
    """Conversion needs torch and transformers, which are not installed."""


@dataclass(frozen=True)
class ModelStatus:
    key: str
    model_id: str
    state: str          # "converted" | "present" | "missing"
    path: Path
    fixture: str | None  # "copy", "random", ... when the directory holds a dragoman fixture
    revision: str | None = None      # hub commit sha, from the manifest
    quantization: str | None = None  # CTranslate2 weight type, from the conversion's manifest
    manifest: bool = False           # whether the directory has a (readable) manifest


class ModelStore:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.models_dir).expanduser()

    def spec(self, key: str) -> ModelSpec:
        return model_spec(key, self.settings)

    def hf_dir(self, key: str) -> Path:
        spec = self.spec(key)
        if spec.local_path:
            return Path(spec.model_id).expanduser()
        return self.root / spec.model_id.replace("/", "--")

    def ct2_dir(self, key: str) -> Path:
        spec = self.spec(key)
        name = Path(spec.model_id).name if spec.local_path else spec.model_id.replace("/", "--")
        return self.root / f"{name}.ct2"

    # --- state --------------------------------------------------------------------------------
    def has_hf(self, key: str) -> bool:
        d = self.hf_dir(key)
        return (d / "config.json").is_file() and (d / "source.spm").is_file() and any(
            (d / w).is_file() for w in ("model.safetensors", "pytorch_model.bin"))

    def has_ct2(self, key: str) -> bool:
        d = self.ct2_dir(key)
        return (d / "model.bin").is_file() and (d / "source.spm").is_file()

    def status(self, key: str) -> ModelStatus:
        if self.has_ct2(key):
            state, path = "converted", self.ct2_dir(key)
        elif self.has_hf(key):
            state, path = "present", self.hf_dir(key)
        else:
            state, path = "missing", self.hf_dir(key)
        m = read_manifest(path, strict=False) if state != "missing" else None
        fixture = (m.fixture if m else None) or fixture_kind(self.hf_dir(key))
        return ModelStatus(key, self.spec(key).model_id, state, path, fixture, m.revision if m else None,
                           m.quantization if m else None, m is not None)

    def statuses(self) -> list[ModelStatus]:
        return [self.status(key) for key in MODELS]

    def missing_message(self, key: str, need: str = "transformers") -> str:
        spec = self.spec(key)
        where = self.hf_dir(key)
        if need == "ct2" and self.has_hf(key):
            return (f"The {key} model ({spec.model_id}) is downloaded but not converted for CTranslate2 "
                    f"and this machine cannot convert it (torch and transformers are not installed). "
                    f"Run `dragoman models convert {key}` on a machine with `pip install dragoman[torch]` "
                    f"and copy {self.ct2_dir(key)} here, or install the torch extra on this machine (the model is "
                    f"then converted on first use).")
        return (f"The {key} model ({spec.model_id}) is not in {where}. On a machine connected to the "
                f"internet run `dragoman models pull {key}` (then `dragoman models convert {key}` for "
                f"the default CTranslate2 engine) and copy the models directory "
                f"({self.root}) to this machine, or set DRAGOMAN_MODEL_OVERRIDES to point {key} at a "
                f"local Marian directory. See `dragoman models list` for what is present.")

    # --- manifests ----------------------------------------------------------------------------
    def manifest(self, key: str, converted: bool = False) -> Manifest | None:
        """The manifest of ``key``'s transformers (or converted) directory; None if it has none."""
        return read_manifest(self.ct2_dir(key) if converted else self.hf_dir(key), strict=False)

    def write_manifest(self, key: str, revision: str | None = None) -> Manifest:
        """Record ``key``'s transformers directory as it is now (after a download or a fixture install)."""
        return write_manifest(self.hf_dir(key), self.spec(key).model_id, revision)

    def verify(self, key: str) -> list[tuple[Path, list[str]]]:
        """Each of ``key``'s directories on disk with what differs from its manifest ([] = intact)."""
        return [(d, check(d)) for d in (self.hf_dir(key), self.ct2_dir(key)) if d.is_dir()]

    def served_dir(self, key: str, backend: str = "ct2") -> Path:
        """The directory ``backend`` loads for ``key`` (the transformers one until it is converted)."""
        return self.ct2_dir(key) if backend == "ct2" and self.has_ct2(key) else self.hf_dir(key)

    def provenance(self, key: str, directory: Path | None = None) -> dict:
        """Model (hub id or local path), revision and fixture kind of ``directory`` (default: what the
        configured engine loads for ``key``), read from its manifest; revision None without one."""
        m = read_manifest(directory or self.served_dir(key, self.settings.engine), strict=False)
        return {"model": m.model_id if m else self.spec(key).model_id, "revision": m.revision if m else None,
                "fixture": (m.fixture if m else None) or fixture_kind(self.hf_dir(key))}

    def conversion_change(self, key: str, quantization: str | None = None) -> str | None:
        """Why ``key`` needs converting (again), or None when its conversion matches the quantization
        (default ``Settings.ct2_quantization``) and the revision of the transformers model."""
        if not self.has_ct2(key):
            return "no conversion yet"
        return conversion_change(self.manifest(key, converted=True),
                                 quantization or self.settings.ct2_quantization, self.manifest(key))

    # --- getting models -----------------------------------------------------------------------
    def pull(self, key: str, revision: str | None = None) -> Path:
        """Download the transformers model for ``key`` from the Hugging Face hub at ``revision``
        (branch, tag or commit; default the main branch) and pin it: the manifest records the commit."""
        spec = self.spec(key)
        if spec.local_path:
            if self.has_hf(key):
                return self.hf_dir(key)
            raise MissingModelError(f"{key} points at the local directory {spec.model_id}, which holds "
                                    "no Marian model; nothing to download.")
        if self.settings.offline:
            raise MissingModelError(self.missing_message(key))
        try:
            sha, wanted = download(spec.model_id, revision, self.hf_dir(key))
        except hub_errors() as exc:
            at = f" at revision {revision}" if revision else ""
            raise MissingModelError(
                f"Could not download {spec.model_id}{at} for {key}: {exc.__class__.__name__}: {exc}. "
                + self.missing_message(key)) from exc
        prune(self.hf_dir(key), wanted)
        self.write_manifest(key, sha)
        return self.hf_dir(key)

    def convert(self, key: str, quantization: str | None = None, force: bool = False) -> Path:
        """Convert the transformers model for ``key`` to CTranslate2 (needs torch + transformers),
        unless a conversion matching the quantization and the source revision is there (or ``force``)."""
        if not self.has_hf(key):
            raise MissingModelError(self.missing_message(key))
        out, quantization = self.ct2_dir(key), quantization or self.settings.ct2_quantization
        if not force and self.conversion_change(key, quantization) is None:
            return out
        try:
            import ctranslate2.converters
            import transformers  # noqa: F401
        except ImportError as exc:
            raise ConversionUnavailable(self.missing_message(key, need="ct2")) from exc
        quiet_transformers()
        tmp = out.with_name(out.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        converter = ctranslate2.converters.TransformersConverter(
            str(self.hf_dir(key)), copy_files=["source.spm", "target.spm"])
        converter.convert(str(tmp), quantization=quantization, force=True)
        source = self.manifest(key)
        write_manifest(tmp, source.model_id if source else self.spec(key).model_id, source and source.revision,
                       conversion_settings(quantization, source, ctranslate2.__version__),
                       (source and source.fixture) or fixture_kind(self.hf_dir(key)))
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)  # a half-written conversion never looks like a model
        return out


def download(model_id: str, revision: str | None, dest: Path) -> tuple[str | None, list[str]]:
    """Fetch the files dragoman needs of ``model_id`` at ``revision`` into ``dest``; returns the
    commit they come from and their names. The revision is resolved to a commit first, so the files
    and the manifest agree even if the branch moves meanwhile."""
    from huggingface_hub import HfApi, list_repo_files, snapshot_download

    sha = HfApi().model_info(model_id, revision=revision).sha or revision
    files = list_repo_files(model_id, revision=sha)
    weights = "model.safetensors" if "model.safetensors" in files else "pytorch_model.bin"
    wanted = [*(f for f in HF_FILES if f in files), weights]
    snapshot_download(model_id, revision=sha, local_dir=dest, allow_patterns=wanted)
    return sha, wanted


def hub_errors() -> tuple[type[Exception], ...]:
    """What hub calls raise when the network, the repository or the revision fails (which names
    huggingface_hub exposes varies across its versions; recent ones raise httpx errors for the network)."""
    from huggingface_hub import errors

    names = ("HfHubHTTPError", "HTTPError", "LocalEntryNotFoundError", "HFValidationError")
    return (OSError, *(getattr(errors, n) for n in names if hasattr(errors, n)))


def prune(directory: Path, keep: list[str]) -> None:
    """Delete what an earlier revision (or a fixture) left in ``directory`` that ``keep`` lacks."""
    for name in listed_files(directory):
        if name not in keep:
            (directory / name).unlink()


def quiet_transformers() -> None:
    """Keep transformers' progress bars and advice out of dragoman's output."""
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
