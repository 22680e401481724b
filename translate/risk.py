"""How risky a segment is for a reviewer to pass unread: one formula, its weights in settings.

    confidence = exp(score)              score: the model's mean log-probability per token
                                         (a pivot: the sum over both hops, so the product of
                                         the hops' confidences); None without a model (TM, edits)
    risk_score = min(1, W_conf × (1 − confidence) + Σ w[flag])   over the segment's flags that
                                         no reviewer dismissed (W_conf: DRAGOMAN_RISK_CONFIDENCE_WEIGHT,
                                         w: DEFAULT_WEIGHTS overridden by DRAGOMAN_RISK_WEIGHTS,
                                         DEFAULT_FLAG_WEIGHT for a flag not in the table)
    level      = high    if risk_score ≥ DRAGOMAN_RISK_HIGH   (0.5)
                 medium  if risk_score ≥ DRAGOMAN_RISK_MEDIUM (0.2)
                 low     otherwise

The confidence term counts only while the text is the machine's (segment status ``new``): once a
person edited it, the model's confidence no longer describes it. An exact match from the approved
translation memory (flag ``tm``) has no model score and weight 0: low risk unless another flag
says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from common.settings import Settings
from translate import qa
from translate.checks import datetimes, names, placeables, punctuation
from translate.terms import FORBIDDEN_TERM, GLOSSARY_MISS, GLOSSARY_RECOVERED, GLOSSARY_UNDECIDED, TERM_SPELLING

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)
TM = "tm"
TAGS = qa.TAGS  # markup the translation lost or broke (the inline-formats check)
DEFAULT_FLAG_WEIGHT = 0.1
DEFAULT_WEIGHTS: dict[str, float] = {
    qa.EMPTY: 1.0, qa.TRUNCATED: 0.6, qa.UNTRANSLATED: 0.6, qa.REPEATED: 0.5, qa.NUMBER_MISMATCH: 0.5,
    qa.SCRIPT_MIX: 0.4, qa.LENGTH_RATIO: 0.3, qa.SPLIT: 0.1,
    FORBIDDEN_TERM: 0.6, GLOSSARY_MISS: 0.4, GLOSSARY_RECOVERED: 0.15, GLOSSARY_UNDECIDED: 0.1,
    TERM_SPELLING: 0.1,
    datetimes.DATE_MISMATCH: 0.5, datetimes.TIME_MISMATCH: 0.5, names.NAME_MISSING: 0.3, TAGS: 0.5,
    placeables.URLS: 0.4, placeables.EMAILS: 0.4, placeables.MENTIONS: 0.3, placeables.HASHTAGS: 0.3,
    punctuation.END_STOP: 0.1, punctuation.END_QUESTION: 0.15, punctuation.END_EXCLAMATION: 0.1,
    punctuation.END_COLON: 0.05, punctuation.END_ELLIPSIS: 0.05, punctuation.QUOTES: 0.05,
    punctuation.BRACKETS: 0.1, punctuation.UNBALANCED_QUOTES: 0.1, punctuation.DOUBLE_SPACE: 0.05,
    punctuation.BEGIN_SPACE: 0.05, punctuation.END_SPACE: 0.05, punctuation.CAPITAL_START: 0.05,
    TM: 0.0,
}


@dataclass(frozen=True)
class Weights:
    confidence: float = 0.6
    flags: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    medium: float = 0.2
    high: float = 0.5

    @classmethod
    def from_settings(cls, settings: Settings) -> Weights:
        return cls(settings.risk_confidence_weight, {**DEFAULT_WEIGHTS, **settings.risk_weights},
                   settings.risk_medium, settings.risk_high)

    def of(self, flag: str) -> float:
        return self.flags.get(flag, DEFAULT_FLAG_WEIGHT)


@dataclass(frozen=True)
class Risk:
    score: float
    level: str
    confidence: float | None


def confidence(score: float | None) -> float | None:
    """A model score (mean log-probability per token) as a probability per token, 0..1."""
    if score is None or math.isnan(score):
        return None
    return min(1.0, max(0.0, math.exp(score)))


def level(score: float, weights: Weights) -> str:
    return HIGH if score >= weights.high else MEDIUM if score >= weights.medium else LOW


def assess(score: float | None, flags: Iterable[str], weights: Weights, dismissed: Iterable[str] = (),
           machine_text: bool = True) -> Risk:
    """The risk of one segment from its model score, its flags (less the dismissed ones) and
    whether its text is still the machine's."""
    conf = confidence(score)
    gone = set(dismissed)
    total = sum(weights.of(f) for f in dict.fromkeys(flags) if f not in gone)
    if conf is not None and machine_text:
        total += weights.confidence * (1.0 - conf)
    total = round(min(1.0, total), 4)
    return Risk(total, level(total, weights), None if conf is None else round(conf, 4))


def review_order(risks: dict[int, Risk]) -> list[int]:
    """Segment indexes, riskiest first (ties in article order)."""
    return sorted(risks, key=lambda i: (-risks[i].score, i))
