"""Where models live, and how they get there: pull from the hub, convert to CTranslate2, list.

Layout under ``Settings.models_dir``::

    Helsinki-NLP--opus-mt-en-sq/        the transformers model, as on the hub
    Helsinki-NLP--opus-mt-en-sq.ct2/    the CTranslate2 conversion of it, with its .spm files

A direction overridden with a local directory uses that directory, and its conversion goes into
``models_dir`` under the directory's name.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from common.settings import Settings
from translate.registry import MODELS, ModelSpec, model_spec

HF_FILES = ["config.json", "generation_config.json", "vocab.json", "source.spm", "target.spm",
            "tokenizer_config.json", "special_tokens_map.json", "README.md"]
FIXTURE_MARK = "dragoman-fixture.json"


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
        mark = self.hf_dir(key) / FIXTURE_MARK
        fixture = json.loads(mark.read_text()).get("kind") if mark.is_file() else None
        return ModelStatus(key, self.spec(key).model_id, state, path, fixture)

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

    # --- getting models -----------------------------------------------------------------------
    def pull(self, key: str) -> Path:
        """Download the transformers model for ``key`` from the Hugging Face hub."""
        spec = self.spec(key)
        if spec.local_path:
            if self.has_hf(key):
                return self.hf_dir(key)
            raise MissingModelError(f"{key} points at the local directory {spec.model_id}, which holds "
                                    "no Marian model; nothing to download.")
        if self.settings.offline:
            raise MissingModelError(self.missing_message(key))
        from huggingface_hub import list_repo_files, snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

        try:
            files = list_repo_files(spec.model_id)
            weights = ["model.safetensors"] if "model.safetensors" in files else ["pytorch_model.bin"]
            snapshot_download(spec.model_id, local_dir=self.hf_dir(key),
                              allow_patterns=[*HF_FILES, *weights])
        except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
            raise MissingModelError(
                f"Could not download {spec.model_id} for {key}: {exc.__class__.__name__}: {exc}. "
                + self.missing_message(key)) from exc
        return self.hf_dir(key)

    def convert(self, key: str, quantization: str | None = None, force: bool = False) -> Path:
        """Convert the transformers model for ``key`` to CTranslate2 (needs torch + transformers)."""
        if not self.has_hf(key):
            raise MissingModelError(self.missing_message(key))
        try:
            import ctranslate2.converters
            import transformers  # noqa: F401
        except ImportError as exc:
            raise ConversionUnavailable(self.missing_message(key, need="ct2")) from exc
        quiet_transformers()
        out = self.ct2_dir(key)
        tmp = out.with_name(out.name + ".partial")
        if out.exists() and not force:
            return out
        shutil.rmtree(tmp, ignore_errors=True)
        converter = ctranslate2.converters.TransformersConverter(
            str(self.hf_dir(key)), copy_files=["source.spm", "target.spm"])
        converter.convert(str(tmp), quantization=quantization or self.settings.ct2_quantization, force=True)
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)  # a half-written conversion never looks like a model
        return out


def quiet_transformers() -> None:
    """Keep transformers' progress bars and advice out of dragoman's output."""
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
