"""Build the engine for a direction, composing backends and wrappers; load each model once.

An ``Engines`` object is the per-process model cache: workers keep one for their lifetime, so
every model is loaded once per process (after the fork), however many jobs use it. It also says
which model (hub id, revision, fixture) serves each hop, for the provenance of drafts. With
``coalesce`` (a worker running many jobs at once in threads) each model's engine is behind a
``translate.batcher.Coalescer``: what the jobs ask for at about the same time is one batch stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from common.languages import Direction
from common.settings import Settings
from translate.engine import CachedEngine, Engine, IdentityEngine, PivotEngine
from translate.models import ConversionUnavailable, MissingModelError, ModelStore
from translate.registry import Hop, route

BACKENDS = ("ct2", "transformers")


class Engines:
    def __init__(self, settings: Settings, store: ModelStore | None = None, cache_size: int = 10_000,
                 coalesce: bool = False):
        self.settings, self.coalesce = settings, coalesce
        self.store = store or ModelStore(settings)
        self.cache_size = cache_size
        self._models: dict[tuple[str, str], object] = {}
        self._engines: dict[tuple[Direction, str], Engine] = {}
        self._provenance: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()

    def get(self, direction: Direction, backend: str | None = None) -> Engine:
        """The engine for ``direction`` (direct, pivot or script-only), cached per process."""
        backend = backend or self.settings.engine
        if backend not in BACKENDS:
            raise ValueError(f"unknown engine {backend!r}; expected one of {', '.join(BACKENDS)}")
        key = (direction, backend)
        with self._lock:
            if key not in self._engines:
                hops = [self._hop_engine(hop, backend) for hop in route(direction)]
                engine: Engine = IdentityEngine() if not hops else hops[0]
                if len(hops) == 2:
                    engine = PivotEngine(*hops)
                self._engines[key] = CachedEngine(engine, self.cache_size) if hops else engine
            return self._engines[key]

    def hop(self, hop: Hop, backend: str | None = None) -> Engine:
        """The engine for one hop of a route (a direct model), cached per process."""
        backend = backend or self.settings.engine
        key = (hop.direction, f"hop:{backend}")
        with self._lock:
            if key not in self._engines:
                self._engines[key] = CachedEngine(self._hop_engine(hop, backend), self.cache_size)
            return self._engines[key]

    def check(self, direction: Direction, backend: str | None = None) -> None:
        """Raise MissingModelError now if any model the direction needs is absent."""
        backend = backend or self.settings.engine
        for hop in route(direction):
            if backend == "ct2" and not self.store.has_ct2(hop.key) and not self.store.has_hf(hop.key):
                raise MissingModelError(self.store.missing_message(hop.key))
            if backend == "transformers" and not self.store.has_hf(hop.key):
                raise MissingModelError(self.store.missing_message(hop.key))

    def provenance(self, hop: Hop) -> dict:
        """Which model serves ``hop`` under the configured engine: ``{"direction", "model", "revision",
        "fixture"}`` from the manifest of the directory it is (or will be) loaded from. Read once per
        process without loading the model, and again when the model is loaded; a directory without a
        manifest gives revision None."""
        key = (hop.key, self.settings.engine)
        if key not in self._provenance:
            self._provenance[key] = self.store.provenance(hop.key, self.store.served_dir(*key))
        return {"direction": hop.key, **self._provenance[key]}

    def loaded(self) -> list[str]:
        return [f"{key}/{backend}" for key, backend in self._models]

    def _hop_engine(self, hop: Hop, backend: str) -> Engine:
        engine = self._backend(hop, backend)
        if not self.coalesce:
            return engine
        from translate.batcher import Coalescer

        if backend == "ct2":  # two batch streams queued: the replicas never wait for the next one
            slots, budget = 2, engine.batch_tokens * engine.replicas
        else:
            slots, budget = 1, self.settings.batch_tokens or engine.batch_tokens
        return Coalescer(engine, engine.count_tokens, self.settings.batch_wait_ms / 1000, budget, slots)

    def _backend(self, hop: Hop, backend: str):
        token = self.store.spec(hop.key).target_token(hop.direction.target)
        if backend == "ct2":
            from translate.backends.ct2 import Ct2Engine, Ct2Model

            return Ct2Engine(self._model(hop.key, backend, Ct2Model), self.settings, token)
        from translate.backends.hf import HfEngine, HfModel

        return HfEngine(self._model(hop.key, backend, HfModel), self.settings, token)

    def count_tokens(self, hop: Hop) -> Callable[[str], int]:
        """How the model of ``hop`` counts a sentence's tokens (language token and EOS included)."""
        with self._lock:
            return self._backend(hop, self.settings.engine).count_tokens

    def _model(self, key: str, backend: str, cls):
        if (key, backend) not in self._models:
            model_dir = self._model_dir(key, backend)
            self._models[(key, backend)] = cls(model_dir, self.settings)
            self._provenance[(key, backend)] = self.store.provenance(key, model_dir)
        return self._models[(key, backend)]

    def _model_dir(self, key: str, backend: str):
        store = self.store
        if backend == "transformers":
            if not store.has_hf(key):
                raise MissingModelError(store.missing_message(key))
            return store.hf_dir(key)
        if not store.has_ct2(key):
            if not store.has_hf(key):
                raise MissingModelError(store.missing_message(key))
            try:
                store.convert(key)  # first use of a downloaded model: convert and keep it
            except ConversionUnavailable as exc:
                raise MissingModelError(str(exc)) from exc
        return store.ct2_dir(key)
