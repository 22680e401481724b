"""The detector's labelled sentences (tests/fixtures/detect/*.tsv), read and scored once for the unit
tests and bench/detect_accuracy.py; and the hostile shapes its linear-work test and
bench/detect_worst_case.py feed it.

A file has ``label<TAB>text`` lines (``#`` comments): labels en, tr, sq, sr-Latn, sr-Cyrl;
``sr-Latn~hr`` for Serbian Latin that must carry the note "possibly hr/bs"; ``?`` for text too
thin to tell. ``dev.tsv`` was written with the detector (its unit tests), ``dev-short.tsv`` (headlines of
2-5 words) with its short-text rule; ``heldout*.tsv`` before or after its thresholds were set, and never
used to tune them (``heldout-short.tsv``: headlines of 2-6 words, measured before and after the short-text rule).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from translate.detect import DetectionError, detect

SENTENCES = Path(__file__).parent / "fixtures" / "detect"
DEV = SENTENCES / "dev.tsv"
DEV_SHORT = SENTENCES / "dev-short.tsv"
HELDOUT = sorted(SENTENCES.glob("heldout*.tsv"))


def read(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


def outcome(label: str, text: str) -> tuple[str, str]:
    """("correct" | "undecided" | "wrong", what the detector said). A wrong language or a wrong note
    is wrong; asking for the language (DetectionError) is undecided unless the label is ``?``."""
    try:
        found = detect(text)
    except DetectionError:
        return ("correct" if label == "?" else "undecided"), "?"
    said = f"{found.language}~hr" if found.note else found.language
    return ("correct" if said == label else "wrong"), f"{found.label} {found.confidence}"


def tally(rows: list[tuple[str, str]], show: bool = False) -> dict[str, Counter]:
    """correct / undecided / wrong per label; with ``show``, print each sentence that is not correct."""
    counts: dict[str, Counter] = {}
    for label, text in rows:
        result, said = outcome(label, text)
        counts.setdefault(label, Counter())[result] += 1
        if show and result != "correct":
            print(f"{result:9} {label:10} -> {said:28} {text}")
    return counts


# Texts of n characters that a pattern with nested or overlapping runs would read quadratically.
HOSTILE = {
    "letters without @": lambda n: "a" * n,
    "dotted run": lambda n: "a." * (n // 2) + "x",
    "stop and spaces": lambda n: ". " + " " * n + "1",
    "blank lines": lambda n: "\n" * n + "1",
    "stops": lambda n: ". " * (n // 2) + "1",
    "quotes": lambda n: '. "' * (n // 3),
    "digits": lambda n: "1 " * (n // 2) + "kolovoz",
    "apostrophes": lambda n: "ab'" * (n // 3) + "c",
    "suffixes": lambda n: ("Ankara'da 2023'te " * n)[:n],
    "ijekavian prose": lambda n: ("Vlada je u srijedu objavila da će cijene struje ostati iste. " * n)[:n],
}
