"""Shared fixtures: fixture models laid out as a models directory, and settings pointing at them.

The copy model is committed (tests/fixtures/models/copy); the tiny random models are built here
once per session (a few seconds). Both need torch + transformers (the ``torch`` extra) to build
or convert; tests that need them are skipped with a reason when those are absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from common.settings import Settings
from translate.registry import MODELS

ROOT = Path(__file__).resolve().parents[1]
COPY_MODEL = ROOT / "tests" / "fixtures" / "models" / "copy"


SERVICES = ("tests/integration/", "tests/browser/")  # tiers that share PostgreSQL, Redis and the cores


def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist (``-n``, ``--dist loadgroup`` in pyproject.toml): the integration and browser
    tests run one after another in one process (they share PostgreSQL, Redis, whose server some of them
    kill, and the cores with the worker processes they start), while the unit tests go to whichever
    process is free. (xdist's own ``xdist_group`` marks do not group under pytest 9.2, whose node ids
    no longer take the group suffix xdist 3.8 writes, so the grouping is done here.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ServicesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "services" if nodeid.startswith(SERVICES) else nodeid

    return ServicesTogether(config, log)


def _need_torch() -> None:
    pytest.importorskip("torch", reason="fixture models need the torch extra")
    pytest.importorskip("transformers", reason="fixture models need the torch extra")


@pytest.fixture(scope="session")
def random_models(tmp_path_factory) -> Path:
    """A models dir holding a tiny random Marian for every registry direction."""
    _need_torch()
    from tests.fixtures.build_models import build_random
    from translate.models import ModelStore

    root = tmp_path_factory.mktemp("random-models")
    built = build_random(root / "build")
    store = ModelStore(Settings(models_dir=root))
    for key, src in built.items():
        shutil.copytree(src, store.hf_dir(key))
        store.write_manifest(key)
    return root


@pytest.fixture(scope="session")
def copy_models(tmp_path_factory) -> Path:
    """A models dir in which every direction is served by the copy-trained Marian."""
    _need_torch()
    from translate.models import ModelStore

    root = tmp_path_factory.mktemp("copy-models")
    store = ModelStore(Settings(models_dir=root))
    for key in MODELS:
        shutil.copytree(COPY_MODEL, store.hf_dir(key))
        store.write_manifest(key)
    return root


def make_settings(models_dir: Path, **kw) -> Settings:
    base = {"models_dir": models_dir, "beam_size": 1, "threads": 1, "offline": True}
    base.update(kw)
    return Settings(**base)


def _model_entries(copy_models: Path, key: str, wanted: bool) -> list[Path]:
    from translate.models import ModelStore

    name = ModelStore(Settings(models_dir=copy_models)).hf_dir(key).name
    return [e for e in copy_models.iterdir() if e.name.startswith(name) == wanted]


def models_without(copy_models: Path, dest: Path, key: str) -> Path:
    """A copy of the copy-model models dir ``copy_models`` in ``dest`` that lacks direction ``key``
    (its model and conversion): jobs for that direction fail as on a machine without it."""
    for entry in _model_entries(copy_models, key, wanted=False):
        shutil.copytree(entry, dest / entry.name)
    return dest


def put_model_back(copy_models: Path, dest: Path, key: str) -> None:
    """Install direction ``key`` into ``dest`` again (what `dragoman models pull` would do)."""
    for entry in _model_entries(copy_models, key, wanted=True):
        shutil.copytree(entry, dest / entry.name)


class HeldDispatcher:
    """Keeps every hop message instead of running it, as if the workers were down."""

    def __init__(self):
        self.sent: list[tuple[str, int, str, int]] = []

    def send(self, draft_id: str, hop: int, queue: str, priority: int, part: int = 0) -> None:
        self.sent.append((draft_id, hop, queue, priority))


def pg_schema_url(pg_url: str, schema: str) -> str:
    """``pg_url`` with a fresh schema of its own (its search_path), so that a suite shares the database with
    the others without touching their tables."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {pg_url}: {exc}")
    finally:
        engine.dispose()
    return f"{pg_url}?options=-csearch_path%3D{schema}"
