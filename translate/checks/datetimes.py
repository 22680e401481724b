"""Dates and times, read the way each language writes them, so that *9 Ekim 2025*, *9 October
2025*, *October 9, 2025* and *9. oktobar 2025.* are one date and *14.30*, *14:30* and *2.30 p.m.*
one time. Month names and day-period markers come from CLDR (``translate.checks.locale``).

``date_mismatch``: the dates of source and target differ (as multisets of (year, month, day), a
part missing where the text leaves it out). ``time_mismatch``: the same for (hour, minute).
``without`` rewrites dates and times as bare numbers, for the number check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from common.languages import base
from translate.checks.locale import month_pattern, months, periods

DATE_MISMATCH, TIME_MISMATCH = "date_mismatch", "time_mismatch"
Date = tuple[int | None, int, int | None]
Span = tuple[int, int]

_DAY_BEFORE = re.compile(r"(?<![\d.,])(?P<d>[12]?\d|3[01])(?:\.|st|nd|rd|th)?\s+(?:of\s+)?$")
_DAY_AFTER = re.compile(r"^\.?\s+(?P<d>[12]?\d|3[01])(?:st|nd|rd|th)?(?![\d.,:]\d)")
_YEAR_AFTER = re.compile(r"^(?:'\w+)?\.?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)\.?")
_NUMERIC = re.compile(r"(?<![\d.])(?:(?P<y>(?:19|20)\d\d)-(?P<m>0?[1-9]|1[0-2])-(?P<d>[0-2]?\d|3[01])"
                      r"|(?P<d2>[0-2]?\d|3[01])\.(?P<m2>0?[1-9]|1[0-2])\.(?P<y2>(?:19|20)\d\d)\.?)(?![\d])")
_BARE_HOUR = re.compile(r"(?<![\d.,:])(?P<h>1[0-2]|0?[1-9])(?![\d.,:])")  # "2" of "2 p.m."
_DAY_REACH = 40  # a day before a month name ("9. oktobar", "9th of October") lies within this many characters
_CLOCK = re.compile(r"(?<![\d.,:])(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<min>[0-5]\d)(?![\d]|[.,]\d)")
_HOUR_WORDS = {  # an hour written without minutes: "saat 14", "ora 14", "u 14 časova"
    "tr": re.compile(r"\bsaat\s+(?P<h>[01]?\d|2[0-3])(?![\d.:,])", re.IGNORECASE),
    "sq": re.compile(r"\bor(?:a|ën)\s+(?P<h>[01]?\d|2[0-3])(?![\d.:,])", re.IGNORECASE),
    "sr": re.compile(r"(?<![\d.,])(?P<h>[01]?\d|2[0-3])\s*(?:časova|sati|h|часова|сати)\b", re.IGNORECASE),
}


def _period(text: str, lang: str) -> tuple[str, int] | None:
    """The day-period marker at the start of ``text`` (after spaces): ("am"|"pm", its length)."""
    stripped = text.lstrip()
    lowered = stripped.lower()
    for marker, which in _markers(lang):
        if lowered.startswith(marker) and not lowered[len(marker):len(marker) + 1].isalpha():
            return which, len(text) - len(stripped) + len(marker)
    return None


@lru_cache(maxsize=32)
def _markers(lang: str) -> tuple[tuple[str, str], ...]:
    """``lang``'s day-period markers, longest first (so "p.m." is tried before "p")."""
    return tuple(sorted(periods(lang).items(), key=lambda kv: -len(kv[0])))


def _twelve(hour: int, which: str) -> int:
    return hour % 12 + (12 if which == "pm" else 0)


