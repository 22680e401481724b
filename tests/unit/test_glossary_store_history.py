"""The glossary's history in the store: every change a version with who, when and a summary;
diffs between snapshots; rollbacks as new versions; merges that keep what is there; the 0003
migration of a database made before it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from glossary.formats import load
from glossary.match import Matcher
from glossary.model import Concept, GlossaryError, Term
from glossary.seed import load_seed
from glossary.store import MIGRATIONS, GlossaryStore, VersionNotStored, snapshots_table, versions_table
from tests.unit.test_glossary_merge import PLAIN_TBX

pytestmark = pytest.mark.unit


def concept(cid: str, en: str, tr: str, kind: str = "translate") -> Concept:
    return Concept(cid, kind, [Term("en", en), Term("tr", tr)])


@pytest.fixture()
def store(tmp_path) -> GlossaryStore:
    return GlossaryStore(f"sqlite:///{tmp_path / 'g.db'}")


def test_seed_then_a_plain_tbx_keeps_the_seed(store):
    """The defect: importing another tool's TBX replaced kfor and pristina (kind, tr/sr terms, forms)."""
    store.merge(load_seed(), who="alice", action="seed")
    plan, version = store.merge(load(PLAIN_TBX), who="bob", source="plain.tbx")
    assert version == 2 and [c.id for c in plan.added] == ["gracanica"]
    seed = {c.id: c for c in load_seed()}
    assert store.get("kfor") == seed["kfor"] and store.get("kfor").kind == "keep"
    assert store.get("pristina") == seed["pristina"]
    found = Matcher(store.concepts(), "sr-Latn").find("Komandant KFOR-a doputovao je u Prištinu.")
    assert [(m.text, m.concept.id) for m in found] == [("KFOR-a", "kfor"), ("Prištinu", "pristina")]


def test_every_change_is_a_version_with_who_and_what(store):
    v1 = store.add(concept("pristina", "Pristina", "Priştine"), who="alice")
    plan, v2 = store.merge([concept("x", "Pristina", "Priştina"), concept("kfor", "KFOR", "KFOR", "keep")],
                           who="bob", source="desk.csv")
    v3 = store.remove("kfor", who="carol")
    rows = store.history()
    assert [r["version"] for r in rows] == [v3, v2, v1] == [3, 2, 1]
    assert [r["who"] for r in rows] == ["carol", "bob", "alice"]
    assert all(r["snapshot"] and r["created_at"] is not None for r in rows)
    assert rows[1]["change"] == "import desk.csv (merge): 1 added, 1 conflict"
    summary = rows[1]["summary"]
    assert summary["action"] == "import" and summary["source"] == "desk.csv" and summary["conflicts"] == 1
    assert summary["ids"] == {"added": ["kfor"], "changed": [], "removed": []}
    assert rows[0]["summary"]["ids"]["removed"] == ["kfor"] and rows[2]["summary"]["action"] == "add"
    assert [(c.field, c.current, c.file) for c in plan.conflicts] == [("preferred", "Priştine", "Priştina")]
    assert store.history(limit=1, offset=1)[0]["version"] == 2


def test_a_dry_run_writes_nothing(store):
    store.add(concept("pristina", "Pristina", "Priştine"))
    plan, version = store.merge([concept("kfor", "KFOR", "KFOR")], dry_run=True)
    assert version == 1 and [c.id for c in plan.added] == ["kfor"]
    assert store.version() == 1 and len(store.history()) == 1 and store.get("kfor") is None


def test_a_change_that_makes_the_glossary_invalid_writes_nothing(store):
    store.add(concept("ok", "Fine", "İyi"))
    twice = [concept("x", "X", "X"), concept("x", "Y", "Y")]
    for dry_run in (True, False):
        with pytest.raises(GlossaryError, match="appears twice"):
            store.merge(twice, replace=True, dry_run=dry_run)
    with pytest.raises(GlossaryError, match="conflicting entries"):
        store.add(concept("clash", "Fine", "Hoş"))
    with pytest.raises(GlossaryError, match="conflicting entries"):
        store.import_concepts([concept("clash", "Fine", "Hoş")])
    assert store.version() == 1 and [c.id for c in store.concepts()] == ["ok"]


