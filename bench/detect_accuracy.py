"""How the language detector does on labelled sentences: correct, undecided and wrong per label.

    python bench/detect_accuracy.py [FILE.tsv ...]   (default: tests/fixtures/detect/heldout*.tsv)
    python bench/detect_accuracy.py --windows        windows of 3-8 words from tests/fixtures/corpus
    python bench/detect_accuracy.py --windows --seeds 1-5 [--lengths 2]   more windows (other seeds, lengths)

The files and labels are described in tests/detect_sentences.py. A wrong label (or a wrong
"possibly hr/bs" note) is the one thing the detector must never give; undecided (it asks for the
language) is allowed. Every wrong or undecided sentence is listed, then the table.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.detect_sentences import HELDOUT, read, tally  # noqa: E402
from translate.detect import DetectionError, detect  # noqa: E402
from translate.detect.tokens import fold  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
LANGUAGES = ("en", "tr", "sq", "sr-Latn", "sr-Cyrl")


LENGTHS = (3, 4, 5, 6, 8)


def windows(bare: bool, per_length: int = 400, seed: int = 7, lengths: tuple[int, ...] = LENGTHS) -> Counter:
    """right / undecided / wrong on random windows of ``lengths`` words of each corpus file (the
    profiles never saw it); ``bare``: with the diacritics of lower-case letters taken off."""
    rng, counts = random.Random(seed), Counter()
    for lang in LANGUAGES:
        words = (CORPUS / f"{lang}.txt").read_text("utf-8").split()
        if bare:
            words = ["".join(fold(c) if c.isalpha() and c.islower() else c for c in w) for w in words]
        for length in lengths:
            for _ in range(per_length):
                start = rng.randrange(len(words) - length)
                try:
                    counts["right" if detect(" ".join(words[start:start + length])).language == lang else "wrong"] += 1
                except DetectionError:
                    counts["undecided"] += 1
    return counts


def main(paths: list[Path]) -> int:
    counted = tally([row for path in paths for row in read(path)], show=True)
    print(f"\n{'label':10} {'correct':>8} {'undecided':>10} {'wrong':>6} {'total':>6}")
    for label, counts in counted.items():
        print(f"{label:10} {counts['correct']:8} {counts['undecided']:10} {counts['wrong']:6} {counts.total():6}")
    total = sum(counted.values(), Counter())
    print(f"{'all':10} {total['correct']:8} {total['undecided']:10} {total['wrong']:6} {total.total():6}")
    return 1 if total["wrong"] else 0


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def _numbers(text: str) -> list[int]:
    """``7``, ``1-5`` or ``2,3``."""
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(n) for n in text.split(",")]


if __name__ == "__main__":
    if "--windows" in sys.argv:
        seeds, lengths = _numbers(_option("--seeds", "7")), tuple(_numbers(_option("--lengths", "3,4,5,6,8")))
        for bare in (False, True):
            counts = sum((windows(bare, seed=seed, lengths=lengths) for seed in seeds), Counter())
            print(f"{'no diacritics' if bare else 'as written':14} right {counts['right']}, undecided "
                  f"{counts['undecided']}, wrong {counts['wrong']} of {counts.total()}")
        sys.exit(0)
    sys.exit(main([Path(p) for p in sys.argv[1:]] or HELDOUT))
