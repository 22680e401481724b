"""Counting the work of a module's regular expressions and Python lines: the tests assert these counts
(never times) to show that work grows linearly, and the benches print them beside their timings.

    work = module_work(translate.segment, lambda: split_sentences(text))
    # {"regex calls": ..., "regex chars": ..., "regex matches": ..., "python lines": ...}
    work = module_work([translate.formats.markdown, translate.segment], lambda: segment(text, "en", "markdown"))

What a regex does inside one call (backtracking) is not counted: a pattern that rescans a run of characters from
each of its positions reads "len(text)" here however long it works. Such patterns are kept out by their shape
(a match can start only at the start of a run; nothing after a greedy run that could fail), and tested so.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import ModuleType


def new_work() -> dict[str, int]:
    return {"regex calls": 0, "regex chars": 0, "regex matches": 0}


class CountingPattern:
    """A compiled pattern that counts its calls, the matches it finds and the characters it reads at least: a
    scan (``finditer``, ``sub``, ``findall``, ``split``) the text from ``pos``, a ``search`` up to the end of its
    match (or of the text when it finds none), a ``match`` or ``fullmatch`` up to the end of its match."""

    def __init__(self, pattern: re.Pattern[str], work: dict[str, int]):
        self.pattern, self.work = pattern, work

    def _count(self, pos: int, end: int, match: re.Match[str] | None = None) -> re.Match[str] | None:
        self.work["regex calls"] += 1
        self.work["regex chars"] += max(end - pos, 1)
        self.work["regex matches"] += match is not None
        return match

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        self._count(pos, min(endpos, len(text)))
        for match in self.pattern.finditer(text, pos, endpos):
            self.work["regex matches"] += 1
            yield match

    def sub(self, repl, text: str) -> str:
        self._count(0, len(text))
        return self.pattern.sub(repl, text)

    def findall(self, text: str) -> list:
        self._count(0, len(text))
        return self.pattern.findall(text)

    def split(self, text: str) -> list[str]:
        self._count(0, len(text))
        return self.pattern.split(text)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        match = self.pattern.search(text, pos, endpos)
        return self._count(pos, match.end() if match else min(endpos, len(text)), match)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        match = self.pattern.match(text, pos, endpos)
        return self._count(pos, match.end() if match else pos, match)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        match = self.pattern.fullmatch(text, pos, endpos)
        return self._count(pos, match.end() if match else pos, match)


def counting(value, work: dict[str, int]):
    """``value`` with its compiled patterns (alone, or the values of a dict or list) counting their work."""
    if isinstance(value, re.Pattern):
        return CountingPattern(value, work)
    if isinstance(value, dict) and value and all(isinstance(v, re.Pattern) for v in value.values()):
        return {key: CountingPattern(v, work) for key, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, re.Pattern) for v in value):
        return [CountingPattern(v, work) for v in value]
    return value


@contextmanager
def counted(module: ModuleType, work: dict[str, int]) -> Iterator[None]:
    """Count the work of every compiled regex of ``module`` while the block runs."""
    original = {}
    for name, value in list(vars(module).items()):
        if (wrapped := counting(value, work)) is not value:
            original[name] = value
            setattr(module, name, wrapped)
    try:
        yield
    finally:
        for name, value in original.items():
            setattr(module, name, value)


def _modules(module: ModuleType | list[ModuleType]) -> list[ModuleType]:
    return module if isinstance(module, list) else [module]


@contextmanager
def lines_run(module: ModuleType | list[ModuleType], work: dict[str, int]) -> Iterator[None]:
    """Count the lines of ``module``'s (or the modules') Python code run while the block runs (each turn of a loop
    counts)."""
    work.setdefault("python lines", 0)
    files = {m.__file__ for m in _modules(module)}

    def count_lines(frame, event, arg):
        work["python lines"] += event == "line"
        return count_lines

    def trace(frame, event, arg):
        return count_lines if frame.f_code.co_filename in files else None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def module_work(module: ModuleType | list[ModuleType], run: Callable[[], object],
                lines: bool = True) -> dict[str, int]:
    """The work ``run()`` does in ``module`` (or in each of a list of modules, added up): its regexes' calls,
    characters and matches, and (``lines``) the lines of its code run."""
    work = new_work()
    with ExitStack() as stack:
        for each in _modules(module):
            stack.enter_context(counted(each, work))
        if lines:
            stack.enter_context(lines_run(module, work))
        run()
    return work