def dates(text: str, lang: str) -> Iterator[tuple[Span, Date]]:
    """Each date in ``text``: its span and (year, month, day)."""
    names = months(lang)
    for m in month_pattern(lang).finditer(text):
        month = names[m.group("m").lower()]
        start, end = m.start(), m.end()
        after = text[end:]
        day = year = None
        found = _DAY_BEFORE.search(text, max(0, start - _DAY_REACH), start)  # reads only what is just before
        if found:
            day, start = int(found.group("d")), found.start()
        elif (found := _DAY_AFTER.match(after)) is not None:
            day, end = int(found.group("d")), end + found.end()
        rest = _YEAR_AFTER.match(text[end:])
        if rest:
            year, end = int(rest.group("y")), end + rest.end()
        if day is None and year is None:
            continue  # a month word alone ("in May") names no date to compare
        yield (start, end), (year, month, day)
    for m in _NUMERIC.finditer(text):
        if m.group("y"):
            yield m.span(), (int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            yield m.span(), (int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))


def times(text: str, lang: str) -> Iterator[tuple[Span, tuple[int, int]]]:
    """Each clock time in ``text``: its span and (hour, minute) on a 24-hour clock. In English
    "14.30" is a decimal unless a period marker follows ("2.30 p.m."); "2 p.m." is a time."""
    english = base(lang) == "en"
    for m in _CLOCK.finditer(text):
        hour, minute = int(m.group("h")), int(m.group("min"))
        period = _period(text[m.end():], lang)
        if period and hour <= 12:
            yield (m.start(), m.end() + period[1]), (_twelve(hour, period[0]), minute)
        elif not english or m.group("sep") == ":":
            yield m.span(), (hour, minute)
    for m in _BARE_HOUR.finditer(text):
        period = _period(text[m.end():], lang)
        if period:
            yield (m.start(), m.end() + period[1]), (_twelve(int(m.group("h")), period[0]), 0)
    hour_words = _HOUR_WORDS.get(base(lang))
    if hour_words:
        for m in hour_words.finditer(text):
            yield m.span(), (int(m.group("h")), 0)


def _distinct(found: Iterator[tuple[Span, tuple]]) -> list[tuple[Span, tuple]]:
    """Found items without those inside the span of an earlier, longer one."""
    kept: list[tuple[Span, tuple]] = []
    for span, value in sorted(found, key=lambda f: (f[0][0], -f[0][1])):
        if not any(s <= span[0] and span[1] <= e for (s, e), _ in kept):
            kept.append((span, value))
    return kept


@lru_cache(maxsize=4096)  # each text is read by the date, time and number checks
def _found(text: str, lang: str) -> tuple[list[tuple[Span, Date]], list[tuple[Span, tuple[int, int]]]]:
    """The distinct dates and times of ``text``."""
    return _distinct(dates(text, lang)), _distinct(times(text, lang))


def date_mismatch(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    return [DATE_MISMATCH] if _differ(_found(source, source_lang)[0], _found(target, target_lang)[0]) else []


def time_mismatch(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    return [TIME_MISMATCH] if _differ(_found(source, source_lang)[1], _found(target, target_lang)[1]) else []


def _differ(source: list[tuple[Span, tuple]], target: list[tuple[Span, tuple]]) -> bool:
    """The values found differ as multisets (most segments have none on either side)."""
    return bool(source or target) and Counter(v for _, v in source) != Counter(v for _, v in target)


def without(text: str, lang: str) -> str:
    """``text`` for the number check: each date written as its day and year alone, each time as its
    24-hour hour (and minutes), so that the other numbers are compared as such and a date or time
    one side cannot read is flagged once, by its own check, not again as a number."""
    parts, at = [], 0
    found_dates, found_times = _found(text, lang)
    found = [(span, " ".join(str(n) for n in (date[2], date[0]) if n is not None)) for span, date in found_dates]
    found += [(span, f"{h} {m}" if m else f"{h}") for span, (h, m) in found_times]
    for (start, end), numbers in sorted(found):
        if start < at:
            continue
        parts += [text[at:start], f" {numbers} "]
        at = end
    return "".join([*parts, text[at:]])
