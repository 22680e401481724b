"""The article pipeline: text in, a ``Draft`` of flagged segments out.

parse the format into blocks (lines, or HTML units) -> split each into sentences (across inline
tags, ``translate.inline``) -> translate the distinct sentences in length order through the
direction's engine (in chunks, for progress) -> Serbian script -> QA flags -> a Draft whose
``render()`` gives the article back in its format and framing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from common.languages import Direction, base
from glossary.model import Concept
from translate import formats, inline, qa
from translate.engine import Engine, Translation
from translate.serbian import to_script
from translate.terms import TermStep

MAX_ARTICLE_BYTES = 2_000_000
CHUNK = 64  # sentences per engine call: granularity of progress reports


class ArticleError(ValueError):
    """The article cannot be translated as given (empty, binary, too large)."""


@dataclass
class Segment:
    index: int
    block: int          # the line of the article it belongs to
    source: str
    target: str = ""
    space_after: str = ""
    flags: list[str] = field(default_factory=list)
    score: float | None = None
    terms: dict | None = None   # glossary report: expected, found, missing, forbidden, undecided


@dataclass
class Draft:
    source_lang: str
    target_lang: str
    format: str
    blocks: list[formats.Block]
    segments: list[Segment]
    glossary_version: int | None = None

    def block_texts(self) -> list[str]:
        parts: list[list[str]] = [[] for _ in self.blocks]  # joined once: += on a list item copies (quadratic)
        for seg in self.segments:
            parts[seg.block] += (seg.target, seg.space_after)
        return ["".join(p) for p in parts]

    def render(self) -> str:
        return formats.render(self.blocks, self.block_texts())

    @property
    def notes(self) -> list[str]:
        """What the format says about the article (an HTML document repaired before translation)."""
        return formats.notes(self.blocks)

    @property
    def term_accuracy(self) -> float | None:
        """Share of the glossary terms the draft had to name that it names in the right form."""
        reports = [s.terms for s in self.segments if s.terms]
        expected = sum(len(r["expected"]) for r in reports)
        return sum(len(r["found"]) for r in reports) / expected if expected else None

    @property
    def flagged(self) -> list[Segment]:
        return [s for s in self.segments if s.flags]

    def to_dict(self) -> dict:
        return {"source_lang": self.source_lang, "target_lang": self.target_lang, "format": self.format,
                "glossary_version": self.glossary_version, "term_accuracy": self.term_accuracy, "notes": self.notes,
                "blocks": [asdict(b) for b in self.blocks], "segments": [asdict(s) for s in self.segments]}


def validate(text: str, max_bytes: int = MAX_ARTICLE_BYTES) -> None:
    if "\x00" in text:
        raise ArticleError("the article contains NUL bytes: it looks like a binary file, not text")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ArticleError(f"the article is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB "
                           "(split it, or raise DRAGOMAN_MAX_ARTICLE_BYTES)")
    if not text.lstrip("\ufeff").strip():
        raise ArticleError("the article is empty")
    if reserved := inline.RESERVED.search(text):
        raise ArticleError(f"the article contains U+{ord(reserved.group()):X}, from the private use plane that "
                           "dragoman keeps for inline markup; remove such characters and try again")


def decode(data: bytes) -> str:
    """Bytes of an uploaded or read article to text, with a clear error for non-UTF-8 input. A BOM
    and the line endings stay: the format records them and the rendered article gets them back
    (``translate.formats.framing``)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(f"the article is not valid UTF-8 (byte {exc.start}, line {line}); "
                           "save it as UTF-8 and try again") from exc
    return text


def segment(text: str, source_lang: str, fmt: str) -> tuple[list[formats.Block], list[Segment]]:
    try:
        blocks = formats.parse(text, fmt)
    except inline.TooManyCodes as exc:  # a paragraph of tens of thousands of tags: refused, like an oversize article
        raise ArticleError(f"{exc}; split it or send it as text") from exc
    segments: list[Segment] = []
    for i, block in enumerate(blocks):
        if not block.translate:
            continue
        for sentence in inline.split(block.text, source_lang):
            segments.append(Segment(len(segments), i, sentence.text, space_after=sentence.space_after))
    return blocks, segments


