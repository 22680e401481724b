"""What the review desk's pages show, apart from HTTP: sessions, glossary highlighting, QA labels,
the job list query and the exports. ``desk.web`` holds the routes.

Article text only ever reaches a page through Jinja2's autoescaping or through ``markupsafe.escape``
(the glossary highlighting escapes each piece of text and joins them with the ``<mark>`` tags).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup, escape

from glossary.enforce import Enforcer
from glossary.match import Match
from translate import formats, inline
from translate.formats import markdown_inline

SESSION_COOKIE = "dragoman_session"
LOGIN_COOKIE = "dragoman_login"
SESSION_TTL = 12 * 3600
SESSION_SALT = "dragoman.desk.session"
PAGE_SIZE = 25

FLAG_LABELS = {
    "glossary_miss": "glossary miss",
    "forbidden_term": "forbidden term",
    "number_mismatch": "number mismatch",
    "untranslated": "untranslated copy",
    "empty": "empty",
    "truncated": "truncated",
    "repeated": "repeated words",
    "script_mix": "Serbian script mix",
    "length_ratio": "length ratio",
    "split": "split",
    "glossary_undecided": "glossary undecided",
    "glossary_recovered": "glossary recovered",
    "term_spelling": "term spelling to fix",
    "tm": "tm",
    "tags": "inline tags",
}
INFO_FLAGS = ("tm", "glossary_recovered")  # shown, but the segment needs no attention for them


# --- sessions -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    sub: str        # key id, or "admin" for the bootstrap admin key
    role: str
    name: str
    exp: int        # when it ends (signed at exp - SESSION_TTL; itsdangerous checks the age)
    csrf: str

    def payload(self) -> dict:
        return {"sub": self.sub, "role": self.role, "name": self.name, "csrf": self.csrf}


class _ClockedSigner(TimestampSigner):
    """itsdangerous' timestamp signer with a clock a test can set."""

    def __init__(self, *args, clock=time.time, **kwargs):
        super().__init__(*args, **kwargs)
        self.clock = clock

    def get_timestamp(self) -> int:
        return int(self.clock())


def session_keys(secrets_setting: str | list[str]) -> list[str]:
    """The secrets of ``DRAGOMAN_SESSION_SECRET`` (comma-separated): the first signs, all verify."""
    items = secrets_setting.split(",") if isinstance(secrets_setting, str) else secrets_setting
    keys = [k.strip() for k in items if k.strip()]
    if not keys:
        raise ValueError("no session secret")
    return keys


def _serializer(secrets_setting: str | list[str], now: float | None) -> URLSafeTimedSerializer:
    clock = time.time if now is None else (lambda: now)
    # itsdangerous signs with the LAST key of its list and accepts them all: ours signs with the first
    return URLSafeTimedSerializer(list(reversed(session_keys(secrets_setting))), salt=SESSION_SALT,
                                  signer=_ClockedSigner, signer_kwargs={"clock": clock})


def sign(secrets_setting: str | list[str], session: Session, now: float | None = None) -> str:
    """The cookie value of ``session``, signed with the first secret."""
    return _serializer(secrets_setting, now).dumps(session.payload())


def new_session(sub: str, role: str, name: str, now: float | None = None) -> Session:
    return Session(sub, role, name, int((now or time.time()) + SESSION_TTL), secrets.token_urlsafe(24))


