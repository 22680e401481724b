"""The glossary end to end: a TBX written by another tool imported with the CLI, then articles
translated with the copy model come out with every term in its right form (100 % accuracy); with
random models every miss is flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from common.languages import Direction
from desk.cli import cli
from glossary.seed import load_seed
from tests.conftest import ROOT, make_settings
from translate.engines import Engines
from translate.pipeline import translate_article

pytestmark = pytest.mark.integration

TBX = ROOT / "tests" / "fixtures" / "glossary" / "newsroom-export.tbx"
TERMS_EN = ROOT / "examples" / "article-terms-en.md"
TERMS_TR = ROOT / "examples" / "article-terms-tr.txt"


def run(models_dir: Path, db: Path, *args: str):
    env = {"DRAGOMAN_MODELS_DIR": str(models_dir), "DRAGOMAN_DATABASE_URL": f"sqlite:///{db}",
           "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_imported_tbx_then_translate_gives_full_term_accuracy(copy_models, tmp_path):
    db = tmp_path / "dragoman.db"
    imported = run(copy_models, db, "glossary", "import", str(TBX))
    assert imported.exit_code == 0, imported.output
    assert "imported 16 concepts" in imported.stdout
    out = tmp_path / "out"
    result = run(copy_models, db, "translate", str(TERMS_EN), "--from", "en", "--to", "tr,sq,sr-Latn,sr-Cyrl",
                 "--glossary", "db", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("term accuracy 100.0%") == 4
    turkish = (out / "article-terms-en.tr.md").read_text("utf-8")
    for name in ("PRİŞTİNE, Kosova", "Kuzey Mitroviça", "Belgrad-Priştine Diyaloğu", "Anadolu Ajansı",
                 "BM Güvenlik Konseyi", "Zveçan"):
        assert name in turkish
    cyrillic = (out / "article-terms-en.sr-Cyrl.md").read_text("utf-8")
    assert "KFOR" in cyrillic and "EULEX" in cyrillic and "Северна Митровица" in cyrillic
    draft = json.loads((out / "article-terms-en.sq.json").read_text("utf-8"))
    assert draft["glossary_version"] == 1 and draft["term_accuracy"] == 1.0
    checked = run(copy_models, db, "glossary", "check", str(out / "article-terms-en.sq.json"))
    assert checked.exit_code == 0 and "term accuracy 100.0%" in checked.stdout


@pytest.mark.parametrize("target,forms", [
    ("sr-Latn", ["KFOR-a komutanları, Prištini", "Beogradu ve Prištini", "Kosova kuzeyinde", "Srbije ve Turske",
                 "agenciji Anadolija"]),
    ("sr-Cyrl", ["KFOR-а", "Приштини", "Београду", "Србије"]),
    ("sq", ["KFOR-it komutanları", "NATO-s sözcüsü", "Kosovës kuzeyinde"]),
])
def test_inflected_forms_from_turkish(copy_models, target, forms):
    engines = Engines(make_settings(copy_models))
    direction = Direction("tr", target)
    draft = translate_article(TERMS_TR.read_text("utf-8"), direction, engines.get(direction), "text",
                              glossary=load_seed())
    text = draft.render()
    for form in forms:
        assert form in text
    assert draft.term_accuracy == 1.0
    assert not any("glossary_miss" in s.flags for s in draft.segments)


def test_random_models_flag_every_miss(random_models):
    engines = Engines(make_settings(random_models, max_decoding_ratio=1.0, max_decoding_extra=4))
    direction = Direction("en", "tr")
    draft = translate_article(TERMS_EN.read_text("utf-8"), direction, engines.get(direction), "markdown",
                              glossary=load_seed())
    assert draft.term_accuracy is not None and draft.term_accuracy < 1.0
    for seg in draft.segments:
        if seg.terms["missing"]:
            assert "glossary_miss" in seg.flags
        else:
            assert "glossary_miss" not in seg.flags


def test_glossary_cli_round_trip(tmp_path):
    db = tmp_path / "g.db"
    assert run(tmp_path, db, "glossary", "seed").exit_code == 0
    added = run(tmp_path, db, "glossary", "add", "en=Peja | Peć", "tr=İpek", "sq=Pejë {def=Peja; def.gen=Pejës}",
                "sr-Latn=Peć {gen=Peći; loc=Peći}", "sr-Cyrl=Пећ {gen=Пећи; loc=Пећи}")
    assert added.exit_code == 0, added.output
    listed = run(tmp_path, db, "glossary", "list", "--lang", "sq").stdout
    assert "pejë" not in listed and "sq: Pejë {def=Peja, def.gen=Pejës}" in listed
    exported = tmp_path / "g.tbx"
    assert run(tmp_path, db, "glossary", "export", "--format", "tbx3", "-o", str(exported)).exit_code == 0
    csv_out = run(tmp_path, db, "glossary", "export", "--format", "csv").stdout
    assert "Peja | Peć" in csv_out
    db2 = tmp_path / "g2.db"
    assert run(tmp_path, db2, "glossary", "import", str(exported)).exit_code == 0
    assert run(tmp_path, db2, "glossary", "list").stdout == run(tmp_path, db, "glossary", "list").stdout
    assert run(tmp_path, db, "glossary", "remove", "peja").exit_code == 0


@pytest.mark.parametrize("content,name,extra,message", [
    ("en;tr\nKFOR;KFOR\n", "bad.csv", [], "';'"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><martif><text><body/></text></martif>', "bomb.tbx",
     [], "entit"),
    ("en,xx\nKFOR,KFOR\n", "lang.csv", [], "xx"),
    ("Pristina,Priştine\n,KFOR\n", "pairs.csv", ["--format", "csv-pair", "--langs", "en,tr"], "empty"),
])
def test_bad_glossary_files_are_refused_whole(tmp_path, content, name, extra, message):
    db = tmp_path / "g.db"
    path = tmp_path / name
    path.write_text(content, "utf-8")
    result = run(tmp_path, db, "glossary", "import", str(path), *extra)
    assert result.exit_code == 3
    assert message in result.stderr.lower() or message in result.stderr
    assert run(tmp_path, db, "glossary", "list").stdout == ""
