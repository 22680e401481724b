"""The ``Engine`` protocol and the wrappers composed around backends.

An engine is bound to one direction: a batch of sentences in, one ``Translation`` per sentence out,
in the same order. Backends (CTranslate2, transformers) implement it; ``PivotEngine`` chains two
engines through English; ``CachedEngine`` remembers recent sentences; ``IdentityEngine`` serves
script-only directions (sr-Latn -> sr-Cyrl), where the pipeline's transliteration does the work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None = None   # mean log-probability per token, when the backend gives it
    truncated: bool = False      # the decoder stopped at its length limit
    parts: int = 1               # >1: the sentence was too long for the model and split at clauses


def chain_score(first: float | None, second: float | None) -> float | None:
    """The score of a pivot translation from its two hops' scores: their sum, so its confidence
    (exp of the score) is the product of the hops' per-token confidences; None if either is unknown."""
    return None if first is None or second is None else first + second


@runtime_checkable
class Engine(Protocol):
    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        """Translate a batch; returns exactly one Translation per sentence, in order."""
        ...


class IdentityEngine:
    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        return [Translation(s, 0.0) for s in sentences]


class PivotEngine:
    """source -> pivot -> target, composed from two engines. Callers never see the pivot."""

    def __init__(self, first: Engine, second: Engine):
        self.first, self.second = first, second

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        middle = self.first.translate(sentences)
        final = self.second.translate([m.text for m in middle])
        return [
            Translation(
                f.text,
                chain_score(m.score, f.score),
                m.truncated or f.truncated,
                max(m.parts, f.parts),
            )
            for m, f in zip(middle, final, strict=True)
        ]


class CachedEngine:
    """An LRU cache of sentence -> translation in front of an engine (per process)."""

    def __init__(self, inner: Engine, size: int = 10_000):
        self.inner, self.size = inner, size
        self._cache: OrderedDict[str, Translation] = OrderedDict()
        self._lock = threading.Lock()  # a worker's jobs may share it from several threads
        self.hits = self.misses = 0

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        with self._lock:
            known = {s: self._cache[s] for s in sentences if s in self._cache}
            missing = list(dict.fromkeys(s for s in sentences if s not in known))
            self.hits += len(sentences) - len(missing)
            self.misses += len(missing)
        if missing:
            known.update(zip(missing, self.inner.translate(missing), strict=True))
        with self._lock:
            for sentence, result in known.items():
                self._remember(sentence, result)
        return [known[s] for s in sentences]

    def _remember(self, sentence: str, result: Translation) -> None:
        if self.size <= 0:
            return
        self._cache[sentence] = result
        self._cache.move_to_end(sentence)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)


def make_batches(lengths: Sequence[int], max_tokens: int, max_sentences: int) -> list[list[int]]:
    """Group indices into batches sorted by length, so that no batch's padded size
    (longest x count) exceeds ``max_tokens`` nor holds more than ``max_sentences``.
    A single sentence longer than the budget forms a batch of its own."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = max(lengths[i], 1)  # sorted ascending: the newcomer is the longest
        if current and (longest * (len(current) + 1) > max_tokens or len(current) >= max_sentences):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
