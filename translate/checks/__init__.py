"""Newsroom QA checks on one segment, each a function of its own (one module per kind), run by
``translate.qa.check`` after the model-level checks. Flags, and where they come from:

| flag | module | what |
|---|---|---|
| end_stop, end_question, end_exclamation, end_colon, end_ellipsis | punctuation | the ending differs |
| quotes | punctuation | quotation marks not the target language's, or lost |
| brackets, unbalanced_quotes | punctuation | left unbalanced |
| double_space, begin_space, end_space | punctuation | spacing differs |
| capital_start | punctuation | capital in the source, small letter in the target |
| urls, emails, mentions, hashtags | placeables | not carried over unchanged |
| date_mismatch, time_mismatch | datetimes | dates or clock times differ (CLDR month names) |
| name_missing | names | a name of the source is not in the target |
"""

from __future__ import annotations

from collections.abc import Collection

from translate.checks import datetimes, names, placeables, punctuation

CHECK_FLAGS = (
    punctuation.END_STOP, punctuation.END_QUESTION, punctuation.END_EXCLAMATION, punctuation.END_COLON,
    punctuation.END_ELLIPSIS, punctuation.QUOTES, punctuation.BRACKETS, punctuation.UNBALANCED_QUOTES,
    punctuation.DOUBLE_SPACE, punctuation.BEGIN_SPACE, punctuation.END_SPACE, punctuation.CAPITAL_START,
    placeables.URLS, placeables.EMAILS, placeables.MENTIONS, placeables.HASHTAGS,
    datetimes.DATE_MISMATCH, datetimes.TIME_MISMATCH, names.NAME_MISSING,
)


def run(source: str, target: str, source_lang: str, target_lang: str, known_names: Collection[str] = (),
        quote_marks: dict[str, str] | None = None) -> list[str]:
    """Every newsroom check's flags for one segment, in ``CHECK_FLAGS`` order. ``known_names``:
    words the glossary already checks; ``quote_marks``: per-language overrides of the quotation marks."""
    found = [
        *punctuation.end_punctuation(source, target, source_lang, target_lang),
        *punctuation.quotes(source, target, target_lang, quote_marks),
        *punctuation.brackets(source, target),
        *punctuation.double_space(source, target),
        *punctuation.spaces(source, target),
        *punctuation.capital_start(source, target),
        *placeables.placeables(source, target),
        *datetimes.date_mismatch(source, target, source_lang, target_lang),
        *datetimes.time_mismatch(source, target, source_lang, target_lang),
        *names.name_missing(source, target, source_lang, frozenset(known_names)),
    ]
    return [flag for flag in CHECK_FLAGS if flag in found]
