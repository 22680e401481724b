"""The glossary step of the pipeline: protect terms before the engine, restore and verify after,
and recover when the model lost a protected term (retranslate without protection, keep the better
result, flag the segment). Works the same for direct and pivot directions: it wraps whatever
engine serves the direction."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from common.languages import Direction, base
from glossary.enforce import Enforcer, Protected, TermReport
from glossary.model import Concept
from translate.engine import Translation
from translate.serbian import to_script

GLOSSARY_MISS, FORBIDDEN_TERM = "glossary_miss", "forbidden_term"
GLOSSARY_UNDECIDED, GLOSSARY_RECOVERED = "glossary_undecided", "glossary_recovered"
TERM_SPELLING = "term_spelling"  # a term typed without its diacritics (Kosoves, Prishtine): a spelling to fix
TERM_FLAGS = (GLOSSARY_MISS, FORBIDDEN_TERM, GLOSSARY_UNDECIDED, GLOSSARY_RECOVERED, TERM_SPELLING)


@dataclass
class TermResult:
    translation: Translation
    report: TermReport
    flags: list[str]

    def report_dict(self) -> dict:
        return asdict(self.report)


def _latin(text: str) -> bool:
    return re.search(r"[A-Za-z]", text) is not None


def keep_latin(concepts: list[Concept]) -> set[str]:
    """Names Serbian Cyrillic output keeps in Latin letters: every Serbian Cyrillic term the glossary
    writes in Latin letters (the house spelling KFOR, with its forms), and the kept term of a ``keep``
    concept that has no Serbian Cyrillic term; with the Serbian Latin forms of those names (KFOR-a),
    whose ending the converter puts into Cyrillic."""
    kept: set[str] = set()
    for concept in concepts:
        cyrillic = concept.terms_in("sr-Cyrl")
        latin = [t for t in cyrillic if _latin(t.text)]
        if concept.kind == "keep" and not cyrillic:
            latin = [t for t in concept.terms if t.status == "preferred"]
        for term in latin:
            kept.update(term.surface_forms())
            kept.update(f for t in concept.terms_in("sr-Latn") if t.text == term.text for f in t.surface_forms())
    return kept


class TermStep:
    def __init__(self, concepts: list[Concept], direction: Direction):
        self.direction = direction
        self.enforcer = Enforcer(concepts, direction.source, direction.target)
        self.keep = keep_latin(concepts)
        self._protected: dict[str, Protected] = {}

    def prepare(self, sentences: list[str]) -> list[str]:
        """What the engine gets for each sentence: terms replaced by their target forms."""
        for s in sentences:
            if s not in self._protected:
                self._protected[s] = self.enforcer.protect(s)
        return [self._protected[s].text for s in sentences]

    def script(self, text: str) -> str:
        if base(self.direction.target) == "sr":
            return to_script(text, self.direction.target, self.keep)
        return text

    def finish(self, outputs: dict[str, Translation],
               retranslate: Callable[[list[str]], list[Translation]] | None) -> dict[str, TermResult]:
        """Restore and verify each sentence's output; retranslate failures without protection
        (when ``retranslate`` is given) and keep the better result."""
        results: dict[str, TermResult] = {}
        retry: list[str] = []
        for sentence, out in outputs.items():
            protected = self._protected.get(sentence) or self.enforcer.protect(sentence)
            text, problems = self.enforcer.restore(protected, out.text)
            text = self.script(text)
            report = self.enforcer.check(sentence, text)
            result = TermResult(_with_text(out, text), report, [])
            results[sentence] = result
            if problems or report.missing:
                retry.append(sentence)
        if retry and retranslate:
            for sentence, plain in zip(retry, retranslate(retry), strict=True):
                text = self.script(self.enforcer.house(plain.text))
                report = self.enforcer.check(sentence, text)
                first = results[sentence]
                if not report.missing:
                    results[sentence] = TermResult(_with_text(plain, text), report, [GLOSSARY_RECOVERED])
                elif len(report.missing) < len(first.report.missing):
                    results[sentence] = TermResult(_with_text(plain, text), report, [])
        for result in results.values():
            result.flags += report_flags(result.report)
        return results


def report_flags(report: TermReport) -> list[str]:
    """The flags a term report raises: a term missing, a forbidden one present, a case undecided, a term
    typed without its diacritics."""
    raised = ((GLOSSARY_MISS, report.missing), (FORBIDDEN_TERM, report.forbidden),
              (GLOSSARY_UNDECIDED, report.undecided), (TERM_SPELLING, report.misspelt))
    return [flag for flag, found in raised if found]


def _with_text(t: Translation, text: str) -> Translation:
    return Translation(text, t.score, t.truncated, t.parts)


def load_glossary(spec: str, database_url: str, version: int | None = None) -> tuple[list[Concept], int | None]:
    """The concepts (and store version) named by ``spec``: ``db`` for the stored glossary (now, or
    exactly as it stood at ``version``), ``seed`` for the built-in newsroom glossary, or the path
    of a CSV/TBX file."""
    if spec == "db":
        from glossary.store import shared_store

        store = shared_store(database_url)
        version = store.version() if version is None else version
        return (store.concepts(version) if version else []), version
    if spec == "seed":
        from glossary.seed import load_seed

        return load_seed(), None
    from glossary.formats import load

    return load(spec), None



GLOSSARY_CACHE = 8  # glossary versions a process keeps loaded


def cached_glossary(cache: dict, spec: str, version: int | None, database_url: str,
                    size: int = GLOSSARY_CACHE) -> list[Concept] | None:
    """The concepts of glossary ``spec`` at ``version`` (the one a job recorded), from ``cache``, keyed by
    (spec, version), which keeps the ``size`` most recently loaded; None for no glossary. A job submitted
    after a glossary change gets the new concepts, one submitted before keeps the old."""
    if not spec:
        return None
    key = (spec, version)
    if key not in cache:
        if len(cache) >= size:
            cache.pop(next(iter(cache)))
        cache[key] = load_glossary(spec, database_url, version)[0]
    return cache[key]
