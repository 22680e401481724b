"""newsroom.requests: the one way in. Every rule, the region subtags and aliases, and how each kind of
refusal maps to an HTTP status and an exit code of the command line."""

from __future__ import annotations

import dataclasses

import pytest

import translate.detect
import translate.pipeline
from common.settings import Settings
from newsroom import requests as rq
from newsroom.requests import ArticleRequest, RequestError, celery_priority, parse_targets, prepare
from tests.counting import module_work
from tests.fixtures.hostile_articles import ARTICLES

EN = "The cat sat on the mat and the dog was in the garden.\n"
SR_LATN = "Vlada je saopštila da će se sednica održati u ponedeljak, a ministar je rekao da je to važno.\n"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/r.db", max_article_bytes=1000, serbian_script="sr-Cyrl")


def refused(settings, kind: str, *words: str, **fields) -> RequestError:
    with pytest.raises(RequestError) as caught:
        prepare({"text": EN, "source": "en", "targets": "tr", **fields}, settings)
    assert caught.value.kind == kind, caught.value
    for word in words:
        assert word.lower() in caught.value.message.lower(), caught.value.message
    return caught.value


# --- a good request ----------------------------------------------------------------------------------------
def test_a_good_request_is_immutable_and_complete(settings):
    req = prepare({"text": EN, "source": "en", "targets": ["tr", "sq"], "priority": 7,
                   "callback_url": "https://cms.example/done", "format": "text"}, settings)
    assert req == ArticleRequest(EN, "en", ("tr", "sq"), "text", "", None, 7, "https://cms.example/done", None)
    assert not req.detected and [str(d) for d in req.directions] == ["en→tr", "en→sq"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.priority = 9  # type: ignore[misc]


def test_defaults(settings):
    req = prepare({"text": EN, "targets": "tr"}, settings)
    assert (req.format, req.priority, req.glossary, req.callback_url) == ("markdown", 5, "", "")
    assert req.source == "en" and req.detected and 0 < req.confidence <= 1
    assert prepare({"text": EN, "targets": "tr"}, settings, default_format="text").format == "text"
    assert prepare({"text": EN, "targets": "tr", "format": ""}, settings).format == "markdown"


def test_unknown_fields_are_ignored(settings):
    assert prepare({"text": EN, "targets": "tr", "whatever": 1}, settings).targets == ("tr",)


# --- text -----------------------------------------------------------------------------------------------------
def test_bytes_are_decoded_and_a_bad_byte_is_located(settings):
    assert prepare({"text": EN.encode(), "targets": "tr"}, settings).text == EN
    assert prepare({"text": b"\xef\xbb\xbf" + EN.encode(), "targets": "tr"}, settings).text == "\ufeff" + EN  # BOM
    #                                                      kept, with the line endings, for the rendered article
    error = refused(settings, rq.UNREADABLE, "UTF-8", "byte 13", "line 2", text=b"first line\nab\xff rest")
    assert (error.status, error.exit_code) == (400, 3)


@pytest.mark.parametrize(("text", "words"), [
    ("", ["empty"]),
    (" \n\t ", ["empty"]),
    ("Hello\x00world and more", ["NUL"]),
    (b"KFOR\x00NATO", ["NUL"]),
    ("bad \ud800 surrogate", ["surrogates"]),
])
def test_unreadable_articles(settings, text, words):
    error = refused(settings, rq.UNREADABLE, *words, text=text)
    assert (error.status, error.exit_code) == (400, 3)


@pytest.mark.parametrize("text", ["a" * 1001, "ё" * 501, b"a" * 1001])
def test_the_size_limit_counts_utf8_bytes(settings, text):
    error = refused(settings, rq.TOO_LARGE, "larger than the limit of 1,000 bytes", text=text)
    assert (error.status, error.exit_code) == (413, 3)


def test_the_size_limit_is_inclusive(settings):
    assert prepare({"text": "a " * 500, "source": "en", "targets": "tr"}, settings).text == "a " * 500


@pytest.mark.parametrize("text", [None, 12, ["a"]])
def test_text_missing_or_not_a_string(settings, text):
    error = refused(settings, rq.INVALID, "text", text=text)
    assert (error.status, error.exit_code) == (422, 2)


# --- languages ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("targets", "expected"), [
    ("tr", ("tr",)),
    ("tr,sq", ("tr", "sq")),
    (" tr , sq ,", ("tr", "sq")),
    (["tr-TR", "sq-AL"], ("tr", "sq")),
    ("sr-Cyrl-RS,sr-Latn-RS", ("sr-Cyrl", "sr-Latn")),
    ("sr,sr-Cyrl,srp,Serbian", ("sr-Cyrl",)),  # aliases of one tag collapse
    (["tur", "tr", "tr_TR", "Turkish"], ("tr",)),
    ("sq,sqi,alb,tr,sq", ("sq", "tr")),
])
def test_targets_accept_regions_and_collapse_aliases(settings, targets, expected):
    assert prepare({"text": EN, "source": "en", "targets": targets}, settings).targets == expected
    assert parse_targets(targets, "sr-Cyrl") == expected