def test_replace_is_explicit(store):
    store.merge(load_seed())
    plan, _version = store.merge([concept("x", "Xanadu", "Ksanadu")], replace=True, who="admin")
    assert len(plan.removed) == len(load_seed()) and [c.id for c in store.concepts()] == ["x"]


def test_diff_between_versions(store):
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    store.add(concept("kfor", "KFOR", "KFOR"))
    v3 = store.update(Concept("pristina", "translate", [Term("en", "Pristina"), Term("tr", "Priştine"),
                                                          Term("sq", "Prishtinë")]))
    v4 = store.remove("kfor")
    plan = store.diff(v1, v4)
    assert plan.added == [] and plan.removed == [] and [c.id for c in plan.changed] == ["pristina"]
    assert [(ch.field, ch.lang, ch.after["text"]) for ch in plan.changed[0].changes] == [("term", "sq", "Prishtinë")]
    assert [c.id for c in store.diff(v3, v4).removed] == ["kfor"]
    assert [c.id for c in store.diff(0, v1).added] == ["pristina"]
    assert store.diff(v4).counts()["changed"] == 0  # to now


def test_rollback_is_a_new_version_equal_to_the_old_one(store):
    v1 = store.merge(load_seed(), who="alice")[1]
    store.merge(load(PLAIN_TBX), who="bob")
    store.remove("kfor", who="bob")
    plan, v4 = store.rollback(v1, who="carol")
    assert v4 == 4 and store.concepts() == store.concepts(v1)
    assert [c.id for c in plan.removed] == ["gracanica"] and [c.id for c in plan.added] == ["kfor"]
    rows = store.history()
    assert [r["version"] for r in rows] == [4, 3, 2, 1]  # nothing deleted from history
    assert rows[0]["who"] == "carol" and rows[0]["summary"]["rolled_back_to"] == v1
    assert rows[0]["change"].startswith(f"rollback to version {v1}")
    assert store.rollback(0)[1] == 5 and store.concepts() == []


def test_versions_without_a_snapshot_give_a_clear_error(store):
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    v2 = store.add(concept("kfor", "KFOR", "KFOR"))
    with store.engine.begin() as conn:  # as a database from before snapshots were kept
        conn.execute(snapshots_table.delete().where(snapshots_table.c.version == v1))
    with pytest.raises(VersionNotStored, match="made before dragoman kept a snapshot"):
        store.diff(v1, v2)
    with pytest.raises(VersionNotStored, match="made before dragoman kept a snapshot"):
        store.rollback(v1)
    with pytest.raises(VersionNotStored, match="version 99 is not stored: there is no such version"):
        store.rollback(99)
    assert store.version() == v2 and [r["snapshot"] for r in store.history()] == [True, False]


def test_an_edit_refuses_to_overwrite_someone_elses(store):
    v1 = store.add(concept("pristina", "Pristina", "Priştine"))
    store.update(concept("pristina", "Pristina", "Priştine Kenti"), who="alice", base=v1)
    with pytest.raises(GlossaryError, match="changed by someone else"):
        store.update(concept("pristina", "Pristina", "Priştina"), who="bob", base=v1)
    with pytest.raises(GlossaryError, match="no concept"):
        store.update(concept("nope", "Nope", "Yok"))


def test_search_by_id_term_and_form(store):
    store.merge(load_seed())
    assert [c.id for c in store.search("prištinu")] == ["pristina"]            # a form, any case
    assert "kfor" in [c.id for c in store.search("KFOR")]
    assert len(store.search("")) == len(load_seed()) and store.search("zzz") == []


