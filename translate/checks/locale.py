"""What the checks need from CLDR, through Babel: number symbols, month and weekday names and
day-period markers of en, tr, sq, sr-Latn and sr-Cyrl (read once per language)."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names, get_period_names
from babel.numbers import get_decimal_symbol

from common.languages import base

BABEL = {"en": "en", "tr": "tr", "sq": "sq", "sr-Latn": "sr_Latn", "sr-Cyrl": "sr_Cyrl"}
# Extra spellings newsrooms use beside CLDR's: AP style "Sept." and "a.m."/"p.m."
EXTRA_MONTHS = {"en": {"sept": 9}}
EXTRA_PERIODS = {"en": {"a.m.": "am", "p.m.": "pm", "am": "am", "pm": "pm"}}
# Letters an inflected month name may add in each language (Albanian tetorit, Serbian oktobra/oktobru).
MONTH_SUFFIX = {"en": 0, "tr": 0, "sq": 3, "sr": 2}


def locale(lang: str) -> Locale:
    return Locale.parse(BABEL.get(lang) or BABEL.get(base(lang)) or "en")


@lru_cache(maxsize=16)
def decimal_symbol(lang: str) -> str:
    return get_decimal_symbol(locale(lang))


def _stems(name: str) -> set[str]:
    """A month name and, for Serbian -ar names, the stem its cases are built on (oktobar -> oktobr-a)."""
    forms = {name}
    if re.search(r"[^aeiou]ar$|[^аеиоу]ар$", name) and len(name) > 5:
        forms.add(name[:-2] + name[-1])
    return forms


@lru_cache(maxsize=16)
def months(lang: str) -> dict[str, int]:
    """Lower-case month forms (wide, abbreviated, case stems) -> month number."""
    loc, found = locale(lang), {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, loc).items():
                for form in _stems(name.lower().rstrip(".")):
                    found.setdefault(form, number)
    found.update(EXTRA_MONTHS.get(base(lang), {}))
    return found


@lru_cache(maxsize=16)
def month_pattern(lang: str) -> re.Pattern[str]:
    """A month word of ``lang``, inflected as the language does; group ``m`` is the CLDR form.
    English months count only capitalised ("may" is a verb)."""
    forms = sorted(months(lang), key=len, reverse=True)
    suffix = MONTH_SUFFIX.get(base(lang), 0)
    body = "|".join(re.escape(f[0].upper() + f[1:]) if base(lang) == "en" else re.escape(f) for f in forms)
    flags = 0 if base(lang) == "en" else re.IGNORECASE
    return re.compile(rf"(?<![^\W\d_])(?P<m>{body})[^\W\d_]{{0,{suffix}}}(?![^\W\d_])", flags)


@lru_cache(maxsize=16)
def periods(lang: str) -> dict[str, str]:
    """Lower-case day-period markers (AM/PM, ÖÖ/ÖS, p.d./m.d., ...) -> "am" or "pm"."""
    found: dict[str, str] = {}
    for width in ("abbreviated", "wide", "narrow"):
        names = get_period_names(width, "format", locale(lang))
        for key in ("am", "pm"):
            if key in names and len(names[key]) > 1:
                found[names[key].lower()] = key
    found.update(EXTRA_PERIODS.get(base(lang), {}))
    return found


@lru_cache(maxsize=16)
def calendar_words(lang: str) -> frozenset[str]:
    """Month and weekday names, lower-case: capitalised in English and Turkish, but not names."""
    days = {n.lower() for width in ("wide", "abbreviated") for n in get_day_names(width, locale=locale(lang)).values()}
    return frozenset(days | set(months(lang)))