def test_plain_sr_takes_the_configured_script(settings):
    latin = settings.model_copy(update={"serbian_script": "sr-Latn"})
    assert prepare({"text": EN, "source": "en", "targets": "sr"}, latin).targets == ("sr-Latn",)


def test_the_source_is_dropped_from_the_targets(settings):
    req = prepare({"text": EN, "source": "eng", "targets": "en-GB,tr"}, settings)
    assert (req.source, req.targets) == ("en", ("tr",))
    error = refused(settings, rq.LANGUAGE, "every target is the source language (en)", targets="en,en-US")
    assert (error.status, error.exit_code) == (422, 2)
    same = prepare({"text": EN, "source": "en", "targets": "en"}, settings, same_language_ok=True)
    assert same.targets == ()


@pytest.mark.parametrize(("fields", "words"), [
    ({"targets": "xx"}, ["unknown language 'xx'"]),
    ({"targets": "sr-Arab"}, ["sr-Arab", "Latn or Cyrl"]),
    ({"targets": "tr-Cyrl"}, ["Latin script"]),
    ({"targets": "tr-TR-extra"}, ["not a script or region"]),
    ({"source": "klingon"}, ["unknown language 'klingon'"]),
    ({"source": "sr-Arab-RS"}, ["sr-Arab-RS"]),
    ({"targets": ""}, ["no target language given"]),
    ({"targets": []}, ["choose at least one target language"]),
    ({"targets": " , "}, ["no target"]),
])
def test_language_refusals(settings, fields, words):
    error = refused(settings, rq.LANGUAGE, *words, **fields)
    assert (error.status, error.exit_code) == (422, 2)


@pytest.mark.parametrize("fields", [{"targets": 5}, {"targets": ["tr", 1]}, {"targets": {"tr": 1}}, {"source": 7}])
def test_language_fields_of_the_wrong_type(settings, fields):
    assert refused(settings, rq.INVALID, **fields).status == 422


@pytest.mark.parametrize("source", [None, "", "auto", " AUTO "])
def test_auto_source_is_detected(settings, source):
    req = prepare({"text": SR_LATN, "source": source, "targets": "sr-Cyrl,tr"}, settings)
    assert req.source == "sr-Latn" and req.targets == ("sr-Cyrl", "tr") and req.detected


def test_the_detectors_note_travels_with_the_request(settings):
    croatian = "Cijena kruha i mlijeka porasla je prošlog tjedna, a vlada će u srijedu raspravljati o tome.\n"
    req = prepare({"text": croatian, "targets": "en"}, settings)
    assert (req.source, req.detection_note) == ("sr-Latn", "possibly hr/bs")
    assert req.source_label == "sr-Latn (possibly hr/bs)"
    plain = prepare({"text": SR_LATN, "targets": "en"}, settings)
    assert (plain.detection_note, plain.source_label) == ("", "sr-Latn")
    given = prepare({"text": croatian, "source": "sr-Latn", "targets": "en"}, settings)
    assert (given.detected, given.detection_note) == (False, "")


def test_undetectable_language(settings):
    error = refused(settings, rq.UNDETECTED, "too short", '"source"', "--from", text="12 345 678\n", source="auto")
    assert (error.status, error.exit_code) == (400, 2)


def test_a_short_item_takes_the_language_of_its_batch(settings):
    req = prepare({"text": "Da.", "targets": "tr"}, settings, detect_from="Hi.\n" + SR_LATN)
    assert req.source == "sr-Latn"


# --- format, priority, callback ------------------------------------------------------------------------------
def test_format(settings):
    assert prepare({"text": EN, "targets": "tr", "format": "text"}, settings).format == "text"
    assert prepare({"text": EN, "targets": "tr", "format": "html"}, settings).format == "html"
    assert refused(settings, rq.INVALID, "format", "docx", format="docx").status == 422
    with pytest.raises(RequestError, match="unknown format 'pdf'"):
        prepare({"text": EN, "source": "en", "targets": "tr"}, settings, default_format="pdf")


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (9, 9), ("7", 7), (" 3 ", 3), (None, 5), ("", 5)])
def test_priorities(settings, value, expected):
    assert prepare({"text": EN, "source": "en", "targets": "tr", "priority": value}, settings).priority == expected


@pytest.mark.parametrize(("value", "shown"), [(10, "10"), (-1, "-1"), ("10", "10"), (True, "True"), (5.0, "5.0"),
                                              ("high", "'high'"), ([5], "[5]")])
def test_priority_refusals(settings, value, shown):
    error = refused(settings, rq.INVALID, "priority must be a whole number from 0 to 9", priority=value)
    assert error.message.endswith(f"not {shown}")
    assert (error.status, error.exit_code) == (422, 2)


def test_the_same_priority_gets_the_same_message_as_a_number_or_a_form_field(settings):
    assert refused(settings, rq.INVALID, priority=10).message == refused(settings, rq.INVALID, priority="10").message


