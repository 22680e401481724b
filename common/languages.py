"""The languages dragoman translates between, as BCP 47 tags, and the names accepted for them.

Serbian is written in two scripts; ``sr`` alone means the configured default script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EN, TR, SQ, SR_LATN, SR_CYRL = "en", "tr", "sq", "sr-Latn", "sr-Cyrl"
LANGUAGES: tuple[str, ...] = (EN, TR, SQ, SR_LATN, SR_CYRL)

NAMES = {
    EN: "English",
    TR: "Turkish",
    SQ: "Albanian",
    SR_LATN: "Serbian (Latin)",
    SR_CYRL: "Serbian (Cyrillic)",
}

# Lower-cased language subtags and names -> tag; None: Serbian, whose script decides the tag.
_LANGS: dict[str, str | None] = {
    "en": EN, "eng": EN, "english": EN,
    "tr": TR, "tur": TR, "turkish": TR,
    "sq": SQ, "sqi": SQ, "alb": SQ, "albanian": SQ,
    "sr": None, "srp": None, "serbian": None,
}
_SERBIAN_SCRIPTS = {"latn": SR_LATN, "cyrl": SR_CYRL}
_SUBTAGS = re.compile(r"[-_]")


class LanguageError(ValueError):
    """An unknown language name, or a request that makes no sense (same source and target)."""


def _unknown(name: object, why: str = "") -> LanguageError:
    supported = ", ".join(LANGUAGES)
    return LanguageError(f"unknown language {name!r}{why}: dragoman translates between {supported} "
                         "(aliases such as eng, tur, sqi, srp and plain sr are accepted, with a region such "
                         "as tr-TR or sr-Cyrl-RS)")


def _subtags(name: object, parts: list[str]) -> tuple[str | None, str | None]:
    """The script and region subtags of a BCP 47 tag's tail (each at most once, script first)."""
    script = region = None
    for part in parts:
        if len(part) == 4 and part.isalpha() and script is None and region is None:
            script = part
        elif ((len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit())) and region is None:
            region = part
        else:
            raise _unknown(name, f" ({part!r} is not a script or region subtag)")
    return script, region


def normalize(name: str, default_serbian: str | None = SR_CYRL) -> str:
    """The one language-tag parser: the dragoman tag for a BCP 47 tag (any case, ``-`` or ``_``,
    with script and region subtags: ``sr-Cyrl-RS``, ``en-AU``, ``tr_TR``) or a name/alias
    (``eng``, ``Turkish``). Serbian without a script takes ``default_serbian``; with
    ``default_serbian=None`` it is refused (a file column must say its script). Raises
    LanguageError for anything else."""
    if not isinstance(name, str) or not name.strip():
        raise _unknown(name)
    parts = _SUBTAGS.split(name.strip().lower())
    if parts[0] not in _LANGS or any(not p.isalnum() or not p.isascii() for p in parts[1:]):
        raise _unknown(name)
    lang = _LANGS[parts[0]]
    script, _region = _subtags(name, parts[1:])
    if lang is not None:
        if script not in (None, "latn"):
            raise _unknown(name, f" ({NAMES[lang]} is written in Latin script)")
        return lang
    if script is not None:
        if script not in _SERBIAN_SCRIPTS:
            raise _unknown(name, " (Serbian is written in Latn or Cyrl)")
        return _SERBIAN_SCRIPTS[script]
    if default_serbian is None:
        raise LanguageError(f"{name!r} does not say which script: say sr-Latn or sr-Cyrl")
    if default_serbian.strip().lower().replace("_", "-") not in ("sr-latn", "sr-cyrl"):
        raise LanguageError(f"the default Serbian script must be sr-Latn or sr-Cyrl, not {default_serbian!r}")
    return _SERBIAN_SCRIPTS[default_serbian.strip().lower()[-4:]]


def parse_list(names: str | list[str], default_serbian: str = SR_CYRL) -> list[str]:
    """Parse "tr,sq,sr-Cyrl" (or a list) into distinct tags, keeping order."""
    items = names.split(",") if isinstance(names, str) else list(names)
    tags: list[str] = []
    for item in items:
        if item.strip():
            tag = normalize(item, default_serbian)
            if tag not in tags:
                tags.append(tag)
    if not tags:
        raise LanguageError("no target language given")
    return tags


def base(tag: str) -> str:
    """The language without its script: sr-Latn and sr-Cyrl are both "sr"."""
    return tag.split("-")[0]


def script(tag: str) -> str | None:
    """"Latn" or "Cyrl" for Serbian tags, None for the others."""
    return tag.split("-")[1] if "-" in tag else None


@dataclass(frozen=True)
class Direction:
    source: str
    target: str

    def __post_init__(self) -> None:
        for tag in (self.source, self.target):
            if tag not in LANGUAGES:
                raise LanguageError(f"unknown language {tag!r}")
        if self.source == self.target:
            raise LanguageError(f"source and target are the same language ({self.source})")

    @property
    def key(self) -> str:
        """Queue-friendly name such as "en-tr" or "en-sr" (scripts share one model)."""
        return f"{base(self.source)}-{base(self.target)}"

    def __str__(self) -> str:
        return f"{self.source}→{self.target}"
