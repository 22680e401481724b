"""Character n-gram profiles: how often each language's folded words contain each 3- and 4-gram.

A profile is counted from plain prose (``text/*.txt``, written for this; ``python -m
translate.detect.build`` writes ``profiles.json``) and read here as smoothed log-probabilities.
A word is scored by the log-probability of its n-grams (with a space on either side, so that
beginnings and endings count), averaged over the two orders. Single letters and pairs are left out:
measured on held-out text (README, Language detection) they mostly diluted the evidence of the longer
n-grams, and the file is smaller without them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

ORDERS = (3, 4)     # a word of one letter still has a 3-gram (" a "), so every word is scored
MIN_COUNT = 3       # an n-gram seen once or twice in a language's prose is not kept in the profile
ALPHA = 0.5         # add-alpha smoothing; an n-gram a profile lacks gets alpha
PROFILES = Path(__file__).with_name("profiles.json")


def grams(word: str) -> Iterable[tuple[int, str]]:
    """Each n-gram of a folded ``word`` padded with spaces, with its order (the lone space excluded)."""
    padded = f" {word} "
    for n in ORDERS:
        for i in range(len(padded) - n + 1):
            gram = padded[i:i + n]
            if gram != " ":
                yield n, gram


def count(words: Iterable[str]) -> dict[str, dict[str, int]]:
    """The n-gram counts of folded ``words``, per order (as the profile file stores them)."""
    counts: dict[int, Counter] = {n: Counter() for n in ORDERS}
    for word in words:
        for n, gram in grams(word):
            counts[n][gram] += 1
    return {str(n): dict(sorted(counts[n].items())) for n in ORDERS}


class Model:
    """The log-probability of a folded word in each language."""

    def __init__(self, profiles: dict[str, dict[str, dict[str, int]]]):
        self.languages = tuple(sorted(profiles))
        self._logp: dict[str, tuple[float, ...]] = {}  # an n-gram's order is its length
        self._unseen: dict[int, tuple[float, ...]] = {}
        for n in ORDERS:
            tables = [profiles[lang][str(n)] for lang in self.languages]
            vocabulary = set().union(*tables)
            sizes = [sum(table.values()) + ALPHA * (len(vocabulary) + 1) for table in tables]
            self._logp.update({gram: tuple(math.log((table.get(gram, 0) + ALPHA) / size)
                                           for table, size in zip(tables, sizes, strict=True))
                               for gram in vocabulary})
            self._unseen[n] = tuple(math.log(ALPHA / size) for size in sizes)
        self.score = lru_cache(maxsize=16_384)(self._score)

    def _score(self, word: str) -> tuple[float, ...]:
        """The log-probability of ``word`` in each of ``languages``, averaged over the orders."""
        rows = [self._logp.get(gram) or self._unseen[n] for n, gram in grams(word)]
        return tuple(sum(column) / len(ORDERS) for column in zip(*rows, strict=True))


@cache
def model() -> Model:
    data = json.loads(PROFILES.read_text("utf-8"))
    return Model(data["profiles"])
