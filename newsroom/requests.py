"""The one way in: every article that enters dragoman (``dragoman translate`` and ``dragoman submit``,
``POST /jobs`` as JSON or a file upload, ``POST /translate`` item by item, and the review desk's
New job form) is checked here, by ``prepare``, into an immutable ``ArticleRequest``;
``JobService.submit`` stores and dispatches only such a request.

The rules, in the order ``prepare`` checks them, and what a refusal is (``RequestError.kind``):

- source, targets, format, glossary, priority: strings of at most ``MAX_FIELD``
  characters (and at most ``MAX_TARGETS`` targets), before anything reads them       invalid
- text: bytes are decoded as UTF-8 (the byte and line of a bad byte are named)        unreadable
- text: at most ``Settings.max_article_bytes`` bytes of UTF-8                         too_large
- text: no NUL bytes, not empty or blank, no unpaired surrogates                      unreadable
- format: one of ``translate.formats.FORMATS`` (a caller's default when omitted)      invalid
- targets: a list or a comma-separated string of language tags or names (region
  subtags such as ``tr-TR`` or ``sr-Cyrl-RS`` accepted); aliases and duplicates
  collapse, the source is dropped, and at least one must be left                     language
- source: a tag or name; omitted, ``""`` or ``"auto"``: detected from the text        language / undetected
  (with the detector's note, "possibly hr/bs" for Croatian-leaning Serbian Latin)
- priority: a whole number in ``PRIORITIES`` (0 lowest ... 9 most urgent; not a bool)  invalid
- callback_url: http:// or https://, no control characters, at most 2000 characters,
  no credentials, a host that is not (and does not resolve to) a private, loopback,
  link-local or metadata address (``newsroom.webhooks``; unless
  ``Settings.callback_allow_private``)                                               invalid
- glossary: ``""``, ``"db"`` or ``"seed"`` (a CSV/TBX file only from the command
  line); it is loaded to check it, and its version recorded                          glossary

Each kind maps to one HTTP status (``HTTP_STATUS``) and one exit code of the command line
(``EXIT_CODE``); shape errors of a request body (not a JSON object, a missing LibreTranslate
parameter) are ``malformed``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from common.languages import Direction, LanguageError, normalize
from common.settings import Settings
from glossary.model import GlossaryError
from newsroom import webhooks
from translate.detect import Detection, DetectionError, detect, label
from translate.formats import FORMATS
from translate.pipeline import ArticleError, decode, validate

__all__ = ["EXIT_CODE", "FIELDS", "GLOSSARIES", "HTTP_STATUS", "PRIORITIES", "ArticleRequest", "RequestError",
           "celery_priority", "parse_targets", "prepare"]

# --- refusals -----------------------------------------------------------------------------------------
MALFORMED, UNREADABLE, TOO_LARGE, UNDETECTED = "malformed", "unreadable", "too_large", "undetected"
INVALID, LANGUAGE, GLOSSARY = "invalid", "language", "glossary"
EXIT_USAGE, EXIT_INPUT = 2, 3  # the command line's codes: bad usage or language; an article it cannot take
HTTP_STATUS = {MALFORMED: 400, UNREADABLE: 400, UNDETECTED: 400, TOO_LARGE: 413,
               INVALID: 422, LANGUAGE: 422, GLOSSARY: 422}
EXIT_CODE = {MALFORMED: EXIT_USAGE, INVALID: EXIT_USAGE, LANGUAGE: EXIT_USAGE, UNDETECTED: EXIT_USAGE,
             UNREADABLE: EXIT_INPUT, TOO_LARGE: EXIT_INPUT, GLOSSARY: EXIT_INPUT}


class RequestError(ValueError):
    """A request dragoman refuses; ``kind`` says why, ``status`` and ``exit_code`` how to answer."""

    def __init__(self, kind: str, message: str):
        if kind not in HTTP_STATUS:
            raise ValueError(f"unknown request error kind {kind!r}")
        super().__init__(message)
        self.kind, self.message = kind, message

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.kind]

    @property
    def exit_code(self) -> int:
        return EXIT_CODE[self.kind]


# --- the values -----------------------------------------------------------------------------------------
FIELDS = ("text", "source", "targets", "format", "glossary", "priority", "callback_url")
GLOSSARIES = ("", "db", "seed")   # over HTTP and in the desk: a file path would read the server's disk
PRIORITIES = range(10)            # 0 lowest ... 9 most urgent
DEFAULT_PRIORITY = 5
MAX_CALLBACK = 2000
MAX_FIELD = 200                   # characters of a short field (a language, a format, a glossary name)
MAX_TARGETS = 20
SHORT_FIELDS = ("source", "targets", "format", "glossary", "priority")
AUTO = "auto"
GIVE_SOURCE = 'say which language it is in ("source", or --from on the command line)'
_WHOLE_NUMBER = re.compile(r"\s*[-+]?\d{1,6}\s*")


def celery_priority(priority: int) -> int:
    """Celery's priority for a dragoman priority: its Redis transport serves 0 first, dragoman's most
    urgent is 9."""
    return PRIORITIES[-1] - min(max(priority, PRIORITIES[0]), PRIORITIES[-1])


@dataclass(frozen=True)
class ArticleRequest:
    """An article and what to do with it, checked. Build it with ``prepare``."""

    text: str
    source: str
    targets: tuple[str, ...]
    format: str = "markdown"
    glossary: str = ""
    glossary_version: int | None = None
    priority: int = DEFAULT_PRIORITY
    callback_url: str = ""
    confidence: float | None = None     # of the language detection; None when the source was given
    concepts: tuple = field(default=(), repr=False, compare=False)  # the glossary, as loaded
    detection_note: str = ""            # the detector's note on the source ("possibly hr/bs"), if any

    @property
    def detected(self) -> bool:
        return self.confidence is not None

    @property
    def source_label(self) -> str:
        """The source as the reader is told it: ``sr-Latn (possibly hr/bs)`` with a detection note."""
        return label(self.source, self.detection_note)

    @property
    def directions(self) -> tuple[Direction, ...]:
        return tuple(Direction(self.source, target) for target in self.targets)


def prepare(fields: Mapping[str, Any], settings: Settings, *, glossaries: Collection[str] | None = GLOSSARIES,
            default_format: str = "markdown", detect_from: str = "", same_language_ok: bool = False) -> ArticleRequest:
    """Check ``fields`` (the names in ``FIELDS``; others are ignored) into an ``ArticleRequest``, or
    raise ``RequestError``.

    ``glossaries``: the glossary names allowed (None: any, and files: the command line);
    ``default_format``: the format when none is given (from a file name, say); ``detect_from``: a
    longer text whose language an article too short to tell takes (the other items of a /translate
    batch); ``same_language_ok``: an article already in every target language gives a request with
    no targets instead of an error (/translate hands such items back as they are)."""
    if not isinstance(fields, Mapping):
        raise RequestError(MALFORMED, "the request must be an object of fields (a JSON object or a form)")
    _bounded(fields)
    text = _text(fields.get("text"), settings.max_article_bytes)
    fmt = _format(fields.get("format"), default_format)
    targets = parse_targets(fields.get("targets"), settings.serbian_script)
    source, detection = _source(fields.get("source"), text, settings.serbian_script, detect_from)
    targets = tuple(t for t in targets if t != source)
    if not targets and not same_language_ok:
        raise RequestError(LANGUAGE, f"every target is the source language ({source}): nothing to translate")
    priority = _priority(fields.get("priority"))
    callback = _callback(fields.get("callback_url"), settings.callback_allow_private)
    spec, concepts, version = _glossary(fields.get("glossary"), glossaries, settings.database_url)
    return ArticleRequest(text, source, targets, fmt, spec, version, priority, callback,
                          detection.confidence if detection else None, tuple(concepts),
                          detection.note if detection else "")


# --- one check per field ----------------------------------------------------------------------------------
def _bounded(fields: Mapping[str, Any]) -> None:
    """The short fields are short, so that none is parsed, quoted back in an error or stored at length."""
    for name in SHORT_FIELDS:
        value = fields.get(name)
        items = value if isinstance(value, list | tuple) and name == "targets" else [value]
        if len(items) > MAX_TARGETS:
            raise RequestError(INVALID, f"targets: at most {MAX_TARGETS} languages")
        if any(isinstance(v, str) and len(v) > MAX_FIELD for v in items):
            raise RequestError(INVALID, f"{name} is longer than {MAX_FIELD} characters")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_large(limit: int) -> RequestError:
    return RequestError(TOO_LARGE, f"the article is larger than the limit of {limit:,} bytes "
                                   "(split it, or raise DRAGOMAN_MAX_ARTICLE_BYTES)")


def _text(value: object, limit: int) -> str:
    if value is None:
        raise RequestError(INVALID, "text is missing: send the article as text (or upload it as a file)")
    if isinstance(value, bytes | bytearray):
        if len(value) > limit:
            raise _too_large(limit)
        value = _unless_article_error(decode, bytes(value))
    if not isinstance(value, str):
        raise RequestError(INVALID, f"text must be a string, not {type(value).__name__}")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise RequestError(UNREADABLE, "the article contains invalid characters (unpaired surrogates)") from None
    if size > limit:
        raise _too_large(limit)
    _unless_article_error(validate, value, limit)
    return value


def _unless_article_error(check, *args):
    try:
        return check(*args)
    except ArticleError as exc:
        raise RequestError(UNREADABLE, str(exc)) from exc


def _format(value: object, default: str) -> str:
    fmt = default if value is None or value == "" else value
    if fmt not in FORMATS:
        raise RequestError(INVALID, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def parse_targets(value: object, default_serbian: str) -> tuple[str, ...]:
    """The distinct target tags of a list or a comma-separated string, in order (aliases collapse)."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = list(value)
    elif value is None:
        items = []
    else:
        raise RequestError(INVALID, 'targets must be a list of language tags or a string such as "tr,sq"')
    tags: list[str] = []
    for item in filter(str.strip, items):
        tag = _language(item, default_serbian)
        if tag not in tags:
            tags.append(tag)
    if not tags:
        raise RequestError(LANGUAGE, "no target language given: choose at least one target language")
    return tuple(tags)