def read_session(secrets_setting: str | list[str], token: str | None, now: float | None = None) -> Session | None:
    """The session in a cookie signed with any of the secrets within ``SESSION_TTL``; None if it was
    forged, mangled or is too old."""
    if not token:
        return None
    try:
        payload, signed_at = _serializer(secrets_setting, now).loads(token, max_age=SESSION_TTL,
                                                                     return_timestamp=True)
        session = Session(str(payload["sub"]), str(payload["role"]), str(payload["name"]),
                          int(signed_at.timestamp()) + SESSION_TTL, str(payload["csrf"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None
    return session if session.csrf else None


def same_token(expected: str, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


# --- QA flags -----------------------------------------------------------------------------------------
def flag_view(flags: list[str] | None, dismissed=()) -> list[dict]:
    """Badges for a segment's flags: the CSS class suffix, a readable label, the flag itself and
    whether a reviewer dismissed it."""
    return [{"name": re.sub(r"[^a-z0-9_-]", "", f.lower()) or "other", "label": FLAG_LABELS.get(f, f.replace("_", " ")),
             "code": f, "dismissed": f in dismissed} for f in flags or []]


def needs_attention(flags: list[str] | None, dismissed=()) -> bool:
    return any(f not in INFO_FLAGS and f not in dismissed for f in flags or [])


def segment_json(seg: dict, terms: Terms | None = None) -> dict:
    """A segment as the draft page's script gets it."""
    target = seg.get("target")
    dismissed = seg.get("dismissed") or {}
    return {"idx": seg["idx"], "target": target, "version": seg["version"], "status": seg["status"],
            "flags": flag_view(seg.get("flags"), dismissed), "flagged": needs_attention(seg.get("flags"), dismissed),
            "risk": seg.get("risk"), "risk_score": seg.get("risk_score"), "confidence": seg.get("confidence"),
            "target_html": str(chips(terms.target(target or "") if terms else escape(target or ""))),
            "target_edit": inline.readable(target or "")}


# --- glossary highlighting ---------------------------------------------------------------------------
def chips(html: Markup | str) -> Markup:
    """Escaped text with its inline tags (``translate.inline`` codes) as small chips nobody can edit."""
    html = html if isinstance(html, Markup) else escape(html)

    def chip(m: re.Match[str]) -> str:
        label = inline.readable(m.group())
        return (f'<span class="chip" contenteditable="false" data-code="{inline.key(m.group())}" '
                f'title="inline tag {label}">{label}</span>')

    return Markup(_CODES.sub(chip, str(html)))


_CODES = re.compile("[\U000f0000-\U000ffffd]")


def highlight(text: str, matches: list[Match], title_of) -> Markup:
    """``text`` with each match wrapped in <mark class="term">; every piece of text is escaped."""
    out: list[Markup] = []
    pos = 0
    for m in matches:
        out.append(escape(text[pos:m.start]))
        css = "term term-flagged" if m.flagged else "term"
        out.append(Markup('<mark class="') + escape(css) + Markup('" data-concept="') + escape(m.concept.id)
                   + Markup('" title="') + escape(title_of(m)) + Markup('">') + escape(text[m.start:m.end])
                   + Markup("</mark>"))
        pos = m.end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


class Terms:
    """The job's glossary for one direction: highlights terms in sources and targets."""

    def __init__(self, concepts: list, source_lang: str, target_lang: str):
        self.target_lang = target_lang
        self.enforcer = Enforcer(concepts, source_lang, target_lang)

    def _preferred(self, match: Match) -> str | None:
        term = match.concept.preferred(self.target_lang)
        return term.text if term else None

    def _source_title(self, match: Match) -> str:
        if match.flagged:
            preferred = self._preferred(match)
            return f"forbidden term; required: {preferred}" if preferred else "forbidden term"
        found = self.enforcer.target_form(match)
        if found is None:
            return f"glossary term ({match.concept.id}); no {self.target_lang} term"
        _term, form, exact = found
        return f"required: {form}" + ("" if exact else " (case undecided)")

    def _target_title(self, match: Match) -> str:
        preferred = self._preferred(match)
        if match.flagged:
            return f"forbidden term; required: {preferred}" if preferred else "forbidden term"
        return f"required: {preferred or match.form}"

    def source(self, text: str) -> Markup:
        return highlight(text, self.enforcer.source_matcher.find(text), self._source_title)

    def target(self, text: str) -> Markup:
        return highlight(text, self.enforcer.target_matcher.find(text), self._target_title)


# --- the job list ---------------------------------------------------------------------------------------
def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def list_jobs(store, state: str | None, lang: str | None, day_from: date | None, day_to: date | None,
              limit: int, offset: int) -> list[dict]:
    """Jobs newest first, filtered by state, language (source or target) and creation day (UTC, inclusive)."""
    start = datetime(day_from.year, day_from.month, day_from.day, tzinfo=UTC) if day_from else None
    end = datetime(day_to.year, day_to.month, day_to.day, tzinfo=UTC) + timedelta(days=1) if day_to else None
    found = store.jobs(state, lang, limit, offset, created_from=start, created_before=end)
    for job in found:
        job["targets"] = job["progress"]
    return found


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- exports --------------------------------------------------------------------------------------------
EXPORTS = {  # format -> (extension, media type)
    "txt": ("txt", "text/plain; charset=utf-8"),
    "md": ("md", "text/markdown; charset=utf-8"),
    "html": ("html", "text/html; charset=utf-8"),
    "xliff": ("xlf", "application/xliff+xml"),
}


def render_export(draft: dict, job: dict, fmt: str) -> tuple[bytes | str, str, str]:
    """A translated draft as ``fmt`` (one of ``EXPORTS``): the body, its media type and a file name."""
    from newsroom import xliff

    ext, media = EXPORTS[fmt]
    if fmt == "xliff":
        body: bytes | str = xliff.export_draft(draft, job["source_lang"], job["id"])
    elif fmt == "html" and job.get("format") == "markdown":
        body = export_markdown_html(draft, draft["target_lang"])
    elif fmt == "html" and job.get("format") != "html":
        body = export_html(draft, draft["target_lang"])  # an HTML job's draft renders as HTML already
    else:
        body = export_text(draft)
    return body, media, f"draft-{draft['id'][:8]}-{draft['target_lang']}.{ext}"


def model_lines(models: list[dict] | None) -> list[str]:
    """Per hop: which model (and revision) made it, as the draft page shows it."""
    lines = []
    for m in sorted(models or [], key=lambda m: m.get("hop", 0)):
        revision = f"revision {m['revision'][:12]}" if m.get("revision") else "no pinned revision"
        fixture = f", fixture {m['fixture']}" if m.get("fixture") else ""
        lines.append(f"hop {m.get('hop', 0) + 1} {m.get('direction', '')}: {m.get('model', '?')} ({revision}{fixture})")
    return lines


def export_text(draft: dict) -> str:
    """The article with the draft's targets, line for line like the source (txt and md)."""
    return formats.render_stored(draft)


_QUOTES = re.compile(r"^\s*((?:>\s?)*)\s*")
_HEADING = re.compile(r"(#{1,6})\s+")
_BULLET = re.compile(r"[-*+]\s+(?:\[[ xX]\]\s+)?")
_NUMBERED = re.compile(r"\d{1,9}[.)]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*[-*_](?:\s*[-*_]){2,}\s*$")


def _kind(prefix: str) -> tuple[bool, str, int]:
    """(inside a block quote, kind, heading level) of a block by its Markdown prefix."""
    m = _QUOTES.match(prefix)
    quoted, rest = ">" in m.group(1), prefix[m.end():]
    if h := _HEADING.match(rest):
        return quoted, "h", len(h.group(1))
    if _BULLET.match(rest):
        return quoted, "ul", 0
    if _NUMBERED.match(rest):
        return quoted, "ol", 0
    return quoted, "p", 0


def export_markdown_html(draft: dict, lang: str) -> str:
    """A Markdown draft as a standalone HTML document, rendered by markdown-it (links, emphasis, images,
    tables and footnotes as HTML; raw HTML in the article escaped)."""
    body, title = markdown_inline.to_html(formats.render_stored(draft))
    return _document(lang, title or "Draft " + draft["id"], body)


def _document(lang: str, title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def export_html(draft: dict, lang: str) -> str:
    """A standalone HTML document of the draft: headings, paragraphs, lists, block quotes, code."""
    blocks, texts = formats.stored_blocks(draft)
    body: list[str] = []
    open_list, open_quote, code = "", False, False
    title = ""

    def close_list():
        nonlocal open_list
        if open_list:
            body.append(f"</{open_list}>")
            open_list = ""

    def close_quote():
        nonlocal open_quote
        close_list()
        if open_quote:
            body.append("</blockquote>")
            open_quote = False

    for block, text in zip(blocks, texts, strict=True):
        if not block.translate:
            line = block.text
            if _FENCE.match(line):
                if not code:
                    close_quote()
                    body.append("<pre><code>")
                else:
                    body[-1] = body[-1].rstrip("\n")
                    body.append("</code></pre>")
                code = not code
            elif code:
                body.append(str(escape(line)) + "\n")
            elif not line.strip():
                close_quote()
            elif _RULE.match(line):
                close_quote()
                body.append("<hr>")
            else:
                close_list()
                body.append(f'<p class="verbatim">{escape(line.strip())}</p>')
            continue
        quoted, kind, level = _kind(block.prefix)
        content = escape(text.strip())
        if quoted != open_quote:
            close_quote()
            if quoted:
                body.append("<blockquote>")
                open_quote = True
        if kind in ("ul", "ol"):
            if open_list != kind:
                close_list()
                body.append(f"<{kind}>")
                open_list = kind
            body.append(f"<li>{content}</li>")
            continue
        close_list()
        if kind == "h":
            title = title or text.strip()
            body.append(f"<h{level}>{content}</h{level}>")
        else:
            body.append(f"<p>{content}</p>")
    if code:
        body.append("</code></pre>")
    close_quote()
    return _document(lang, title or "Draft " + draft["id"], "\n".join(body))
