"""Punctuation and spacing checks, named like Weblate's where they overlap.

- ``end_stop``, ``end_question``, ``end_exclamation``, ``end_colon``, ``end_ellipsis`` (Weblate's
  names): the sentence ends with different punctuation than its source (closing quotes and
  brackets looked through; a Serbian ordinal dot after a number, "2025.", is not a full stop).
- ``quotes``: the target's quotation marks are not its language's (``QUOTES``, configurable
  with DRAGOMAN_QUOTE_MARKS), or a quotation of the source is gone.
- ``brackets``: (), [] or {} left unbalanced where the source's balance; ``unbalanced_quotes``:
  an odd number of double quotation marks where the source has an even one.
- ``double_space`` (Weblate): two spaces in a row that the source does not have.
- ``begin_space`` / ``end_space`` (Weblate): leading / trailing whitespace differs.
- ``capital_start``: the source starts with a capital letter and the target with a small one.
"""

from __future__ import annotations

import re

from common.languages import base

END_STOP, END_QUESTION, END_EXCLAMATION = "end_stop", "end_question", "end_exclamation"
END_COLON, END_ELLIPSIS = "end_colon", "end_ellipsis"
QUOTES, BRACKETS, UNBALANCED_QUOTES = "quotes", "brackets", "unbalanced_quotes"
DOUBLE_SPACE, BEGIN_SPACE, END_SPACE, CAPITAL_START = "double_space", "begin_space", "end_space", "capital_start"

# Double quotation marks each language writes (outer, then inner pairs are single marks and not checked).
DEFAULT_QUOTES = {"en": "“”\"", "tr": "“”", "sq": "“”", "sr": "„“"}
DOUBLE_QUOTES = "\"“”„«»‟"
CLOSERS = "\"'“”„«»’‘‚)]}"
_ENDINGS = (("…", END_ELLIPSIS), ("...", END_ELLIPSIS), ("?", END_QUESTION), ("!", END_EXCLAMATION),
            (":", END_COLON), (".", END_STOP))
_ORDINAL_END = re.compile(r"\d\.$")
_LETTER = re.compile(r"[^\W\d_]")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKET = re.compile(r"[()\[\]{}]")
_DOUBLE_QUOTE = re.compile(f"[{DOUBLE_QUOTES}]")


def _ending(text: str) -> str | None:
    body = text.rstrip().rstrip(CLOSERS).rstrip()
    for mark, name in _ENDINGS:
        if body.endswith(mark):
            return name
    return None


def end_punctuation(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    src, tgt = _ending(source), _ending(target)
    if src == tgt:
        return []
    if src is None and tgt == END_STOP and base(target_lang) == "sr" and _ORDINAL_END.search(target.rstrip()):
        return []  # "9. oktobra 2025." ends a heading with the year's dot
    if tgt is None and src == END_STOP and base(source_lang) == "sr" and _ORDINAL_END.search(source.rstrip()):
        return []
    return [src or tgt]  # type: ignore[list-item]


def quote_marks(lang: str, overrides: dict[str, str] | None = None) -> str:
    """The double quotation marks ``lang`` writes: its own setting, its base language's, or the default."""
    overrides = overrides or {}
    return overrides.get(lang) or overrides.get(base(lang)) or DEFAULT_QUOTES.get(base(lang), DOUBLE_QUOTES)


def quotes(source: str, target: str, target_lang: str, overrides: dict[str, str] | None = None) -> list[str]:
    allowed = quote_marks(target_lang, overrides)
    used = _DOUBLE_QUOTE.findall(target)
    wrong = any(c not in allowed for c in used)
    lost = not used and _DOUBLE_QUOTE.search(source) is not None
    return [QUOTES] if wrong or lost else []


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for c in _BRACKET.findall(text):  # only the brackets, not every character
        if c in _PAIRS:
            stack.append(_PAIRS[c])
        elif not stack or stack.pop() != c:
            return False
    return not stack


def brackets(source: str, target: str) -> list[str]:
    flags = []
    if _balanced(source) and not _balanced(target):
        flags.append(BRACKETS)
    if len(_DOUBLE_QUOTE.findall(source)) % 2 == 0 and len(_DOUBLE_QUOTE.findall(target)) % 2:
        flags.append(UNBALANCED_QUOTES)
    return flags


def double_space(source: str, target: str) -> list[str]:
    return [DOUBLE_SPACE] if "  " in target.strip() and "  " not in source.strip() else []


def spaces(source: str, target: str) -> list[str]:
    flags = []
    if (source[:1].isspace()) != (target[:1].isspace()):
        flags.append(BEGIN_SPACE)
    if (source[-1:].isspace()) != (target[-1:].isspace()):
        flags.append(END_SPACE)
    return flags


def capital_start(source: str, target: str) -> list[str]:
    first_src, first_tgt = _LETTER.search(source), _LETTER.search(target)
    if first_src is None or first_tgt is None:
        return []
    if source[:first_src.start()].strip(CLOSERS + " —–-") or target[:first_tgt.start()].strip(CLOSERS + " —–-"):
        return []  # a number or symbol comes first
    return [CAPITAL_START] if first_src.group().isupper() and first_tgt.group().islower() else []
