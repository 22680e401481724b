"""The experiment behind the glossary's protection scheme: how often each scheme's protected
terms come through a model intact.

    python bench/protection.py [--models-dir DIR] [--kind copy|random|real]

For each scheme (``inline``: the target form itself; ``placeholder``: ZXQ1-style tokens) and each
direction, the example term articles are protected with the seed glossary, translated, restored,
and counted: terms carried through, lost, duplicated, and the final term accuracy. ``copy`` and
``random`` use the fixture models (built in a temporary directory); ``real`` uses the models in
--models-dir (e.g. the downloaded OPUS-MT models on a connected machine).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.languages import Direction  # noqa: E402
from common.settings import Settings  # noqa: E402
from glossary.enforce import INLINE, PLACEHOLDER, Enforcer  # noqa: E402
from glossary.seed import load_seed  # noqa: E402
from tests.fixtures.build_models import COPY_DIR, build_random, example_sentences  # noqa: E402
from translate.engines import Engines  # noqa: E402
from translate.models import ModelStore  # noqa: E402
from translate.registry import MODELS  # noqa: E402

ARTICLES = {"en": ROOT / "examples" / "article-terms-en.md", "tr": ROOT / "examples" / "article-terms-tr.txt"}
DIRECTIONS = [("en", "tr"), ("en", "sq"), ("en", "sr-Cyrl"), ("tr", "sq"), ("tr", "sr-Latn")]


def models_dir(kind: str, given: Path | None) -> Path:
    if kind == "real":
        return given or Path("models")
    root = Path(tempfile.mkdtemp(prefix=f"dragoman-{kind}-"))
    store = ModelStore(Settings(models_dir=root))
    sources = build_random(root / "build") if kind == "random" else dict.fromkeys(MODELS, COPY_DIR)
    for key, src in sources.items():
        shutil.copytree(src, store.hf_dir(key))
    return root


def run(kind: str, given: Path | None) -> None:
    root = models_dir(kind, given)
    engines = Engines(Settings(models_dir=root, beam_size=1, max_decoding_ratio=1.5, max_decoding_extra=8))
    seed = load_seed()
    print(f"\n{kind} models ({root})")
    print(f"  {'scheme':12} {'direction':12} {'terms':>6} {'carried':>8} {'lost':>5} {'dup':>4} {'accuracy':>9}")
    for scheme in (INLINE, PLACEHOLDER):
        for source, target in DIRECTIONS:
            enforcer = Enforcer(seed, source, target, scheme)
            sentences = example_sentences(ARTICLES[source], source)
            protected = [enforcer.protect(s) for s in sentences]
            outputs = engines.get(Direction(source, target)).translate([p.text for p in protected])
            terms = carried = lost = dup = found = expected = 0
            for p, out in zip(protected, outputs, strict=True):
                text, problems = enforcer.restore(p, out.text)
                terms += len(p.slots)
                lost += sum(x.startswith("lost") for x in problems)
                dup += sum(x.startswith("duplicated") for x in problems)
                carried += len(p.slots) - sum(x.startswith("lost") for x in problems)
                report = enforcer.check(p.source, text)
                found, expected = found + len(report.found), expected + len(report.expected)
            accuracy = found / expected if expected else 1.0
            print(f"  {scheme:12} {source + '→' + target:12} {terms:6d} {carried:8d} {lost:5d} {dup:4d} "
                  f"{accuracy:9.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["copy", "random", "real", "all"], default="all")
    parser.add_argument("--models-dir", type=Path)
    args = parser.parse_args(argv)
    for kind in (["copy", "random"] if args.kind == "all" else [args.kind]):
        run(kind, args.models_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
