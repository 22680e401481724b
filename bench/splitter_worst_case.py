"""The sentence and clause splitters (translate.segment) on worst-case input, and how they grow.

    python bench/splitter_worst_case.py [--repeat 3] [--sizes 500,1000,2000,8000]

1. ``split_long`` on 2000 words without punctuation (the unit test's input) at 1, 7, 50 and 200
   words a piece: milliseconds, pieces, and the clause-break regex work (characters scanned over
   the sentence's length, matches found) that the unit test bounds by about 4 x log2(2000 / limit).
2. Growth with the input size: each row is one input kind at --sizes repetitions; ``x prev`` is the
   time over the previous size's, ``per 2x`` the same per doubling of the size (about 2 is linear, a little
   more n log n, about 4 quadratic), ``read/char`` the characters all the module's regexes read (at least)
   per input character, which stays flat when their work is linear:
   - split_long, words without punctuation, 1 word a piece,
   - split_long, words and commas, 1 word a piece,
   - split_long, one whitespace run of that many spaces between two words,
   - split_sentences, "He said. " repeated (every full stop is a boundary),
   - split_sentences, "U.S. " repeated (dotted acronyms, no boundary),
   - split_sentences, "“word " repeated (unclosed quotation marks),
   - split_sentences, "“He left. She stayed.” " repeated (full stops inside quotations),
   - split_sentences, a run of that many dots with no space after it,
   - split_sentences, that many lines of the English test corpus in one paragraph,
   - split_sentences in Turkish, "Ülke sayısı 27. Komisyon karar verdi. " repeated (the word before each number
     is read),
   - split_sentences, "See www.aa.com.tr. Write to info@rts.rs. " repeated (dotted names ending sentences).
3. The reported articles at full size through the submit path (``newsroom.requests.prepare`` with the source
   given, then ``translate.pipeline.segment``) as text and as Markdown: 'a' + 100,000 spaces + 'b' (45 s before),
   30,000 unclosed « (21 s), 'Ab. ' x 12,000 (16 s), an ordinary article of 48 KB, and 48 KB of the Markdown
   test articles (links, emphasis, tables, footnotes: markdown-it's inline parsing at work).
4. Growth of the submit path on each hostile article of tests/fixtures/hostile_articles.py as Markdown at
   --article-sizes characters (``read/char`` over the format parsers', the splitter's and the pipeline's regexes).

Times are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import translate.formats.markdown  # noqa: E402
import translate.formats.plaintext  # noqa: E402
import translate.pipeline  # noqa: E402
import translate.segment  # noqa: E402
from common.settings import Settings  # noqa: E402
from newsroom.requests import prepare  # noqa: E402
from tests.counting import module_work  # noqa: E402
from tests.fixtures.hostile_articles import ARTICLES  # noqa: E402
from translate.pipeline import segment  # noqa: E402
from translate.segment import split_long, split_sentences  # noqa: E402

CORPUS = (ROOT / "tests" / "fixtures" / "corpus" / "en.txt").read_text("utf-8").splitlines()
VOCAB = ["patrol", "border", "village", "road", "police", "bridge", "river", "market", "school", "Pristina"]


def words(text: str) -> int:
    return len(text.split())


def best_of(repeat: int, run: Callable[[], list]) -> tuple[float, list]:
    best, result = math.inf, []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def regex_work(run: Callable[[], list]) -> dict[str, int]:
    return module_work(translate.segment, run, lines=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="500,1000,2000,8000", help="Repetitions of each input kind in part 2.")
    parser.add_argument("--article-sizes", default="25000,100000", help="Characters of each article in part 4.")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    sentence = " ".join(VOCAB[i % len(VOCAB)] for i in range(2000))
    print(f"1. split_long, 2000 words without punctuation ({len(sentence)} characters)")
    print(f"  {'limit':>5} {'ms':>8} {'pieces':>6} {'scanned/len':>11} {'4*log2':>6} {'matches':>8}")
    for limit in (1, 7, 50, 200):
        elapsed, pieces = best_of(args.repeat, lambda limit=limit: split_long(sentence, limit, words))
        work = regex_work(lambda limit=limit: split_long(sentence, limit, words))
        print(f"  {limit:5d} {elapsed * 1000:8.1f} {len(pieces):6d} {work['regex chars'] / len(sentence):11.1f} "
              f"{4 * math.log2(2000 / limit):6.1f} {work['regex matches']:8d}")

    kinds: list[tuple[str, Callable[[int], str], Callable[[str], list]]] = [
        ("split_long words", lambda n: " ".join(VOCAB[i % len(VOCAB)] for i in range(n)),
         lambda s: split_long(s, 1, words)),
        ("split_long commas", lambda n: ", ".join(VOCAB[i % len(VOCAB)] for i in range(n)),
         lambda s: split_long(s, 1, words)),
        ("split_long spaces", lambda n: "a" + " " * n + "b", lambda s: split_long(s, 1, words)),
        ("split_sentences He said.", lambda n: "He said. " * n, split_sentences),
        ("split_sentences U.S.", lambda n: "U.S. " * n, split_sentences),
        ("split_sentences “word", lambda n: "“word " * n, split_sentences),
        ("split_sentences “quoted.”", lambda n: "“He left. She stayed.” " * n, split_sentences),
        ("split_sentences dot run", lambda n: "Wait" + "." * n + "x", split_sentences),
        ("split_sentences corpus en", lambda n: " ".join(CORPUS[i % len(CORPUS)] for i in range(n)), split_sentences),
        ("split_sentences tr counts", lambda n: "Ülke sayısı 27. Komisyon karar verdi. " * n,
         lambda s: split_sentences(s, "tr")),
        ("split_sentences domains", lambda n: "See www.aa.com.tr. Write to info@rts.rs. " * n, split_sentences),
    ]
    print("\n2. growth with the input size")
    print(f"  {'input':26} {'size':>6} {'chars':>7} {'ms':>9} {'x prev':>6} {'per 2x':>6} {'read/char':>9} "
          f"{'pieces':>6}")
    for name, make, run in kinds:
        previous = None
        for size in sizes:
            text = make(size)
            elapsed, pieces = best_of(args.repeat, lambda text=text, run=run: run(text))
            read = regex_work(lambda text=text, run=run: run(text))["regex chars"] / len(text)
            print(f"  {name:26} {size:6d} {len(text):7d} {elapsed * 1000:9.1f} {growth(previous, (size, elapsed))} "
                  f"{read:9.1f} {len(pieces):6d}")
            previous = size, elapsed
    reported(args.repeat)
    article_growth(args.repeat, [int(s) for s in args.article_sizes.split(",")])
    return 0


def submit(text: str, fmt: str) -> list:
    """What a submission does with an article before it is stored: the checks, then parsing and splitting."""
    request = prepare({"text": text, "source": "en", "targets": "tr", "format": fmt}, SETTINGS)
    return segment(request.text, request.source, request.format)[1]


SETTINGS = Settings(max_article_bytes=2_000_000)
PATH = [translate.formats.markdown, translate.formats.plaintext, translate.segment, translate.pipeline]


def reported(repeat: int) -> None:
    paragraphs = [" ".join(CORPUS[i:i + 4]) for i in range(0, len(CORPUS), 4)]
    ordinary = ""
    while len(ordinary.encode()) < 48_000:
        ordinary += paragraphs[len(ordinary) % len(paragraphs)] + "\n\n"
    rich = ""
    markdown = sorted((ROOT / "tests" / "fixtures" / "markdown").glob("*.md"))
    while len(rich.encode()) < 48_000:
        rich += markdown[len(rich) % len(markdown)].read_text("utf-8") + "\n"
    articles = {"'a' + 100,000 spaces + 'b'": "a" + " " * 100_000 + "b", "30,000 unclosed «": "«" * 30_000,
                "'Ab. ' x 12,000": "Ab. " * 12_000, "ordinary 48 KB article": ordinary,
                "48 KB of inline Markdown": rich}
    print("\n3. the reported articles through prepare + segment")
    print(f"  {'article':28} {'chars':>7} {'text ms':>8} {'md ms':>8} {'segments':>8}")
    for name, text in articles.items():
        times = [best_of(repeat, lambda text=text, fmt=fmt: submit(text, fmt)) for fmt in ("text", "markdown")]
        print(f"  {name:28} {len(text):7d} {times[0][0] * 1000:8.1f} {times[1][0] * 1000:8.1f} {len(times[0][1]):8d}")


def article_growth(repeat: int, sizes: list[int]) -> None:
    print("\n4. growth of prepare + segment (Markdown) on hostile articles")
    print(f"  {'article':32} {'chars':>7} {'ms':>9} {'x prev':>6} {'per 2x':>6} {'read/char':>9} {'segments':>8}")
    for name, make in ARTICLES.items():
        previous = None
        for size in sizes:
            text = make(size)
            elapsed, segments = best_of(repeat, lambda text=text: submit(text, "markdown"))
            read = module_work(PATH, lambda text=text: submit(text, "markdown"), lines=False)["regex chars"] / len(text)
            print(f"  {name:32} {len(text):7d} {elapsed * 1000:9.1f} {growth(previous, (size, elapsed))} {read:9.1f} "
                  f"{len(segments):8d}")
            previous = size, elapsed


def growth(previous: tuple[int, float] | None, current: tuple[int, float]) -> str:
    """The time over the previous size's, and the same per doubling of the size."""
    if previous is None:
        return f"{'':6} {'':6}"
    ratio = current[1] / previous[1]
    return f"{ratio:6.1f} {ratio ** (1 / math.log2(current[0] / previous[0])):6.1f}"


if __name__ == "__main__":
    raise SystemExit(main())
