"""How the language detector does on labelled sentences: correct, undecided and wrong per label.

    python bench/detect_accuracy.py [FILE.tsv ...]   (default: tests/fixtures/detect/heldout*.tsv)

The files and labels are described in tests/detect_sentences.py. A wrong label (or a wrong
"possibly hr/bs" note) is the one thing the detector must never give; undecided (it asks for the
language) is allowed. Every wrong or undecided sentence is listed, then the table.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.detect_sentences import HELDOUT, read, tally


def main(paths: list[Path]) -> int:
    counted = tally([row for path in paths for row in read(path)], show=True)
    print(f"\n{'label':10} {'correct':>8} {'undecided':>10} {'wrong':>6} {'total':>6}")
    for label, counts in counted.items():
        print(f"{label:10} {counts['correct']:8} {counts['undecided']:10} {counts['wrong']:6} {counts.total():6}")
    total = sum(counted.values(), Counter())
    print(f"{'all':10} {total['correct']:8} {total['undecided']:10} {total['wrong']:6} {total.total():6}")
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main([Path(p) for p in sys.argv[1:]] or HELDOUT))