class Run:
    """One direction's translation of segments, in pieces: ``inputs`` gives what the engine must
    translate (terms protected), ``finish`` turns the engine's outputs into finished segments
    (terms restored and verified, Serbian script, QA flags). ``translate_article`` strings them
    together; a queue worker calls them per chunk and per hop."""

    def __init__(self, direction: Direction, glossary: list[Concept] | None = None,
                 glossary_version: int | None = None):
        self.direction, self.glossary_version = direction, glossary_version
        self.terms = TermStep(glossary, direction) if glossary else None

    def inputs(self, sentences: list[str]) -> list[str]:
        return self.terms.prepare(sentences) if self.terms else list(sentences)

    def known_names(self, source: str) -> set[str]:
        """Words of ``source`` inside glossary terms: the glossary checks them, not the name check."""
        if not self.terms:
            return set()
        return {w for m in self.terms.enforcer.source_matches(source) for w in m.text.replace("'", " ").split()}

    def finish(self, segments: list[Segment], outputs: dict[str, Translation],
               retranslate: Callable[[list[str]], list[Translation]] | None = None) -> None:
        """Fill in target, score, flags and term report of ``segments`` from ``outputs``
        (source sentence -> raw engine output)."""
        direction = self.direction
        checked = self.terms.finish(outputs, retranslate) if self.terms else {}
        for seg in segments:
            if self.terms:
                term_result = checked[seg.source]
                result = term_result.translation
                seg.terms = {**term_result.report_dict(), "glossary_version": self.glossary_version}
            else:
                result = outputs[seg.source]
                if base(direction.target) == "sr":
                    result = Translation(to_script(result.text, direction.target), result.score,
                                         result.truncated, result.parts)
            seg.target, seg.score = result.text, result.score
            seg.flags = qa.check(seg.source, result, direction.source, direction.target,
                                 self.terms.keep if self.terms else (), self.known_names(seg.source))
            if self.terms:
                seg.flags += term_result.flags


def translate_article(text: str, direction: Direction, engine: Engine, fmt: str = "markdown",
                      progress: Callable[[int, int], None] | None = None,
                      max_bytes: int = MAX_ARTICLE_BYTES, glossary: list[Concept] | None = None,
                      glossary_version: int | None = None, chunk: int = CHUNK) -> Draft:
    """Translate an article with ``engine`` (bound to ``direction``), enforcing ``glossary`` if
    given; ``progress(done, total)`` is called as sentences complete."""
    validate(text, max_bytes)
    blocks, segments = segment(text, direction.source, fmt)
    run = Run(direction, glossary, glossary_version)
    unique = sorted(dict.fromkeys(s.source for s in segments), key=len)
    by_source: dict[str, list[Segment]] = {}
    for seg in segments:
        by_source.setdefault(seg.source, []).append(seg)
    chunks = [unique[start:start + chunk] for start in range(0, len(unique), chunk)]
    with ThreadPoolExecutor(1, thread_name_prefix="dragoman-engine") as ahead:
        # the engine translates the next chunk while this thread finishes the last one (terms,
        # script, QA): a GPU decodes faster than Python checks, so the two overlap
        pending = ahead.submit(engine.translate, run.inputs(chunks[0])) if chunks else None
        done = 0
        for k, part in enumerate(chunks):
            outputs = dict(zip(part, pending.result(), strict=True))
            if k + 1 < len(chunks):
                pending = ahead.submit(engine.translate, run.inputs(chunks[k + 1]))
            run.finish([seg for s in part for seg in by_source[s]], outputs, engine.translate)
            done += len(part)
            if progress:
                progress(done, len(unique))
    return Draft(direction.source, direction.target, fmt, blocks, segments, glossary_version)
