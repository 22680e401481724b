"""A small offline language identifier for exactly dragoman's languages: en, tr, sq, sr-Latn, sr-Cyrl.

Cyrillic letters mean Serbian in Cyrillic. Latin text is weighed as evidence for each language
(``evidence``): the character n-grams of its words, read without diacritics so that text typed
without them is told too (``ngrams``: profiles counted from prose written for this, shipped as
``profiles.json``), its frequent short words, the suffixes after an apostrophe (Turkish *'da*,
English *'s*) and the letters each language uses. Lower-case words weigh most, capitalised ones
(names, mostly) little, all-capital ones and dotted acronyms (U.S., E.U.) nothing (``tokens``).
The language with the most evidence wins when it leads the next by ``MARGIN``, or by ``SHORT_MARGIN``
when at least two lower-case words each point to it and none elsewhere; a thin text (fewer than three
words, or less weight than one and a half lower-case words) or a short lead must not rest on any single
word; names alone decide nothing. Otherwise the text is too thin to tell and DetectionError asks for the language.
Serbian Latin text that reads Croatian or Bosnian (ijekavian forms, Croatian words) is still
sr-Latn, with the note "possibly hr/bs" (``croatian``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from common.languages import SR_CYRL, SR_LATN
from translate.detect import evidence
from translate.detect.croatian import leaning
from translate.detect.tokens import words

SAMPLE = 20_000         # characters read from the start of a text
MIN_WORDS = 2           # "Kosovë" or "Београд" alone is a name more often than a text
MIN_LETTERS = 8         # "the end", "ve bu", "je u": too few letters to tell, whatever the words
MARGIN = 8.0            # nats by which the best language must lead the second (see README: Language detection)
SHORT_MARGIN = 5.0      # ... or this many when its words in lower case agree (``_decided``)
THIN_WORDS = 3          # a text of fewer words, or of less weight than one and a half lower-case words
THIN_WEIGHT = 1.5       # (capitalised ones weigh 0.3), is thin: no single word of it may decide
_CONFIDENCE_SCALE = MARGIN / math.log(4 / 3)  # a lead of MARGIN is a confidence of 0.25
POSSIBLY_HR_BS = "possibly hr/bs"


def label(language: str, note: str = "") -> str:
    """A language as the reader is told it: ``sr-Latn (possibly hr/bs)`` with a note, else the tag."""
    return f"{language} ({note})" if note else language


class DetectionError(ValueError):
    """The language cannot be told with confidence; the caller should be asked for it."""


class _Pair(NamedTuple):
    language: str
    confidence: float


class Detection(_Pair):
    """``(language, confidence)`` as ``detect`` has always returned it (it unpacks and indexes as
    that pair), with a ``note`` for the reader: ``"possibly hr/bs"`` when Serbian Latin text reads
    Croatian or Bosnian, else ``""``."""

    note: str = ""

    def __new__(cls, language: str, confidence: float, note: str = "") -> Detection:
        self = super().__new__(cls, language, confidence)
        self.note = note
        return self

    def __repr__(self) -> str:
        return f"Detection(language={self.language!r}, confidence={self.confidence!r}, note={self.note!r})"

    @property
    def label(self) -> str:
        """The language as the reader is told it: ``sr-Latn (possibly hr/bs)``, or just the tag."""
        return label(self.language, self.note)


def scores(text: str) -> dict[str, float]:
    """The evidence (nats above the weakest language) for each Latin-script language of ``text``."""
    return evidence.scores(words(text[:SAMPLE]))


def _backed(found: list[evidence.Item], summed: list[float], best: int) -> bool:
    """Whether ``best`` still leads without any one of the words (or suffixes) ``found``."""
    for item in found:
        rest = [value - item.times * own for value, own in zip(summed, item.evidence, strict=True)]
        if any(value >= rest[best] for i, value in enumerate(rest) if i != best):
            return False
    return True


def _decided(found: list[evidence.Item], summed: list[float], best: int, lead: float, thin: bool,
             marked: bool = False) -> bool:
    """Whether a lead of ``lead`` nats decides for ``best``: ``MARGIN``, or ``SHORT_MARGIN`` when at least
    two words in lower case (or suffixes) each point to it and none elsewhere. No single word decides
    a short lead, nor a ``thin`` text unless a lower-case word has a letter only the best language uses
    (``marked``: such letters are evidence the n-grams of one word are not)."""
    full = [item for item in found if item.full]
    if lead < MARGIN and (lead < SHORT_MARGIN or len(full) < 2
                          or any(max(item.evidence) > item.evidence[best] for item in full)):
        return False
    return (lead >= MARGIN and (not thin or marked)) or _backed(found, summed, best)


def detect(text: str) -> Detection:
    """The most likely language of ``text`` and a confidence in [0, 1] (and a note); raises
    DetectionError when the text is too short or too ambiguous to tell."""
    sample = text[:SAMPLE]
    seen = words(sample)
    if seen.tokens < MIN_WORDS or seen.cyrillic + seen.latin < MIN_LETTERS:
        raise DetectionError("the text is too short to tell its language; give it with --from")
    if seen.cyrillic:  # the script first: the share of Cyrillic letters against Latin ones
        share = seen.cyrillic / (seen.cyrillic + seen.latin)
        if abs(2 * share - 1) / max(share, 1 - share) < 0.25:
            raise DetectionError(f"the language is unclear ({SR_CYRL} or Latin script); give it with --from")
        if share > 0.5:
            return Detection(SR_CYRL, round((2 * share - 1) / share, 3))
    found = evidence.items(seen)
    if not any(item.full for item in found):  # names alone (capitalised words) carry their own languages
        raise DetectionError("cannot tell the language of this text; give it with --from")
    summed = evidence.total(found)
    ranked = sorted(zip(evidence.LATIN_LANGUAGES, summed, strict=True), key=lambda kv: kv[1], reverse=True)
    (best, top), (second, runner_up) = ranked[0], ranked[1]
    lead = top - runner_up
    thin = seen.tokens < THIN_WORDS or sum(weight for _, weight in seen.weighted) < THIN_WEIGHT
    marked = best in evidence.marked(seen)
    if not _decided(found, summed, evidence.LATIN_LANGUAGES.index(best), lead, thin, marked):
        raise DetectionError(f"the language is unclear ({best} or {second}); give it with --from")
    confidence = round(1 - math.exp(-lead / _CONFIDENCE_SCALE), 3)
    note = POSSIBLY_HR_BS if best == SR_LATN and leaning(sample, seen) else ""
    return Detection(best, confidence, note)
