"""The linguistics benchmark's labelled data (bench/data/linguistics/) stay well-formed, big enough and hard enough.

Only the data are checked here: what each system scores is the bench's business (bench/linguistics.py).
"""

from __future__ import annotations

import re

import pytest

from bench.linguistics_data import TASKS, DataError, load, path

pytestmark = pytest.mark.unit
MIN_ITEMS = 40
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
PAIRS = [(task, lang) for task, langs in TASKS.items() for lang in langs]

# The hard cases of issue 10 that the data must keep holding: (task, language, text found in a source).
HARD_CASES = [
    *[("split", "en", s) for s in ("incl. ", "et al. ", "U.S. ", "a.m. ", "www.osce.org.", "Jr.")],
    *[("split", "tr", s) for s in ("9. Kolordu", "sayısı 27. Bunlardan", "17.02.2008. ", "4.500. ", "14.30. ",
                                   "www.aa.com.tr. ", "Sekr. ", "Cad. ", "Mah. ", "Uzm. ", "Çvş. ", "Dz. ")],
    *[("split", "sq", s) for s in ("rr. ", "fsh. ", "shek. ", "tet. ", "17.02.2008. ", "4.500. ", "etj. ")],
    *[("split", "sr-Latn", s) for s in ("Lj. ", "Nj. ", "Dž. ", "čl. ", "por. ", "min. ", "bul. ", "17.02.2008. ",
                                        "4.500. ", "14.30. ", "info@rts.rs. ", "„")],
    *[("split", "sr-Cyrl", s) for s in ("јан. ", "феб. ", "чл. ", "Љ. ", "17.02.2008. ", "4.500. ", "итд. ")],
    *[("detect", "en", s) for s in ("U.S.", "U.N.", "E.U.", "Vucic")],
    *[("detect", "tr", s) for s in ("secimler", "gunu")],
    *[("detect", "sq", s) for s in ("Kosoves", "Mitrovice")],
    *[("detect", "sr-Latn", s) for s in ("budzetu", "uhapsen")],
    *[("transliterate", "sr-Latn", s) for s in ("KiM", "BiH", "RTS", "SAD", "KFOR-a", "EULEX-u", "II svetski",
                                                "Pije VI", "kfor.nato.int", "McDonald's", "predželudac",
                                                "nadživeti")],
]


@pytest.mark.parametrize(("task", "lang"), PAIRS)
def test_each_task_and_language_has_enough_distinct_items(task, lang):
    items = load(task, lang)
    assert len(items) >= MIN_ITEMS
    sources = [item.source for item in items]
    assert len(set(sources)) == len(sources), "a source appears twice"


@pytest.mark.parametrize(("task", "lang"), PAIRS)
def test_each_item_is_written_in_its_script(task, lang):
    cyrillic_source = lang == "sr-Cyrl"
    for item in load(task, lang):
        assert bool(_CYRILLIC.search(item.source)) == cyrillic_source, item.where
        if task == "transliterate":
            assert bool(_CYRILLIC.search(item.expected)) != cyrillic_source, item.where
        if task == "detect":
            assert item.expected == lang


@pytest.mark.parametrize("lang", TASKS["split"])
def test_a_paragraph_is_its_sentences_and_most_have_several(lang):
    items = load("split", lang)
    for item in items:
        assert item.source == " ".join(item.expected) and item.expected, item.where
    assert sum(len(item.expected) > 1 for item in items) >= MIN_ITEMS


@pytest.mark.parametrize(("task", "lang", "text"), HARD_CASES)
def test_the_hard_cases_are_there(task, lang, text):
    assert any(text in item.source for item in load(task, lang))


def test_notes_name_the_case(tmp_path):
    (tmp_path / "detect").mkdir()
    (tmp_path / "detect" / "tr.txt").write_text("# headlines\nPriştine'de su kesintisi\nBakanlar bugün toplandı\n")
    assert [item.note for item in load("detect", "tr", tmp_path)] == ["headlines", "headlines"]
    assert [item.where for item in load("detect", "tr", tmp_path)] == ["detect/tr.txt:2", "detect/tr.txt:3"]


@pytest.mark.parametrize(("task", "lang", "content", "error"), [
    ("transliterate", "sr-Latn", "Beograd\n", "source TAB expected, found 1"),
    ("transliterate", "sr-Latn", "Beograd\tБеоград\tBelgrade\n", "found 3"),
    ("transliterate", "sr-Cyrl", "Београд\t\n", "empty text"),
    ("split", "en", "# a note\nOne.\n# inside\nTwo.\n", "a note inside a paragraph"),
    ("split", "en", "One.  Two.\n", "doubled"),
    ("detect", "en", " Leading space here\n", "space at an end"),
])
def test_a_malformed_file_is_refused_with_its_line(tmp_path, task, lang, content, error):
    file = path(task, lang, tmp_path)
    file.parent.mkdir()
    file.write_text(content, "utf-8")
    with pytest.raises(DataError, match=error) as err:
        load(task, lang, tmp_path)
    assert f"{task}/{file.name}" in str(err.value)


def test_unknown_task_language_or_encoding_is_refused(tmp_path):
    with pytest.raises(DataError, match="no transliterate data for 'en'"):
        load("transliterate", "en")
    file = path("detect", "sq", tmp_path)
    file.parent.mkdir()
    file.write_bytes("Qeveria e Kosovës\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        load("detect", "sq", tmp_path)
