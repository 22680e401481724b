"""The labelled news text of the linguistics benchmark (bench/data/linguistics/), read and checked.

Written for dragoman (not copied from anywhere), one file per task and language or script:

- ``split/LANG.txt``: paragraphs separated by blank lines, one expected sentence per line; the paragraph
  is its sentences joined by one space.
- ``detect/LANG.txt``: one sentence or headline per line, written in LANG.
- ``transliterate/sr-Latn.tsv``: a Serbian Latin sentence, a tab, the Cyrillic expected;
  ``transliterate/sr-Cyrl.tsv``: a Cyrillic sentence, a tab, the Latin expected.

A line starting with ``#`` is a note naming the hard case: in split files it belongs to the paragraph after
it, in the others to every item up to the next note. A malformed line raises DataError naming the file and
line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "linguistics"
LANGS = ("en", "tr", "sq", "sr-Latn", "sr-Cyrl")
TASKS = {"split": LANGS, "detect": LANGS, "transliterate": ("sr-Latn", "sr-Cyrl")}
_SUFFIX = {"split": ".txt", "detect": ".txt", "transliterate": ".tsv"}
_BAD_SPACE = re.compile(r"^\s|\s$|\t|\s\s")


class DataError(ValueError):
    """A data file that does not follow its format."""


@dataclass(frozen=True)
class Item:
    source: str                      # the paragraph, sentence or text to convert
    expected: str | tuple[str, ...]  # its sentences, its language, or its other script
    where: str                       # "split/en.txt:12"
    note: str = ""


def path(task: str, lang: str, root: Path = DATA) -> Path:
    if lang not in TASKS.get(task, ()):
        raise DataError(f"no {task} data for {lang!r}: tasks and languages are {TASKS}")
    return root / task / f"{lang}{_SUFFIX[task]}"


def _lines(file: Path) -> list[tuple[int, str]]:
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{file}: cannot be read as UTF-8 text ({err})") from err
    return list(enumerate(text.splitlines(), 1))


def _text(value: str, where: str) -> str:
    if not value or _BAD_SPACE.search(value):
        raise DataError(f"{where}: empty text, a tab, or space at an end or doubled: {value!r}")
    return value


def load(task: str, lang: str, root: Path = DATA) -> list[Item]:
    """The items of ``task`` in ``lang``, in file order."""
    file = path(task, lang, root)
    name = f"{task}/{file.name}"
    if task == "split":
        return _paragraphs(_lines(file), name)
    items, note = [], ""
    for number, line in _lines(file):
        where = f"{name}:{number}"
        if line.startswith("#"):
            note = line.lstrip("# ")
            continue
        if not line:
            continue
        if task == "detect":
            items.append(Item(_text(line, where), lang, where, note))
        else:
            fields = line.split("\t")
            if len(fields) != 2:
                raise DataError(f"{where}: a line is source TAB expected, found {len(fields)} field(s)")
            items.append(Item(_text(fields[0], where), _text(fields[1], where), where, note))
    return items


def _paragraphs(lines: list[tuple[int, str]], name: str) -> list[Item]:
    items: list[Item] = []
    note, sentences, first = "", [], 0
    for number, line in [*lines, (len(lines) + 1, "")]:
        if line.startswith("#"):
            if sentences:
                raise DataError(f"{name}:{number}: a note inside a paragraph (leave a blank line before it)")
            note = line.lstrip("# ")
        elif line:
            first = first or number
            sentences.append(_text(line, f"{name}:{number}"))
        elif sentences:
            items.append(Item(" ".join(sentences), tuple(sentences), f"{name}:{first}", note))
            note, sentences, first = "", [], 0
    return items
