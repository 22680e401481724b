"""The experiment behind the choice of how inline tags cross the model: strip them and put them back
by attention (``translate.tagplace``, what dragoman does) or send numbered paired tokens the model
must copy.

    python bench/inline_tags.py [--models-dir DIR]

Every sentence with inline tags in the HTML corpus (tests/fixtures/html, examples/article-en.html)
is translated en->sq by each scheme, and counted: sentences whose output has every tag, in a
well-formed order (``tags kept``), sentences given back exactly (the copy model copies, so exact is
the right answer), and input pieces the model reads. Without --models-dir the committed copy model
is used (converted in a temporary directory); with it, the models there (e.g. OPUS-MT).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.languages import Direction  # noqa: E402
from common.settings import Settings  # noqa: E402
from tests.fixtures.build_models import COPY_DIR  # noqa: E402
from translate import inline, tagplace  # noqa: E402
from translate.engines import Engines  # noqa: E402
from translate.models import ModelStore  # noqa: E402
from translate.pipeline import segment  # noqa: E402
from translate.registry import MODELS  # noqa: E402

CORPUS = [*sorted((ROOT / "tests" / "fixtures" / "html").glob("*.html")), ROOT / "examples" / "article-en.html"]
# Numbered token spellings: (open, close, alone) for tag n.
TOKENS = {
    "brackets [1]…[/1]": ("[{n}]", "[/{n}]", "[{n}/]"),
    "words x1…x2": ("x{o}", "x{c}", "x{o}"),
    "braces {1}…{/1}": ("{{{n}}}", "{{/{n}}}", "{{{n}/}}"),
}


def sentences() -> list[str]:
    found: list[str] = []
    for path in CORPUS:
        for seg in segment(path.read_text("utf-8"), "en", "html")[1]:
            if inline.has_codes(tagplace.prepare(seg.source).core):
                found.append(seg.source)
    return list(dict.fromkeys(found))


def numbered(sentence: str, spelling: tuple[str, str, str]) -> tuple[str, dict[str, str]]:
    """The sentence with each code as a token, and token -> code."""
    back: dict[str, str] = {}
    out = []
    for char in sentence:
        if not inline.is_code(char):
            out.append(char)
            continue
        kind, n = inline.parse_code(char)
        token = spelling[inline._KINDS.index(kind)].format(n=n, o=2 * n - 1, c=2 * n)
        token = token if kind != inline.ALONE or token not in back else token + "a"
        back[token] = char
        out.append(token)
    return "".join(out), back


def decode_tokens(text: str, back: dict[str, str]) -> str:
    if not back:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(back, key=len, reverse=True)))
    return pattern.sub(lambda m: back[m.group()], text)


def kept(source: str, output: str) -> bool:
    return inline.codes(source) == inline.codes(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models-dir", type=Path)
    args = parser.parse_args()
    tmp = None
    if args.models_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="dragoman-tags-"))
        store = ModelStore(Settings(models_dir=tmp))
        for key in MODELS:
            shutil.copytree(COPY_DIR, store.hf_dir(key))
        args.models_dir = tmp
    try:
        settings = Settings(models_dir=args.models_dir, beam_size=1, threads=1, offline=True)
        engine = Engines(settings, cache_size=0).get(Direction("en", "sq"))
        model = engine.inner  # the Ct2Engine behind the cache
        found = sentences()
        print(f"{len(found)} sentences with inline tags, {sum(len(inline.codes(s)) for s in found)} tags")
        print(f"{'scheme':<28} {'tags kept':>10} {'exact':>8} {'pieces read':>12}")
        outputs = [t.text for t in engine.translate(found)]
        pieces = sum(len(model._pieces(tagplace.prepare(s).plain)) for s in found)
        print(f"{'strip + attention':<28} {sum(map(kept, found, outputs)):>10} "
              f"{sum(o == s for o, s in zip(outputs, found, strict=True)):>8} {pieces:>12}")
        for name, spelling in TOKENS.items():
            inputs, backs = zip(*(numbered(s, spelling) for s in found), strict=True)
            raw = [t.text for t in engine.translate(list(inputs))]
            outs = [decode_tokens(r, b) for r, b in zip(raw, backs, strict=True)]
            pieces = sum(len(model._pieces(i)) for i in inputs)
            print(f"{'tokens ' + name:<28} {sum(map(kept, found, outs)):>10} "
                  f"{sum(o == s for o, s in zip(outs, found, strict=True)):>8} {pieces:>12}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
