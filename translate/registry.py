"""Which model serves which direction, and how a direction without a model is routed.

The table below is the only place model ids live. ``Settings.model_overrides`` may point a direction
(``"en-tr"``) at another hub id or at a local directory.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.languages import EN, SR_CYRL, SR_LATN, Direction, base
from common.settings import Settings


@dataclass(frozen=True)
class ModelSpec:
    key: str                  # "en-sr"
    model_id: str             # hub id, or a local directory when overridden
    target_tokens: dict[str, str]  # target tag -> token the model needs before the source, if any

    def target_token(self, target: str) -> str | None:
        return self.target_tokens.get(target)

    @property
    def local_path(self) -> bool:
        return self.model_id.startswith(("/", ".", "~")) or "\\" in self.model_id


# Checked against each model card: only the multi-target en-sh model wants a target token.
MODELS: dict[str, ModelSpec] = {
    "en-tr": ModelSpec("en-tr", "Helsinki-NLP/opus-mt-tc-big-en-tr", {}),
    "tr-en": ModelSpec("tr-en", "Helsinki-NLP/opus-mt-tc-big-tr-en", {}),
    "en-sq": ModelSpec("en-sq", "Helsinki-NLP/opus-mt-en-sq", {}),
    "sq-en": ModelSpec("sq-en", "Helsinki-NLP/opus-mt-sq-en", {}),
    "en-sr": ModelSpec("en-sr", "Helsinki-NLP/opus-mt-tc-base-en-sh",
                       {SR_CYRL: ">>srp_Cyrl<<", SR_LATN: ">>srp_Latn<<"}),
    "sr-en": ModelSpec("sr-en", "Helsinki-NLP/opus-mt-tc-big-sh-en", {}),
}

PIVOT = EN


def model_spec(key: str, settings: Settings) -> ModelSpec:
    """The spec for a direct direction key, with the settings' override applied."""
    spec = MODELS[key]
    override = settings.model_overrides.get(key)
    if override:
        return ModelSpec(spec.key, override, spec.target_tokens)
    return spec


@dataclass(frozen=True)
class Hop:
    """One model call: translate ``direction`` with the model for ``key``."""
    direction: Direction

    @property
    def key(self) -> str:
        return self.direction.key


def route(direction: Direction) -> list[Hop]:
    """The hops that realise a direction: one for a direct model, two through English otherwise,
    none when only the Serbian script changes (sr-Latn -> sr-Cyrl is transliteration)."""
    if base(direction.source) == base(direction.target):
        return []
    if direction.key in MODELS:
        return [Hop(direction)]
    # The intermediate English is produced in full; scripts are irrelevant for it.
    first, second = Direction(direction.source, PIVOT), Direction(PIVOT, direction.target)
    for hop in (first, second):
        if hop.key not in MODELS:
            raise LookupError(f"no model for {hop} and no route for {direction}")
    return [Hop(first), Hop(second)]


def all_keys() -> list[str]:
    return list(MODELS)