def test_a_database_from_before_history_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "g0002")
        conn.execute(sa.text("INSERT INTO glossary_versions (version, created_at, change) "
                             "VALUES (1, '2026-11-01 10:00:00', 'import old.csv: 3 concepts')"))
        conn.execute(sa.text("INSERT INTO glossary_snapshots (version, concepts) VALUES (1, '[]')"))
    store = GlossaryStore(url)
    assert store.history() == [{"version": 1, "created_at": store.history()[0]["created_at"], "who": "",
                                "change": "import old.csv: 3 concepts", "summary": None, "snapshot": True}]
    assert store.add(concept("x", "X", "X"), who="alice") == 2
    with engine.begin() as conn:  # and back: the columns go, the snapshots stay
        config.attributes["connection"] = conn
        command.downgrade(config, "g0002")
        assert "who" not in {c["name"] for c in sa.inspect(conn).get_columns("glossary_versions")}
        assert conn.execute(sa.select(sa.func.count()).select_from(snapshots_table)).scalar() == 2
        assert conn.execute(sa.select(sa.func.count()).select_from(versions_table)).scalar() == 2


def test_values_the_database_cannot_hold_are_refused_whole(store):
    long_term = "Ministria e Punëve të Brendshme " * 20  # 640 characters
    for bad in (Concept("x", "translate", [Term("en", long_term.strip())]),
                Concept("x", "translate", [Term("en", "Nul\x00")]),
                Concept("x" * 201, "translate", [Term("en", "Long id")]),
                Concept("x", "translate", [Term("en", "Surrogate", note="\ud800")])):
        with pytest.raises(GlossaryError, match=r"longer than|NUL"):
            store.merge([bad], dry_run=True)
        with pytest.raises(GlossaryError, match=r"longer than|NUL"):
            store.merge([bad])
    assert store.version() == 0
    loaded = load(f"en,sq\n{'Kosovo Security Force ' * 10}Command,FSK\n".encode())
    assert len(loaded[0].id) <= 100 and loaded[0].id.startswith("kosovo-security-force")  # ids made from terms are cut


def test_spoken_readings_are_stored_diffed_and_restored(store):
    store.merge([Concept("biden", "translate", [Term("en", "Biden"), Term("tr", "Biden")])], who="alice")
    plan, version = store.merge([Concept("biden", "translate", [Term("tr", "Biden", spoken="baydın")])], who="bob")
    assert [(k.field, k.before, k.after) for k in plan.changed[0].changes] == [("spoken", "", "baydın")]
    assert store.get("biden").terms[1].spoken == "baydın"
    assert store.concepts(version)[0].terms[1].spoken == "baydın"  # the snapshot too
    assert [(k.field, k.before, k.after) for k in store.diff(1, 2).changed[0].changes] == [("spoken", "", "baydın")]
    store.rollback(1, who="carol")
    assert store.get("biden").terms[1].spoken == ""


def test_a_database_from_before_spoken_readings_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "g0003")
        conn.execute(sa.text("INSERT INTO glossary_concepts (id, kind, note, subject) VALUES ('cnn', 'keep', '', '')"))
        conn.execute(sa.text("INSERT INTO glossary_terms (concept_id, position, lang, text, status, case_sensitive, "
                             "forms, note) VALUES ('cnn', 0, 'en', 'CNN', 'preferred', 1, '{}', '')"))
    store = GlossaryStore(url)
    assert store.get("cnn") == Concept("cnn", "keep", [Term("en", "CNN")])
    store.merge([Concept("cnn", "keep", [Term("en", "CNN", spoken="si-en-en")])], who="alice")
    assert store.get("cnn").terms[0].spoken == "si-en-en"
    with engine.begin() as conn:  # and back: the column goes, the term stays
        config.attributes["connection"] = conn
        command.downgrade(config, "g0003")
        assert "spoken" not in {c["name"] for c in sa.inspect(conn).get_columns("glossary_terms")}
        assert conn.execute(sa.text("SELECT text FROM glossary_terms")).scalars().all() == ["CNN"]
