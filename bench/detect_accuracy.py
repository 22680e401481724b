"""How the language detector does on labelled sentences: correct, undecided and wrong per label.

    python bench/detect_accuracy.py [FILE.tsv ...]   (default: tests/fixtures/detect/heldout.tsv)

A file has ``label<TAB>text`` lines (``#`` comments): labels en, tr, sq, sr-Latn, sr-Cyrl;
``sr-Latn~hr`` for Serbian Latin that must carry the note "possibly hr/bs"; ``?`` for text too
thin to tell. A wrong label is the one thing the detector must never give; undecided (it asks for
the language) is allowed. Every wrong or undecided sentence is listed.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from translate.detect import DetectionError, detect

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "fixtures" / "detect" / "heldout.tsv"


def read(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def outcome(label: str, text: str) -> tuple[str, str]:
    """("correct" | "undecided" | "wrong", what the detector said)."""
    try:
        found = detect(text)
    except DetectionError:
        return ("correct" if label == "?" else "undecided"), "?"
    said = f"{found.language}~hr" if found.note else found.language
    return ("correct" if said == label else "wrong"), f"{found.label} {found.confidence}"


def main(paths: list[Path]) -> int:
    tally: dict[str, Counter] = {}
    for path in paths:
        for label, text in read(path):
            result, said = outcome(label, text)
            tally.setdefault(label, Counter())[result] += 1
            if result != "correct":
                print(f"{result:9} {label:10} -> {said:28} {text}")
    print(f"\n{'label':10} {'correct':>8} {'undecided':>10} {'wrong':>6} {'total':>6}")
    for label, counts in tally.items():
        print(f"{label:10} {counts['correct']:8} {counts['undecided']:10} {counts['wrong']:6} {counts.total():6}")
    total = sum(tally.values(), Counter())
    print(f"{'all':10} {total['correct']:8} {total['undecided']:10} {total['wrong']:6} {total.total():6}")
    return 1 if total["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main([Path(p) for p in sys.argv[1:]] or [DEFAULT]))
