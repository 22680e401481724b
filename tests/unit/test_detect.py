"""Offline language identification (translate.detect)."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.detect import DetectionError, detect

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
LANGS = ("en", "tr", "sq", "sr-Latn", "sr-Cyrl")


def _groups() -> list[tuple[str, int, str]]:
    """Every run of three consecutive corpus lines, as one paragraph."""
    out = []
    for lang in LANGS:
        lines = [line for line in (CORPUS / f"{lang}.txt").read_text("utf-8").splitlines() if line.strip()]
        assert len(lines) >= 3
        out += [(lang, i, " ".join(lines[i:i + 3])) for i in range(len(lines) - 2)]
    return out


GROUPS = _groups()


@pytest.mark.parametrize(("lang", "start", "paragraph"), GROUPS, ids=[f"{g[0]}-{g[1]}" for g in GROUPS])
def test_corpus_paragraphs(lang, start, paragraph):
    tag, confidence = detect(paragraph)
    assert tag == lang
    assert 0.25 <= confidence <= 1.0


@pytest.mark.parametrize("lang", LANGS)
def test_whole_corpus_file(lang):
    assert detect((CORPUS / f"{lang}.txt").read_text("utf-8"))[0] == lang


@pytest.mark.parametrize(("text", "lang"), [
    ("Maj. Gen. Özkan Ulutaş met Dr. Nenad Ilić and Mr. Luan Berisha in Pristina on Oct. 9.", "en"),
    ("Sgt. Mehmet Yılmaz and Lt. Ayşe Güneş patrolled the village with Italian soldiers on Tuesday.", "en"),
    ("KFOR troops patrol near Zvečan and Leposavić every day. The mission has been in Kosovo since 1999.",
     "en"),
    ("KFOR askerleri Zvečan yakınlarında devriye geziyor ve halkla görüşüyor.", "tr"),
    ("Ushtarët e KFOR-it patrullojnë çdo ditë në veri të Kosovës.", "sq"),
    ("Pripadnici KFOR-a svakodnevno patroliraju u blizini Zvečana i Leposavića.", "sr-Latn"),
    ("Припадници KFOR-а свакодневно патролирају у близини Звечана.", "sr-Cyrl"),
    ("Belgrad ve Priştine arasında diyalog sürüyor.", "tr"),
])
def test_own_sentences(text, lang):
    assert detect(text)[0] == lang


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "4,500 / 2024",
    "I",
    "ve",
    "je",
    "ş",
    "Kosovë",
    "Београд",
    "the end",
    "NATO KFOR EULEX",
    "Pristina Belgrade Ankara",
    "OK 123 !!!",
    "Marco Bellandi, Gjilan",
])
def test_short_or_ambiguous_raises(text):
    with pytest.raises(DetectionError) as info:
        detect(text)
    assert "--from" in str(info.value)


def test_detection_error_is_value_error():
    assert issubclass(DetectionError, ValueError)
