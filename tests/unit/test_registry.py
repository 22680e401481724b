"""Model registry, overrides and routes."""

from __future__ import annotations

import pytest

from common.languages import LANGUAGES, Direction, LanguageError
from common.settings import Settings
from translate.registry import MODELS, model_spec, route

pytestmark = pytest.mark.unit


def test_every_direct_direction_has_a_helsinki_model():
    assert set(MODELS) == {"en-tr", "tr-en", "en-sq", "sq-en", "en-sr", "sr-en"}
    for spec in MODELS.values():
        assert spec.model_id.startswith("Helsinki-NLP/opus-mt-")


def test_serbian_target_tokens_follow_script():
    spec = MODELS["en-sr"]
    assert spec.target_token("sr-Cyrl") == ">>srp_Cyrl<<"
    assert spec.target_token("sr-Latn") == ">>srp_Latn<<"
    assert MODELS["en-tr"].target_token("tr") is None


@pytest.mark.parametrize("source,target,keys", [
    ("en", "tr", ["en-tr"]),
    ("sr-Cyrl", "en", ["sr-en"]),
    ("tr", "sq", ["tr-en", "en-sq"]),
    ("sq", "sr-Latn", ["sq-en", "en-sr"]),
    ("sr-Latn", "tr", ["sr-en", "en-tr"]),
    ("sr-Latn", "sr-Cyrl", []),
])
def test_routes(source, target, keys):
    assert [hop.key for hop in route(Direction(source, target))] == keys


def test_every_pair_of_languages_has_a_route():
    for s in LANGUAGES:
        for t in LANGUAGES:
            if s != t:
                hops = route(Direction(s, t))
                assert len(hops) <= 2
                if hops:
                    assert hops[0].direction.source == s and hops[-1].direction.target == t


def test_pivot_hop_into_serbian_keeps_the_script():
    hops = route(Direction("tr", "sr-Latn"))
    assert hops[1].direction.target == "sr-Latn"


def test_override_points_a_direction_elsewhere(tmp_path):
    settings = Settings(model_overrides={"en-tr": str(tmp_path), "en-sq": "someone/opus-mt-custom"})
    assert model_spec("en-tr", settings).model_id == str(tmp_path)
    assert model_spec("en-tr", settings).local_path
    assert model_spec("en-sq", settings).model_id == "someone/opus-mt-custom"
    assert not model_spec("en-sq", settings).local_path
    assert model_spec("sq-en", settings) == MODELS["sq-en"]


def test_override_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DRAGOMAN_MODEL_OVERRIDES", f'{{"sr-en": "{tmp_path}"}}')
    monkeypatch.setenv("DRAGOMAN_SERBIAN_SCRIPT", "latin")
    settings = Settings()
    assert model_spec("sr-en", settings).model_id == str(tmp_path)
    assert settings.serbian_script == "sr-Latn"


def test_same_language_is_refused():
    with pytest.raises(LanguageError):
        Direction("tr", "tr")
