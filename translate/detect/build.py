"""Build ``profiles.json`` from the prose in ``text/`` (news-like text written for the detector).

    python -m translate.detect.build          write profiles.json
    python -m translate.detect.build --check  exit 1 if profiles.json is not what the text gives

Each language's words (read as the detector reads them: no acronyms, no all-capital names) are
folded and counted into 3- and 4-grams (``ngrams.ORDERS``); n-grams seen fewer than MIN_COUNT times are dropped. The
output is deterministic (sorted keys), so the same text always gives the same file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from translate.detect.ngrams import MIN_COUNT, PROFILES, count
from translate.detect.tokens import words

TEXT = Path(__file__).with_name("text")
LANGUAGES = ("en", "sq", "sr", "tr")  # Serbian in Latin script; Cyrillic is told by its letters


def build() -> str:
    profiles = {}
    for lang in LANGUAGES:
        folded = [word for word, _ in words((TEXT / f"{lang}.txt").read_text("utf-8")).weighted]
        profiles[lang] = {n: {gram: c for gram, c in table.items() if c >= MIN_COUNT}
                          for n, table in count(folded).items()}
    data = {"about": "character n-gram counts per language, built by translate/detect/build.py from "
                     "translate/detect/text/*.txt", "profiles": profiles}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    text = build()
    if "--check" in argv:
        same = PROFILES.exists() and PROFILES.read_text("utf-8") == text
        print("profiles.json is up to date" if same else "profiles.json differs: run python -m translate.detect.build")
        return 0 if same else 1
    PROFILES.write_text(text, "utf-8")
    print(f"wrote {PROFILES} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
