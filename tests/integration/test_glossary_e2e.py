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


# --- imports merge; every change is a version (history, diff, rollback) ---------------------------------
def _tbx(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_plain_tbx_import_merges_into_the_seed(tmp_path):
    """The defect: after `glossary seed`, importing another tool's TBX (en+sq pairs: Pristina ->
    Prishtinë, KFOR -> KFOR) replaced kfor and pristina: KFOR lost its keep kind, its tr/sr terms
    and forms, and Serbian text no longer matched KFOR-a or Prištinu."""
    from glossary.match import Matcher
    from tests.unit.test_glossary_merge import PLAIN_TBX
    from translate.terms import load_glossary

    db = tmp_path / "g.db"
    assert run(tmp_path, db, "glossary", "seed").exit_code == 0
    before = run(tmp_path, db, "glossary", "list").stdout
    result = run(tmp_path, db, "glossary", "import", str(_tbx(tmp_path, "other-tool.tbx", PLAIN_TBX)))
    assert result.exit_code == 0, result.output
    assert "imported 3 concepts (6 terms)" in result.stdout and "1 added;" in result.stdout
    after = run(tmp_path, db, "glossary", "list").stdout
    seed_lines = {line for line in before.splitlines() if line.startswith(("kfor ", "pristina "))}
    assert seed_lines <= set(after.splitlines())
    assert "kfor (keep) en: KFOR; sq: KFOR {def=KFOR-i" in after and "sr-Latn: KFOR {gen=KFOR-a" in after
    assert "tr: Priştine" in after and "sr-Latn: Priština {gen=Prištine" in after
    concepts, version = load_glossary("db", f"sqlite:///{db}")
    assert version == 2
    found = Matcher(concepts, "sr-Latn").find("Komandant KFOR-a doputovao je u Prištinu.")
    assert [(m.text, m.concept.id) for m in found] == [("KFOR-a", "kfor"), ("Prištinu", "pristina")]


CONFLICTING_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="k"><descrip type="x-dragoman-kind">keep</descrip>
    <langSet xml:lang="en"><tig><term>Kosovo</term></tig></langSet>
    <langSet xml:lang="sq"><tig><term>Kosova</term></tig></langSet></termEntry>
  <termEntry id="peja"><langSet xml:lang="en"><tig><term>Peja</term></tig></langSet>
    <langSet xml:lang="sq"><tig><term>Pejë</term></tig></langSet></termEntry>
</body></text></martif>
""".encode()


def test_dry_run_conflicts_and_prefer_file(tmp_path):
    db = tmp_path / "g.db"
    tbx = _tbx(tmp_path, "conflicts.tbx", CONFLICTING_TBX)
    assert run(tmp_path, db, "glossary", "seed").exit_code == 0
    dry = run(tmp_path, db, "glossary", "import", str(tbx), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "added peja: en: Peja; sq: Pejë" in dry.stdout
    assert "conflict kosovo <- k: sq: preferred: glossary 'Kosovë', file 'Kosova'; kept the glossary's" in dry.stdout
    assert "conflict kosovo <- k: kind: glossary 'translate'" not in dry.stdout  # the default takes the file's kind
    assert "kind: 'translate' -> 'keep'" in dry.stdout
    assert "dry run:" in dry.stdout and "nothing written (glossary version 1)" in dry.stdout
    assert len(run(tmp_path, db, "glossary", "history").stdout.splitlines()) == 1
    kept = run(tmp_path, db, "glossary", "import", str(tbx), "--who", "bob")
    assert kept.exit_code == 0 and "1 conflict not applied" in kept.stderr
    assert "sq: Kosovë {def=Kosova" in run(tmp_path, db, "glossary", "list", "--lang", "sq").stdout
    taken = run(tmp_path, db, "glossary", "import", str(tbx), "--prefer-file")
    assert taken.exit_code == 0 and "applied (--prefer-file)" in taken.stdout
    listed = run(tmp_path, db, "glossary", "list", "--lang", "sq").stdout
    assert "sq: Kosovë [admitted] {def=Kosova" in listed and "; sq: Kosova" in listed
    both = run(tmp_path, db, "glossary", "import", str(tbx), "--replace", "--prefer-file")
    assert both.exit_code == 2 and "--prefer-file is for merging" in both.output


def test_history_diff_and_rollback(tmp_path):
    from tests.unit.test_glossary_merge import PLAIN_TBX

    db = tmp_path / "g.db"
    assert run(tmp_path, db, "glossary", "seed", "--who", "alice").exit_code == 0
    seeded = run(tmp_path, db, "glossary", "list").stdout
    tbx = _tbx(tmp_path, "other-tool.tbx", PLAIN_TBX)
    assert run(tmp_path, db, "glossary", "import", str(tbx), "--who", "bob").exit_code == 0
    assert run(tmp_path, db, "glossary", "remove", "kfor", "--who", "carol").exit_code == 0
    history = run(tmp_path, db, "glossary", "history").stdout.splitlines()
    assert [line.split()[0] for line in history] == ["3", "2", "1"]
    assert "carol  remove kfor" in history[0] and "bob  import other-tool.tbx (merge): 1 added" in history[1]
    assert "alice  seed seed.json (merge): 17 added" in history[2]
    as_json = json.loads(run(tmp_path, db, "glossary", "history", "--json").stdout)
    assert as_json[1]["summary"]["ids"]["added"] == ["gracanica"] and as_json[1]["who"] == "bob"
    diff = run(tmp_path, db, "glossary", "diff", "1", "3")
    assert diff.exit_code == 0 and "added gracanica: en: Gračanica; sq: Graçanicë" in diff.stdout
    assert "removed kfor" in diff.stdout and diff.stdout.endswith("version 1 -> 3: 1 added, 1 removed\n")
    back = run(tmp_path, db, "glossary", "rollback", "1", "--who", "dave")
    assert back.exit_code == 0 and "rolled back to version 1: 1 added, 1 removed; glossary version 4" in back.stdout
    assert run(tmp_path, db, "glossary", "list").stdout == seeded
    assert len(run(tmp_path, db, "glossary", "history").stdout.splitlines()) == 4  # nothing deleted
    assert "version 4 -> 4: no changes" in run(tmp_path, db, "glossary", "diff", "4").stdout


def test_diff_and_rollback_of_versions_that_are_not_stored(tmp_path):
    import sqlite3

    db = tmp_path / "g.db"
    assert run(tmp_path, db, "glossary", "seed").exit_code == 0
    assert run(tmp_path, db, "glossary", "remove", "kfor").exit_code == 0
    missing = run(tmp_path, db, "glossary", "rollback", "7")
    assert missing.exit_code == 3 and "glossary version 7 is not stored: there is no such version" in missing.stderr
    with sqlite3.connect(db) as conn:  # as a database from before snapshots were kept
        conn.execute("DELETE FROM glossary_snapshots WHERE version = 1")
    for args in (("diff", "1", "2"), ("rollback", "1")):
        result = run(tmp_path, db, "glossary", *args)
        assert result.exit_code == 3 and "made before dragoman kept a snapshot" in result.stderr
    assert "(no snapshot)" in run(tmp_path, db, "glossary", "history").stdout


def test_a_termbase_with_other_ids_joins_the_seed_by_shared_terms(tmp_path):
    db = tmp_path / "g.db"
    assert run(tmp_path, db, "glossary", "seed").exit_code == 0
    result = run(tmp_path, db, "glossary", "import", str(TBX))
    assert result.exit_code == 0, result.output
    assert "imported 16 concepts (84 terms)" in result.stdout and "3 changed, 1 conflict" in result.stdout
    assert "changed kfor (from te-001):\n    + tr term KFOR (preferred)" in result.stdout
    assert "conflict kfor <- te-001: subject: glossary 'news', file 'security'; kept the glossary's" in result.stdout
    listed = run(tmp_path, db, "glossary", "list").stdout
    assert "te-0" not in listed and "kfor (keep) en: KFOR; tr: KFOR; sq: KFOR {def=KFOR-i" in listed


def test_glossary_check_names_the_spelling_to_fix(tmp_path):
    text = tmp_path / "qeveria.txt"
    text.write_text("Qeveria e Kosoves mblodhi ministrat ne Prishtine per buxhetin.", "utf-8")
    checked = run(tmp_path, tmp_path / "dragoman.db", "glossary", "check", str(text), "--lang", "sq",
                  "--glossary", "seed")
    assert checked.exit_code == 0, checked.output
    assert "RESPELL   Kosoves -> Kosovës" in checked.stdout
    assert "RESPELL   Prishtine -> Prishtinë" in checked.stdout
    assert "0 forbidden, 2 to respell" in checked.stderr
