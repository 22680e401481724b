"""Engine wrappers and batching, with counting fake engines (no models)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.settings import Settings
from translate.backends.base import Decoded, MarianEngine
from translate.engine import CachedEngine, Engine, IdentityEngine, PivotEngine, Translation, make_batches

pytestmark = pytest.mark.unit


class Recording:
    """An engine that upper-cases (or tags) sentences and records every call."""

    def __init__(self, tag: str = ""):
        self.tag, self.calls = tag, []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return [Translation(f"{self.tag}{s.upper()}", -0.5) for s in sentences]


def test_protocol_is_satisfied_by_wrappers():
    for engine in (IdentityEngine(), Recording(), PivotEngine(Recording(), Recording()), CachedEngine(Recording())):
        assert isinstance(engine, Engine)


def test_pivot_chains_through_the_middle_language():
    first, second = Recording("en:"), Recording("sq:")
    out = PivotEngine(first, second).translate(["mirë", "po"])
    assert [t.text for t in out] == ["sq:EN:MIRË", "sq:EN:PO"]
    assert second.calls == [["en:MIRË", "en:PO"]]
    assert out[0].score == pytest.approx(-1.0)


def test_pivot_keeps_flags_of_either_hop():
    class Truncating(Recording):
        def translate(self, sentences):
            return [Translation(s, None, truncated=True, parts=3) for s in sentences]

    out = PivotEngine(Truncating(), Recording()).translate(["a"])
    assert out[0].truncated and out[0].parts == 3 and out[0].score is None


def test_cache_translates_each_sentence_once_and_keeps_order():
    inner = Recording()
    cached = CachedEngine(inner, size=10)
    assert [t.text for t in cached.translate(["a", "b", "a"])] == ["A", "B", "A"]
    assert [t.text for t in cached.translate(["b", "c"])] == ["B", "C"]
    assert inner.calls == [["a", "b"], ["c"]]
    assert (cached.hits, cached.misses) == (2, 3)


def test_cache_evicts_oldest():
    inner = Recording()
    cached = CachedEngine(inner, size=2)
    cached.translate(["a", "b", "c"])
    cached.translate(["a"])
    assert inner.calls[-1] == ["a"]


def test_batches_sorted_by_length_under_budget():
    lengths = [5, 1, 9, 3, 3, 7, 2]
    batches = make_batches(lengths, max_tokens=12, max_sentences=3)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    for batch in batches:
        assert len(batch) <= 3
        assert max(lengths[i] for i in batch) * len(batch) <= 12 or len(batch) == 1


@given(st.lists(st.integers(1, 300), max_size=200), st.integers(1, 2000), st.integers(1, 64))
def test_batches_cover_every_index_once(lengths, budget, most):
    batches = make_batches(lengths, budget, most)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= most
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= budget


class _Replicated(MarianEngine):
    """A model-shaped engine with ``replicas`` replicas that records the batches it is given."""

    def __init__(self, replicas: int, batch_size: int = 16):
        self.settings, self.target_token = Settings(batch_size=batch_size), None
        self.replicas, self.batches = replicas, []

    def _pieces(self, sentence: str) -> list[str]:
        return sentence.split()

    def _detokenize(self, pieces: list[str]) -> str:
        return " ".join(pieces)

    def _generate(self, batch, max_length, attention=False):
        self.batches.append(len(batch))
        return [Decoded(source[:-1], 0.0, False) for source in batch]


@pytest.mark.parametrize(("sentences", "replicas", "sizes"), [
    (96, 16, [6] * 16),      # 96 sentences on 16 replicas: one batch each, not 6 full ones and 10 idle
    (20, 2, [10, 10]),       # not 16 + 4
    (100, 2, [16] * 6 + [4]),  # enough for full batches: the batch size holds
    (5, 1, [5]),
])
def test_a_call_with_few_sentences_is_spread_over_every_replica(sentences, replicas, sizes):
    engine = _Replicated(replicas)
    texts = [f"w{i} x" for i in range(sentences)]
    assert [t.text for t in engine.translate(texts)] == texts
    assert engine.batches == sizes
