"""Reading glossary files (glossary.formats): hostile files refused, and big files parsed.

    python bench/glossary_parse.py [--concepts 5000] [--repeat 3]

1. Refusals: a "billion laughs" TBX (ten levels of ten entities; UTF-8 and UTF-16), an external
   entity, and sparse files one byte over the 50 MB limit (.tbx and .csv): milliseconds to the
   FormatError and how many times lxml was asked to parse (the unit tests assert 0 lxml parses and
   no read of the big file; this prints what refusing costs).
2. Throughput: --concepts synthetic concepts (five languages, inflected forms on some terms) dumped
   as csv, tsv, tbx2 and tbx3 and loaded back: size, dump and load milliseconds, load MB/s.

Times are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from glossary.formats import MAX_BYTES, FormatError, dump, load  # noqa: E402
from glossary.model import Concept, Term  # noqa: E402


def billion_laughs(levels: int = 10) -> str:
    entities = ['  <!ENTITY lol0 "lol">'] + [
        f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE tbx [\n' + "\n".join(entities) + "\n]>\n"
            '<tbx type="TBX-Basic" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>\n'
            f'  <conceptEntry id="x"><langSec xml:lang="en"><termSec><term>&lol{levels - 1};</term></termSec>'
            "</langSec></conceptEntry>\n</body></text></tbx>\n")


EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE martif [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<martif type="TBX"><text><body>
  <termEntry id="x"><langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet></termEntry>
</body></text></martif>
"""


def concepts(count: int) -> list[Concept]:
    out = []
    for i in range(count):
        terms = [Term("en", f"Commission {i}"), Term("en", f"Board {i}", "admitted"),
                 Term("tr", f"Komisyon {i}", forms={"loc": f"Komisyon {i}'da"} if i % 3 == 0 else {}),
                 Term("sq", f"Komisioni {i}", forms={"gen": f"Komisionit {i}"} if i % 2 == 0 else {}),
                 Term("sr-Latn", f"Komisija {i}", forms={"gen": f"Komisije {i}", "loc": f"Komisiji {i}"}),
                 Term("sr-Cyrl", f"Комисија {i}")]
        out.append(Concept(f"c{i}", "translate", terms, note=f"body number {i}" if i % 5 == 0 else "",
                           subject="institutions"))
    return out


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def refused(source, fmt: str | None = None) -> str:
    try:
        load(source, fmt)
    except FormatError as err:
        return str(err)
    return "(accepted)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    parses = [0]
    real_fromstring = etree.fromstring

    def counting_fromstring(*a, **k):
        parses[0] += 1
        return real_fromstring(*a, **k)

    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, object, str | None]] = [
            ("billion laughs, UTF-8", billion_laughs().encode(), None),
            ("billion laughs, UTF-16", billion_laughs().encode("utf-16"), "tbx"),
            ("external entity", EXTERNAL_ENTITY.encode(), None)]
        for suffix in (".tbx", ".csv"):
            path = Path(tmp) / f"huge{suffix}"
            with path.open("wb") as handle:
                handle.truncate(MAX_BYTES + 1)  # sparse: no real data
            cases.append((f"50 MB + 1 byte {suffix}", path, None))
        print("1. refusals")
        print(f"  {'input':24} {'ms':>8} {'lxml parses':>11}  error")
        etree.fromstring = counting_fromstring
        try:
            for name, source, fmt in cases:
                parses[0] = 0
                elapsed, message = best_of(args.repeat, lambda source=source, fmt=fmt: refused(source, fmt))
                print(f"  {name:24} {elapsed * 1000:8.3f} {parses[0] // args.repeat:11d}  {str(message)[:60]}")
        finally:
            etree.fromstring = real_fromstring

        glossary = concepts(args.concepts)
        print(f"\n2. {args.concepts} concepts, {sum(len(c.terms) for c in glossary)} terms")
        print(f"  {'format':6} {'MB':>6} {'dump ms':>8} {'load ms':>8} {'load MB/s':>9}")
        for fmt in ("csv", "tsv", "tbx2", "tbx3"):
            dump_s, data = best_of(args.repeat, lambda fmt=fmt: dump(glossary, fmt))
            read_fmt = "tsv" if fmt == "tsv" else "csv" if fmt == "csv" else "tbx"
            load_s, loaded = best_of(args.repeat, lambda data=data, read_fmt=read_fmt: load(data, read_fmt))
            assert len(loaded) == len(glossary)
            mb = len(data) / 1024 / 1024
            print(f"  {fmt:6} {mb:6.2f} {dump_s * 1000:8.1f} {load_s * 1000:8.1f} {mb / load_s:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
