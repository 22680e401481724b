"""Serbian script conversion (translate.serbian) on worst-case input, and how it grows.

    python bench/serbian_worst_case.py [--repeat 3] [--sizes 5000,10000,20000,80000] [--shapes dots,one word]
    python bench/serbian_worst_case.py --module old_serbian.py   # another version of the module, to compare

Each row is one input shape at --sizes characters, run through one public function (to_script is to_latin or
to_cyrillic); ``x prev`` is the time over the previous size's, ``per 2x`` the same per doubling of the size (about 2 is
linear, about 4 quadratic), ``read/char`` the characters the module's regexes read (at least) per input character,
which stays flat when their work is linear. The shapes are one long token or run, or many of something in one token:

- one word: "ljlj..." (one word of digraphs); base64 blob: a base64 string with + and /,
- dots: "...."; dotted words: "Beograd.Beograd...."; almost a domain name: "aaaa....comx",
- hyphenated parts: "KFOR-Beograd’KFOR-..." (one word of many parts); hyphens: "a----b"; spaces: "a    b",
- at signs: "Beograd@Beograd@..."; addresses and commas / pluses: "ime.prezime@kfor.int,ime.prezime@..." (+),
- URLs: "http://rts.rs/a http://..." (many tokens); long URL: "https://rts.rs/aaaa...",
- dotted labels: "a.a.a....rs" (one domain name of many labels); handles: "@a.@a.@a....",
- Roman numerals and initials: "I. I VI Pije VI faza I. Andrić SRBIJA I ..." (each read by its context),
- one letter and a long gap: "I      ...svetski"; acronyms and endings: "KiM-u BiH-a RTS-om EULEX-u ...",
- foreign parts: "Wi-Fi-Wi-Fi-..." (one word); apostrophes: "O'Brien’s-a-O'Brien’s-a-..." (one word),
- Cyrillic word: "ЉубавЉубав..."; capital digraphs: "ЉЊЏ-Љ.ЉЊЏ-Љ....",
- news: the Latin test corpus, and news in Cyrillic: the Cyrillic one, repeated (ordinary text, for comparison).

Times are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import translate.serbian  # noqa: E402
from tests.counting import module_work  # noqa: E402
from tests.fixtures.hostile_serbian import CYRILLIC, LATIN  # noqa: E402


def functions(module: ModuleType) -> dict[str, Callable[[str], object]]:
    return {
        "to_cyrillic": module.to_cyrillic,
        "mixed_words sr-Cyrl": lambda text: module.mixed_words(text, "sr-Cyrl"),
        "to_latin": module.to_latin,
        "mixed_words sr-Latn": lambda text: module.mixed_words(text, "sr-Latn"),
    }


def cases() -> list[tuple[str, Callable[[int], str], str]]:
    """Latin shapes through to_cyrillic and mixed_words sr-Cyrl, Cyrillic ones through to_latin and mixed_words
    sr-Latn."""
    latin = [(shape, make, name) for shape, make in LATIN.items() for name in ("to_cyrillic", "mixed_words sr-Cyrl")]
    cyrillic = [(shape, make, name) for shape, make in CYRILLIC.items() for name in ("to_latin", "mixed_words sr-Latn")]
    return latin + cyrillic


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def growth(previous: tuple[int, float] | None, current: tuple[int, float]) -> str:
    """The time over the previous size's, and the same per doubling of the size."""
    if previous is None:
        return f"{'':6} {'':6}"
    ratio = current[1] / max(previous[1], 1e-9)
    return f"{ratio:6.1f} {ratio ** (1 / math.log2(current[0] / previous[0])):6.1f}"


def load(path: str | None) -> ModuleType:
    if path is None:
        return translate.serbian
    spec = importlib.util.spec_from_file_location("serbian_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="5000,10000,20000,80000", help="Input sizes in characters.")
    parser.add_argument("--shapes", help="Only these shapes, comma-separated.")
    parser.add_argument("--module", help="Bench this file instead of translate/serbian.py (an older version).")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    module = load(args.module)
    run_by_name = functions(module)
    shapes = set(args.shapes.split(",")) if args.shapes else None

    print(f"{module.__file__}\n  {'input':22} {'function':20} {'size':>6} {'ms':>9} {'x prev':>6} {'per 2x':>6} "
          f"{'read/char':>9}")
    for shape, make, name in cases():
        if shapes and shape not in shapes:
            continue
        previous, run = None, run_by_name[name]
        for size in sizes:
            text = make(size)
            elapsed = best_of(args.repeat, lambda text=text, run=run: run(text))
            read = module_work(module, lambda text=text, run=run: run(text), lines=False)["regex chars"]
            print(f"  {shape:22} {name:20} {size:6d} {elapsed * 1000:9.1f} {growth(previous, (size, elapsed))} "
                  f"{read / len(text):9.1f}", flush=True)
            previous = size, elapsed
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