def _language(name: str, default_serbian: str) -> str:
    try:
        return normalize(name, default_serbian)
    except LanguageError as exc:
        raise RequestError(LANGUAGE, str(exc)) from exc


def _source(value: object, text: str, default_serbian: str, detect_from: str) -> tuple[str, Detection | None]:
    if value is not None and not isinstance(value, str):
        raise RequestError(INVALID, "source must be a language tag (or auto)")
    if value and value.strip().lower() != AUTO:
        return _language(value, default_serbian), None
    try:
        detection = _detect(text, detect_from)
    except DetectionError as exc:
        reason = str(exc).split("; give it")[0]
        raise RequestError(UNDETECTED, f"{reason}; {GIVE_SOURCE}") from exc
    return detection.language, detection


def _detect(text: str, fallback: str) -> Detection:
    try:
        return detect(text)
    except DetectionError:
        if not fallback or fallback == text:
            raise
        return detect(fallback)


def _priority(value: object) -> int:
    if value is None or value == "":
        return DEFAULT_PRIORITY
    number = value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int) or number not in PRIORITIES:
        shown = number if isinstance(number, int) and not isinstance(number, bool) else repr(value)
        raise RequestError(INVALID, f"priority must be a whole number from {PRIORITIES[0]} to {PRIORITIES[-1]} "
                                    f"({PRIORITIES[-1]} = most urgent), not {shown}")
    return number


