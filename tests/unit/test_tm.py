"""The translation memory: exact reuse, upsert, fuzzy matches, pair isolation, TMX in and out."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom import tmx
from newsroom.jobs import JobStore
from newsroom.schema import MIGRATIONS, VERSION_TABLE
from newsroom.tm import TranslationMemory, canonical_lang, normalize, similarity

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")


@pytest.fixture
def tm(store) -> TranslationMemory:
    return TranslationMemory(store)


def test_migration_creates_the_table(store):
    inspector = sa.inspect(store.engine)
    assert "tm_units" in inspector.get_table_names()
    columns = {c["name"] for c in inspector.get_columns("tm_units")}
    assert {"id", "source_lang", "target_lang", "source", "target", "source_key", "created_at", "updated_at",
            "draft_id", "uses"} <= columns
    with store.engine.connect() as conn:
        current = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    applied = {rev.revision for rev in ScriptDirectory.from_config(config).iterate_revisions(current, "base")}
    assert {"j0001", "j0002"} <= applied
    JobStore(store.url)                                   # running the migrations again is a no-op


def test_normalize():
    assert normalize("  Prishtina\u00a0 is\n\tbig ") == "Prishtina is big"
    assert normalize("Prishtine\u0308") == "Prishtinë"      # NFC
    assert canonical_lang("EN-us") == "en"
    assert canonical_lang("sr-Cyrl-RS") == "sr-Cyrl"
    assert canonical_lang("sr_latn") == "sr-Latn"
    assert canonical_lang("sr-RS") == "sr-Cyrl"
    assert canonical_lang("sr-RS", "sr-Latn") == "sr-Latn"
    assert canonical_lang("de-AT") == "de-AT"


def test_exact_reuse_ignores_whitespace_and_normalisation(tm):
    tm.add("en", "sr-Cyrl", "The assembly met in Pristina.", "Скупштина се састала у Приштини.", draft_id="d1")
    tm.add("en", "sr-Cyrl", "Prices rose.", "Цене су порасле.")
    found = tm.exact("en", "sr-Cyrl", ["The assembly  met in\nPristina.", "Prices rose.", "Unknown sentence.", ""])
    assert found == {"The assembly  met in\nPristina.": "Скупштина се састала у Приштини.",
                     "Prices rose.": "Цене су порасле."}
    assert tm.exact("en", "sr-Cyrl", []) == {}
    assert tm.exact("en", "sr-Cyrl", ["the assembly met in pristina."]) == {}      # case matters
    assert tm.units()[0]["draft_id"] == "d1"


def test_exact_counts_uses_when_asked(tm):
    tm.add("en", "tr", "Good morning.", "Günaydın.")
    tm.exact("en", "tr", ["Good morning."])
    assert tm.units()[0]["uses"] == 0
    tm.exact("en", "tr", ["Good morning.", "Good  morning."], count_use=True)
    assert tm.units()[0]["uses"] == 1


def test_add_upserts_latest_target_wins(tm):
    first = tm.add("en", "sq", "The bridge opened.", "Ura u hap.")
    second = tm.add("en", "sq", "The  bridge opened. ", "Ura u hap sot.", draft_id="d2")
    assert first == second
    assert tm.count() == 1
    assert tm.exact("en", "sq", ["The bridge opened."]) == {"The bridge opened.": "Ura u hap sot."}
    unit = tm.units()[0]
    assert unit["draft_id"] == "d2" and unit["updated_at"] >= unit["created_at"]


def test_add_refuses_empty_source(tm):
    with pytest.raises(ValueError, match="non-empty source"):
        tm.add("en", "tr", "  \n", "x")


def test_pairs_are_isolated(tm):
    tm.add("en", "sr-Cyrl", "Welcome.", "Добродошли.")
    tm.add("en", "sr-Latn", "Welcome.", "Dobrodošli.")
    tm.add("tr", "en", "Welcome.", "Welcome (tr).")
    assert tm.exact("en", "sr-Cyrl", ["Welcome."]) == {"Welcome.": "Добродошли."}
    assert tm.exact("en", "sr-Latn", ["Welcome."]) == {"Welcome.": "Dobrodošli."}
    assert tm.exact("en", "tr", ["Welcome."]) == {}
    assert tm.fuzzy("en", "sq", "Welcome.") == []
    assert [u["target"] for u in tm.units(target_lang="sr-Latn")] == ["Dobrodošli."]
    assert len(tm.units(source_lang="en")) == 2
    assert tm.count("en", "sr-Cyrl") == 1


def test_fuzzy_orders_near_matches_and_drops_the_rest(tm):
    base = "The government of Kosovo announced new measures on Monday."
    tm.add("en", "sq", base, "Qeveria e Kosovës njoftoi masa të reja të hënën.")
    tm.add("en", "sq", "The government of Kosovo announced new measures on Tuesday.", "... të martën.")
    tm.add("en", "sq", "The government of Serbia announced new taxes on Friday.", "... Serbisë ...")
    tm.add("en", "sq", "Football results from the weekend.", "Rezultatet e futbollit.")
    matches = tm.fuzzy("en", "sq", "The government of Kosovo announced new measures on Sunday.")
    scores = [score for score, _, _ in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(score >= 0.75 for score in scores)
    sources = [source for _, source, _ in matches]
    assert sources[:2] == [base, "The government of Kosovo announced new measures on Tuesday."] or \
        sources[:2] == ["The government of Kosovo announced new measures on Tuesday.", base]
    assert "Football results from the weekend." not in sources
    for score, source, _ in matches:
        assert score == pytest.approx(similarity(normalize(source), normalize(
            "The government of Kosovo announced new measures on Sunday.")))
    exact = (1.0, base, "Qeveria e Kosovës njoftoi masa të reja të hënën.")
    assert tm.fuzzy("en", "sq", base)[0] == exact
    assert len(tm.fuzzy("en", "sq", base, limit=1)) == 1
    assert tm.fuzzy("en", "sq", base, threshold=0.99) == [exact]
    with pytest.raises(ValueError, match="threshold"):
        tm.fuzzy("en", "sq", base, threshold=0)


def test_fuzzy_excludes_below_threshold(tm):
    tm.add("en", "tr", "Parliament approved the budget.", "Meclis bütçeyi onayladı.")
    query = "Parliament rejected the proposal."
    score = similarity(normalize("Parliament approved the budget."), normalize(query))
    assert score < 0.75
    assert tm.fuzzy("en", "tr", query) == []
    assert tm.fuzzy("en", "tr", query, threshold=score - 0.01)[0][1] == "Parliament approved the budget."


def test_fuzzy_finds_inflected_forms_and_cyrillic(tm):
    tm.add("sr-Cyrl", "en", "Председник је стигао у Приштину.", "The president arrived in Pristina.")
    matches = tm.fuzzy("sr-Cyrl", "en", "Председник је стигао у Приштини.")
    assert matches and matches[0][1] == "Председник је стигао у Приштину." and matches[0][0] > 0.9


def test_fuzzy_handles_like_wildcards(tm):
    tm.add("en", "tr", "Growth was 5% in_2024.", "Büyüme %5 oldu.")
    tm.add("en", "tr", "Growth was 5x in 2024!", "Başka.")
    assert tm.fuzzy("en", "tr", "Growth was 5% in_2024.")[0][:2] == (1.0, "Growth was 5% in_2024.")


def test_fuzzy_prefilters_and_stops_early_with_ten_thousand_units(tm):
    rng = random.Random(7)
    letters = "abcdefghijklmnoprstuvz"
    common = ["the", "of", "in", "and", "said", "government", "Kosovo", "minister", "police"]
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(5000)]
    units = [{"source_lang": "en", "target_lang": "tr", "target": f"t{i}", "source": " ".join(
        rng.choice(common) if rng.random() < 0.35 else rng.choice(vocabulary) for _ in range(rng.randint(6, 25)))
        + "."} for i in range(10_000)]
    assert tm.import_units(units) == len({normalize(u["source"]) for u in units})
    query = units[1234]["source"]
    near = query.replace(query.split()[2], "different", 1)
    # Units with all of the query's words but too long to reach the threshold.
    assert tm.import_units([{"source_lang": "en", "target_lang": "tr", "source": f"{query} {query} {i}.",
                             "target": f"long {i}"} for i in range(50)]) == 50
    # The SQL prefilter hands back a handful of the 10,050 units: the length window leaves out the
    # long ones, the shared word stems the thousands of others whose length alone fits.
    for text in (query, near):
        stats: dict[str, int] = {}
        assert tm.fuzzy("en", "tr", text, stats=stats)[0][1] == query
        assert stats == {"rows": 1, "candidates": 1, "scored": 1}
    # Scoring goes best upper bound first and stops once no other candidate can make the results: a
    # low threshold lets through many candidates, but with one result wanted, little beyond the exact match is scored.
    stats = {}
    assert tm.fuzzy("en", "tr", query, threshold=0.5, limit=1, stats=stats) == [(1.0, query, "t1234")]
    assert stats == {"rows": 2159, "candidates": 1480, "scored": 2}   # one more unit's upper bound ties at 1.0


def test_import_units_and_tmx_round_trip(store, tm, tmp_path):
    tm.add("en", "sr-Cyrl", "The assembly met.", "Скупштина се састала.")
    tm.add("en", "tr", "Istanbul is big.", "İstanbul büyük.")
    data = tmx.export_tm(tm.units())
    assert tmx.validate(data) == []
    other = TranslationMemory(JobStore(f"sqlite:///{tmp_path / 'other.db'}"))
    assert other.import_units(tmx.import_tm(data)) == 2
    assert [(u["source_lang"], u["target_lang"], u["source"], u["target"]) for u in other.units()] == [
        (u["source_lang"], u["target_lang"], u["source"], u["target"]) for u in tm.units()]
    # Importing the same file again changes nothing; region subtags map onto dragoman's tags.
    assert other.import_units(tmx.import_tm(data)) == 2
    assert other.count() == 2
    assert other.import_units([{"source_lang": "EN-us", "target_lang": "tr-TR", "source": "Istanbul is big.",
                                "target": "İstanbul çok büyük."}]) == 1
    assert other.exact("en", "tr", ["Istanbul is big."]) == {"Istanbul is big.": "İstanbul çok büyük."}


def test_import_units_keeps_newer_stored_units(tm):
    tm.add("en", "tr", "Hello.", "Merhaba.")
    old = datetime.now(UTC) - timedelta(days=30)
    assert tm.import_units([{"source_lang": "en", "target_lang": "tr", "source": "Hello.", "target": "Selam.",
                             "created_at": old, "updated_at": old}]) == 0
    assert tm.exact("en", "tr", ["Hello."]) == {"Hello.": "Merhaba."}
    assert tm.import_units([{"source_lang": "en", "target_lang": "tr", "source": "", "target": "x"}]) == 0


# --- property ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_tm(tmp_path_factory) -> TranslationMemory:
    return TranslationMemory(JobStore(f"sqlite:///{tmp_path_factory.mktemp('tm') / 'jobs.db'}"))


texts = st.text(alphabet=st.sampled_from("abcčdeëfgğhıiİjklmnoöprsştuüvzž шђжćАБВГ%_\\'.,-1 \n"),
                min_size=1, max_size=50).filter(lambda s: normalize(s) != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=texts, target=st.text(min_size=1, max_size=30), neighbours=st.lists(texts, max_size=3))
def test_fuzzy_of_a_stored_source_scores_one_first(shared_tm, source, target, neighbours):
    for n, other in enumerate(neighbours):
        shared_tm.add("en", "sq", other, f"neighbour {n}")
    shared_tm.add("en", "sq", source, target)
    matches = shared_tm.fuzzy("en", "sq", source)
    assert matches[0] == (1.0, source, target)
    assert all(score < 1.0 for score, _, _ in matches[1:])
