"""Fuzzy translation-memory lookups against a memory of many random news-like units.

    python bench/tm_fuzzy.py [--units 10000] [--repeat 5] [--db URL]

Builds the memory of tests/unit/test_tm.py (seeded random sentences of 6-25 words, a third of them
common news words, plus 50 units that hold the query twice and are too long to match), in a
temporary SQLite database unless --db names another (PostgreSQL: its tm_units table must be empty),
then times ``TranslationMemory.fuzzy`` for an exact and a near query at two thresholds and prints,
per lookup, the best and mean milliseconds over --repeat runs with the work counted by ``fuzzy``'s
``stats``: rows returned by the SQL prefilter, candidates whose upper bound reaches the threshold,
candidates scored in full. The unit test asserts the counts; this prints what they cost.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsroom.jobs import JobStore  # noqa: E402
from newsroom.tm import TranslationMemory  # noqa: E402


def build_units(count: int, seed: int) -> list[dict]:
    """The units of the unit test (same generator, same seed)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnoprstuvz"
    common = ["the", "of", "in", "and", "said", "government", "Kosovo", "minister", "police"]
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(5000)]
    return [{"source_lang": "en", "target_lang": "tr", "target": f"t{i}", "source": " ".join(
        rng.choice(common) if rng.random() < 0.35 else rng.choice(vocabulary) for _ in range(rng.randint(6, 25)))
        + "."} for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="A database URL (default: a temporary SQLite file).")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tm = TranslationMemory(JobStore(args.db or f"sqlite:///{Path(tmp) / 'tm.db'}"))
        units = build_units(args.units, args.seed)
        query = units[min(1234, len(units) - 1)]["source"]
        near = query.replace(query.split()[2], "different", 1)
        started = time.perf_counter()
        stored = tm.import_units(units)
        stored += tm.import_units([{"source_lang": "en", "target_lang": "tr", "source": f"{query} {query} {i}.",
                                    "target": f"long {i}"} for i in range(50)])
        print(f"imported {stored} units in {time.perf_counter() - started:.2f} s ({tm.engine.url.drivername})")

        cases = [("exact", query, 0.75, 3), ("near", near, 0.75, 3), ("exact", query, 0.5, 1),
                 ("exact", query, 0.5, 3), ("near", near, 0.5, 3)]
        print(f"{'query':6} {'threshold':>9} {'limit':>5} {'best ms':>8} {'mean ms':>8} {'rows':>6} "
              f"{'candidates':>10} {'scored':>6} {'matches':>7}")
        for name, text, threshold, limit in cases:
            times, stats, matches = [], {}, []
            for _ in range(args.repeat):
                started = time.perf_counter()
                matches = tm.fuzzy("en", "tr", text, threshold=threshold, limit=limit, stats=stats)
                times.append(time.perf_counter() - started)
            print(f"{name:6} {threshold:9.2f} {limit:5d} {min(times) * 1000:8.1f} {statistics.mean(times) * 1000:8.1f} "
                  f"{stats['rows']:6d} {stats['candidates']:10d} {stats['scored']:6d} {len(matches):7d}")
        tm.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