def _callback(value: object, allow_private: bool = False) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise RequestError(INVALID, "callback_url must be a string")
    if len(value) > MAX_CALLBACK:
        raise RequestError(INVALID, f"callback_url is longer than {MAX_CALLBACK} characters")
    if not _encodable(value):
        raise RequestError(INVALID, "callback_url contains invalid characters (unpaired surrogates)")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise RequestError(INVALID, "callback_url must not contain control characters")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RequestError(INVALID, "callback_url must be an http:// or https:// URL")
    try:
        return webhooks.check_url(value, allow_private)
    except webhooks.WebhookError as exc:
        raise RequestError(INVALID, f"callback_url {exc}") from exc


def _glossary(value: object, allowed: Collection[str] | None, database_url: str) -> tuple[str, list, int | None]:
    spec = "" if value is None else value
    if not isinstance(spec, str):
        raise RequestError(INVALID, "glossary must be a string")
    if allowed is not None and spec not in allowed:
        names = " or ".join(repr(g) for g in allowed if g)
        raise RequestError(GLOSSARY, f"unknown glossary {spec!r}: expected {names}, or none (glossary files are "
                                     "read only by the command line)")
    if not spec:
        return "", [], None
    from translate.terms import load_glossary

    try:
        concepts, version = load_glossary(spec, database_url)
    except (GlossaryError, OSError) as exc:
        raise RequestError(GLOSSARY, f"glossary {spec}: {exc}") from exc
    return spec, concepts, version
