"""The languages dragoman translates between, as BCP 47 tags, and the names accepted for them.

Serbian is written in two scripts; ``sr`` alone means the configured default script.
"""

from __future__ import annotations

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

# Lower-cased aliases -> tag. "sr" and "srp" are resolved against the default script.
_ALIASES = {
    "en": EN, "eng": EN, "english": EN, "en-us": EN, "en-gb": EN,
    "tr": TR, "tur": TR, "turkish": TR, "tr-tr": TR,
    "sq": SQ, "sqi": SQ, "alb": SQ, "albanian": SQ, "sq-al": SQ, "sq-xk": SQ,
    "sr-latn": SR_LATN, "srp_latn": SR_LATN, "sr_latn": SR_LATN, "srp-latn": SR_LATN,
    "sr-cyrl": SR_CYRL, "srp_cyrl": SR_CYRL, "sr_cyrl": SR_CYRL, "srp-cyrl": SR_CYRL,
}
_SERBIAN_BARE = {"sr", "srp", "serbian", "sr-rs"}


class LanguageError(ValueError):
    """An unknown language name, or a request that makes no sense (same source and target)."""


def normalize(name: str, default_serbian: str = SR_CYRL) -> str:
    """Return the BCP 47 tag for a language name or alias; raise LanguageError if unknown."""
    key = (name or "").strip().lower().replace(" ", "")
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _SERBIAN_BARE:
        tag = normalize(default_serbian)
        if tag not in (SR_LATN, SR_CYRL):
            raise LanguageError(f"the default Serbian script must be sr-Latn or sr-Cyrl, not {default_serbian!r}")
        return tag
    supported = ", ".join(LANGUAGES)
    raise LanguageError(f"unknown language {name!r}: dragoman translates between {supported} "
                        "(aliases such as eng, tur, sqi, srp and plain sr are accepted)")


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
