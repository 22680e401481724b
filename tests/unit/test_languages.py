"""Language tags and aliases (common.languages)."""

from __future__ import annotations

import pytest

from common.languages import (
    LANGUAGES,
    NAMES,
    Direction,
    LanguageError,
    base,
    normalize,
    parse_list,
    script,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("name", "tag"), [
    ("en", "en"), ("eng", "en"), ("English", "en"), ("EN-us", "en"), (" en-GB ", "en"),
    ("tr", "tr"), ("tur", "tr"), ("Turkish", "tr"), ("tr-TR", "tr"),
    ("sq", "sq"), ("sqi", "sq"), ("alb", "sq"), ("Albanian", "sq"), ("sq-XK", "sq"), ("sq-AL", "sq"),
    ("sr-Latn", "sr-Latn"), ("sr_latn", "sr-Latn"), ("srp-Latn", "sr-Latn"), ("SR-LATN", "sr-Latn"),
    ("sr-Cyrl", "sr-Cyrl"), ("srp_cyrl", "sr-Cyrl"), ("sr_Cyrl", "sr-Cyrl"),
])
def test_aliases(name, tag):
    assert normalize(name) == tag


@pytest.mark.parametrize("name", ["sr", "srp", "Serbian", "sr-RS", " SR "])
def test_bare_serbian_uses_default_script(name):
    assert normalize(name) == "sr-Cyrl"
    assert normalize(name, "sr-Latn") == "sr-Latn"
    assert normalize(name, default_serbian="sr_latn") == "sr-Latn"


@pytest.mark.parametrize("default", ["en", "tr", "klingon"])
def test_bad_default_serbian(default):
    with pytest.raises(LanguageError):
        normalize("sr", default)


@pytest.mark.parametrize("name", ["", "   ", "de", "german", "hr", "bs", "sr-Arab", "english!", None])
def test_unknown(name):
    with pytest.raises(LanguageError) as info:
        normalize(name)
    assert "en, tr, sq, sr-Latn, sr-Cyrl" in str(info.value)


def test_language_error_is_value_error():
    assert issubclass(LanguageError, ValueError)


@pytest.mark.parametrize(("names", "default", "tags"), [
    ("tr,sq,sr-Cyrl", "sr-Cyrl", ["tr", "sq", "sr-Cyrl"]),
    ("tr, sq , sr", "sr-Latn", ["tr", "sq", "sr-Latn"]),
    ("tr,TR,tur,turkish", "sr-Cyrl", ["tr"]),
    ("sr,sr-Latn", "sr-Cyrl", ["sr-Cyrl", "sr-Latn"]),
    ("eng,", "sr-Cyrl", ["en"]),
    (["sqi", "srp"], "sr-Latn", ["sq", "sr-Latn"]),
    (("en", "sr-Cyrl", "sr"), "sr-Cyrl", ["en", "sr-Cyrl"]),
])
def test_parse_list(names, default, tags):
    assert parse_list(names, default) == tags


@pytest.mark.parametrize("names", ["", " , ,", [], ["", " "]])
def test_parse_list_empty(names):
    with pytest.raises(LanguageError, match="no target language"):
        parse_list(names)


def test_parse_list_unknown():
    with pytest.raises(LanguageError, match="'de'"):
        parse_list("tr,de")


@pytest.mark.parametrize(("source", "target", "key"), [
    ("en", "tr", "en-tr"),
    ("en", "sr-Cyrl", "en-sr"),
    ("en", "sr-Latn", "en-sr"),
    ("sr-Latn", "sq", "sr-sq"),
    ("tr", "en", "tr-en"),
    ("sr-Latn", "sr-Cyrl", "sr-sr"),
])
def test_direction_key(source, target, key):
    direction = Direction(source, target)
    assert direction.key == key
    assert str(direction) == f"{source}→{target}"


@pytest.mark.parametrize("tag", LANGUAGES)
def test_same_language_is_an_error(tag):
    with pytest.raises(LanguageError, match="same language"):
        Direction(tag, tag)


@pytest.mark.parametrize(("source", "target"), [("en", "de"), ("sr", "en"), ("eng", "tr"), ("en", "")])
def test_direction_needs_tags(source, target):
    with pytest.raises(LanguageError, match="unknown language"):
        Direction(source, target)


def test_direction_is_frozen_and_hashable():
    direction = Direction("en", "tr")
    assert {direction: 1}[Direction("en", "tr")] == 1
    with pytest.raises(AttributeError):
        direction.source = "sq"  # type: ignore[misc]


def test_base_script_and_names():
    assert [base(t) for t in LANGUAGES] == ["en", "tr", "sq", "sr", "sr"]
    assert [script(t) for t in LANGUAGES] == [None, None, None, "Latn", "Cyrl"]
    assert set(NAMES) == set(LANGUAGES)