def test_celery_priority_is_inverted_and_clamped():
    assert [celery_priority(p) for p in rq.PRIORITIES] == list(range(9, -1, -1))
    assert celery_priority(42) == 0 and celery_priority(-3) == 9


@pytest.mark.parametrize("url", ["http://cms.example/done", "https://cms.example:8443/a?b=c", "HTTPS://X.EXAMPLE/"])
def test_callback_urls(settings, url):
    assert prepare({"text": EN, "source": "en", "targets": "tr", "callback_url": url}, settings).callback_url == url


@pytest.mark.parametrize(("url", "words"), [
    ("file:///etc/passwd", ["http"]),
    ("ftp://cms.example/", ["http"]),
    ("http://", ["http"]),
    ("cms.example/done", ["http"]),
    ("http://cms.example/\r\nX-Injected: 1", ["control characters"]),
    ("http://cms.example/\x00", ["control characters"]),
    ("https://cms.example/" + "a" * 2000, ["longer than 2000"]),
    (42, ["string"]),
])
def test_callback_refusals(settings, url, words):
    error = refused(settings, rq.INVALID, "callback_url", *words, callback_url=url)
    assert error.status == 422


# --- glossary ---------------------------------------------------------------------------------------------------
def test_glossaries_are_loaded_and_versioned(settings):
    seed = prepare({"text": EN, "source": "en", "targets": "tr", "glossary": "seed"}, settings)
    assert seed.glossary == "seed" and seed.concepts and seed.glossary_version is None
    db = prepare({"text": EN, "source": "en", "targets": "tr", "glossary": "db"}, settings)
    assert db.glossary == "db" and db.concepts == () and db.glossary_version == 0


def test_glossary_files_only_where_allowed(settings, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("en,tr\nceasefire,ateşkes\n", "utf-8")
    error = refused(settings, rq.GLOSSARY, "unknown glossary", "'db' or 'seed'", "command line", glossary=str(path))
    assert (error.status, error.exit_code) == (422, 3)
    req = prepare({"text": EN, "source": "en", "targets": "tr", "glossary": str(path)}, settings, glossaries=None)
    assert req.glossary == str(path) and len(req.concepts) == 1


def test_a_glossary_that_cannot_be_loaded(settings, tmp_path):
    with pytest.raises(RequestError) as caught:
        prepare({"text": EN, "source": "en", "targets": "tr", "glossary": str(tmp_path / "missing.csv")}, settings,
                glossaries=None)
    assert caught.value.kind == rq.GLOSSARY and "missing.csv" in caught.value.message
    assert refused(settings, rq.INVALID, "glossary", glossary=3).status == 422


# --- the error type ---------------------------------------------------------------------------------------------
def test_every_kind_has_one_status_and_one_exit_code():
    assert set(rq.HTTP_STATUS) == set(rq.EXIT_CODE)
    assert {kind: (rq.HTTP_STATUS[kind], rq.EXIT_CODE[kind]) for kind in rq.HTTP_STATUS} == {
        "malformed": (400, 2), "unreadable": (400, 3), "undetected": (400, 2), "too_large": (413, 3),
        "invalid": (422, 2), "language": (422, 2), "glossary": (422, 3)}
    with pytest.raises(ValueError, match="unknown request error kind"):
        RequestError("oops", "no such kind")


def test_fields_must_be_a_mapping(settings):
    with pytest.raises(RequestError) as caught:
        prepare(["text"], settings)  # type: ignore[arg-type]
    assert caught.value.kind == rq.MALFORMED and caught.value.status == 400


def test_checks_run_in_order_cheapest_first(settings, monkeypatch):
    """A request wrong in several ways is refused for its article first, and the glossary is loaded last."""
    import translate.terms

    monkeypatch.setattr(translate.terms, "load_glossary", lambda *a: pytest.fail("the glossary was loaded"))
    assert refused(settings, rq.UNREADABLE, text="", targets="xx", priority=42, glossary="seed")
    assert refused(settings, rq.LANGUAGE, targets="xx", priority=42, glossary="seed")
    assert refused(settings, rq.INVALID, "priority", priority=42, glossary="seed")


# --- linear work on hostile articles -------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["sr-Latn", "auto"])
@pytest.mark.parametrize("shape", ARTICLES)
def test_prepare_work_grows_linearly(tmp_path, shape, source):
    """The checks of an article of 80,000 characters do at most 4.5 times the work on 20,000 (about 4 when it is
    linear, 16 when it is quadratic), whether the language is given or detected (or found undetectable)."""
    big = Settings(database_url=f"sqlite:///{tmp_path}/r.db", max_article_bytes=1_000_000)

    def run(n: int) -> None:
        try:
            prepare({"text": ARTICLES[shape](n), "source": source, "targets": "tr,en"}, big)
        except RequestError as exc:
            assert exc.kind == "undetected", exc

    modules = [rq, translate.pipeline, translate.detect]
    small, large = (module_work(modules, lambda n=n: run(n)) for n in (20_000, 80_000))
    for key in small:
        assert large[key] <= 4.5 * small[key], (key, small, large)
