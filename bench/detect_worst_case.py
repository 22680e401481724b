"""The language detector's reading (its words and the Croatian tells) on hostile texts, 20,000 and 80,000
characters: CPU milliseconds and the ratio, about 4 when the work is linear, 16 when it is quadratic. (detect
itself reads 20,000 characters at most.) The shapes are tests/detect_sentences.py's HOSTILE, which
tests/unit/test_detect.py counts.

    python bench/detect_worst_case.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.detect_sentences import HOSTILE
from translate.detect.croatian import leaning
from translate.detect.tokens import fold_word, words


def cpu_ms(text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        fold_word.cache_clear()
        start = time.process_time()
        leaning(text, words(text))
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    print(f"{'shape':20} {'20,000':>9} {'80,000':>9} {'ratio':>6}")
    for shape, make in HOSTILE.items():
        small, large = cpu_ms(make(20_000)), cpu_ms(make(80_000))
        print(f"{shape:20} {small:7.1f}ms {large:7.1f}ms {large / max(small, 1e-3):6.1f}")


if __name__ == "__main__":
    main()
