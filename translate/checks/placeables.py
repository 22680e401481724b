"""Things a translation must carry over unchanged: ``urls``, ``emails``, ``mentions`` (@handles)
and ``hashtags``. Each flags a segment whose target does not hold exactly the source's (as
multisets; a trailing full stop or bracket after a URL is not part of it)."""

from __future__ import annotations

import re
from collections import Counter

URLS, EMAILS, MENTIONS, HASHTAGS = "urls", "emails", "mentions", "hashtags"

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”„«»]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{1,30}(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])\w+")
_TRAILING = ".,;:!?)]}'’"


def _found(pattern: re.Pattern[str], text: str, fold: bool = False) -> Counter[str]:
    items = (m.group().rstrip(_TRAILING) for m in pattern.finditer(text))
    return Counter(i.lower() if fold else i for i in items)


def _may_hold(text: str) -> bool:
    """Whether ``text`` can hold any placeable at all (each needs one of these): most sentences cannot."""
    return "@" in text or "#" in text or "://" in text or "www." in text.lower()


def placeables(source: str, target: str) -> list[str]:
    if not _may_hold(source) and not _may_hold(target):
        return []
    flags = []
    for name, pattern, fold in ((URLS, _URL, False), (EMAILS, _EMAIL, True), (MENTIONS, _MENTION, True),
                                (HASHTAGS, _HASHTAG, False)):
        if _found(pattern, source, fold) != _found(pattern, target, fold):
            flags.append(name)
    return flags
