"""The manifest each model directory carries: where the model came from and what its files are.

``dragoman-manifest.json`` records the hub id, the revision (the hub commit sha; none for fixtures
and hand-made models), the sha256 of every file in the directory but the manifest itself (hidden
paths such as huggingface_hub's ``.cache/`` are left out), the fixture kind when the directory holds a
dragoman fixture and, for a CTranslate2 conversion, the conversion settings. A directory without a
manifest (copied from an older version) still serves translations; it just cannot be verified.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST = "dragoman-manifest.json"
FIXTURE_MARK = "dragoman-fixture.json"
FORMAT = 1
CHUNK = 1 << 20


class ManifestError(ValueError):
    """A manifest file exists but cannot be read."""


@dataclass(frozen=True)
class Manifest:
    model_id: str
    revision: str | None
    files: dict[str, str]                 # relative path -> sha256
    fixture: str | None = None            # "copy", "random", ... for a dragoman fixture
    conversion: dict | None = None        # CTranslate2 only: quantization, ctranslate2, source_revision, ...
    format: int = field(default=FORMAT)

    @property
    def quantization(self) -> str | None:
        return (self.conversion or {}).get("quantization")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def listed_files(directory: Path) -> list[str]:
    """The directory's files (relative, sorted) that a manifest covers."""
    out = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if path.is_file() and rel.as_posix() != MANIFEST and not any(p.startswith(".") for p in rel.parts):
            out.append(rel.as_posix())
    return sorted(out)


def hash_files(directory: Path) -> dict[str, str]:
    return {name: sha256_file(directory / name) for name in listed_files(directory)}


def files_digest(files: dict[str, str]) -> str:
    """One hash standing for a whole file list (what a conversion was made from)."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def fixture_kind(directory: Path) -> str | None:
    """The kind in a directory's fixture mark, or None when it holds no dragoman fixture."""
    mark = directory / FIXTURE_MARK
    if not mark.is_file():
        return None
    try:
        return json.loads(mark.read_text("utf-8")).get("kind") or "fixture"
    except (ValueError, AttributeError):
        return "fixture"


def read_manifest(directory: Path, strict: bool = True) -> Manifest | None:
    """The directory's manifest; None when it has none (or, unless ``strict``, an unreadable one)."""
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        return Manifest(data["model_id"], data.get("revision"), dict(data["files"]), data.get("fixture"),
                        data.get("conversion"), data.get("format", FORMAT))
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        if strict:
            raise ManifestError(f"{path}: {exc.__class__.__name__}: {exc}") from exc
        return None


def write_manifest(directory: Path, model_id: str, revision: str | None, conversion: dict | None = None,
                   fixture: str | None = None) -> Manifest:
    """Hash the directory's files and write its manifest (atomically); the fixture kind defaults to
    the directory's fixture mark."""
    manifest = Manifest(model_id, revision, hash_files(directory), fixture or fixture_kind(directory), conversion)
    tmp = directory / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(asdict(manifest), indent=1, sort_keys=True) + "\n", "utf-8")
    os.replace(tmp, directory / MANIFEST)
    return manifest


def check(directory: Path) -> list[str]:
    """What is wrong with a directory against its manifest, one line per file; [] when all is well."""
    try:
        manifest = read_manifest(directory)
    except ManifestError as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    if manifest is None:
        return [f"no manifest ({MANIFEST}): cannot verify; pull or install the model again to pin it"]
    present = set(listed_files(directory))
    problems = [f"{name}: missing" for name in sorted(set(manifest.files) - present)]
    digests = {name: sha256_file(directory / name) for name in sorted(present & set(manifest.files))}
    problems += [f"{name}: differs (sha256 {digest[:12]}, manifest {manifest.files[name][:12]})"
                 for name, digest in digests.items() if digest != manifest.files[name]]
    problems += [f"{name}: extra (not in the manifest)" for name in sorted(present - set(manifest.files))]
    return problems


def conversion_settings(quantization: str, source: Manifest | None, ct2_version: str) -> dict:
    """What a CTranslate2 conversion records about how it was made, and from what."""
    return {"quantization": quantization, "ctranslate2": ct2_version,
            "source_revision": source.revision if source else None,
            "source_files": files_digest(source.files) if source else None}


def conversion_change(converted: Manifest | None, quantization: str, source: Manifest | None) -> str | None:
    """Why a conversion no longer matches the settings or its source; None when it still does."""
    if converted is None or not converted.conversion:
        return "the conversion has no manifest"
    made = converted.conversion
    if made.get("quantization") != quantization:
        return f"quantization {made.get('quantization')} -> {quantization}"
    wanted = conversion_settings(quantization, source, "")
    if made.get("source_revision") != wanted["source_revision"]:
        return f"source revision {made.get('source_revision')} -> {wanted['source_revision']}"
    if made.get("source_files") != wanted["source_files"]:
        return "the source model's files changed"
    return None
