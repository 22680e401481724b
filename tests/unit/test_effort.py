"""Effort per reviewed segment (newsroom/effort), dismissals and auto-approval (newsroom/risk),
statistics with terminology metrics (newsroom/stats) and the concordance, on SQLite."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from glossary.seed import load_seed
from glossary.store import shared_store
from newsroom import effort, risk, stats
from newsroom.concordance import ConcordanceError, search
from newsroom.jobs import JobStore, SegmentRow
from newsroom.review import Review
from newsroom.tm import TranslationMemory
from translate.risk import HIGH, LOW, Weights

pytestmark = pytest.mark.unit
W = Weights()


def make_draft(store: JobStore, source_lang: str, target_lang: str, pairs: list[tuple[str, str, list[str], float]],
               glossary: str = "", glossary_version: int | None = None, models=None) -> str:
    rows = [SegmentRow(i, 0, s, " ") for i, (s, *_) in enumerate(pairs)]
    _, drafts = store.create_job(source_lang=source_lang, text="x", fmt="text", targets=[(target_lang, 1, [], rows)],
                                 glossary=glossary, glossary_version=glossary_version)
    draft_id = drafts[target_lang]
    store.start(draft_id, 0)
    if models:
        store.record_model(draft_id, 0, models)
    store.save_segments(draft_id, [SegmentRow(i, 0, s, " ", target=t, flags=f, score=sc)
                                   for i, (s, t, f, sc) in enumerate(pairs)])
    store.finish_draft(draft_id)
    return draft_id


@pytest.fixture()
def store(tmp_path):
    return JobStore(f"sqlite:///{tmp_path / 'e.db'}")


def effort_rows(store: JobStore, draft_id: str) -> dict[int, dict]:
    with store.engine.connect() as conn:
        return {r.idx: dict(r._mapping) for r in conn.execute(
            sa.select(effort.segment_effort).where(effort.segment_effort.c.draft_id == draft_id))}


# --- edit rates -----------------------------------------------------------------------------------------
def test_edit_rates_of_known_edits():
    assert effort.edit_rates("Policia mbërriti.", "Policia mbërriti.") == {"edit_rate": 0.0, "char_ter": 0.0,
                                                                          "chrf": 100.0}
    one_word = effort.edit_rates("Polis dün gece olay yerine ulaştı.", "Polis dün akşam olay yerine ulaştı.")
    assert one_word["edit_rate"] == pytest.approx(1 / 7, abs=1e-4)     # 1 substitution, 7 tokens (with the dot)
    moved = effort.edit_rates("Policija je stigla juče uveče.", "Policija je juče uveče stigla.")
    assert moved["edit_rate"] == pytest.approx(1 / 6, abs=1e-4)          # one shift
    assert 0 < moved["char_ter"] < moved["edit_rate"] and moved["chrf"] < 100
    assert effort.edit_rates("Talks resumed.", "")["edit_rate"] == 1.0


def test_origin_is_mt_tm_or_rewrite():
    assert effort.origin({"origin": "mt", "edit_rate": 0.1}) == "mt"
    assert effort.origin({"origin": "tm", "edit_rate": 0.0}) == "tm"
    assert effort.origin({"origin": "tm", "edit_rate": 0.5}) == "rewrite"


# --- capture and review ---------------------------------------------------------------------------------
def test_review_keeps_the_machine_text_its_risk_the_time_and_the_rates(store):
    draft_id = make_draft(store, "en", "sq", [
        ("The police arrived at night.", "Policia mbërriti natën.", [], math.log(0.95)),
        ("The talks resumed.", "Bisedimet rifilluan", ["end_stop"], math.log(0.3)),
    ])
    review = Review(store)
    review.edit(draft_id, 1, "Bisedimet rifilluan sot.", 0, "ana")
    with store.locked(draft_id=draft_id) as conn:
        effort.add_time(conn, draft_id, {"idx": 1, "target": "x", "flags": []}, 42.5)
        effort.add_time(conn, draft_id, {"idx": 1, "target": "x", "flags": []}, 99_999)   # capped
    review.set_segment(draft_id, 1, "approved", "ana")
    review.set_segment(draft_id, 0, "approved", "ben")
    rows = effort_rows(store, draft_id)
    assert rows[1]["machine"] == "Bisedimet rifilluan" and rows[1]["final"] == "Bisedimet rifilluan sot."
    assert rows[1]["risk"] == HIGH and rows[1]["risk_score"] == pytest.approx(0.1 + 0.6 * 0.7)
    assert rows[1]["seconds"] == 42.5 + effort.MAX_SECONDS
    assert rows[1]["edit_rate"] == pytest.approx(1 / 2) and rows[1]["reviewer"] == "ana"
    assert (rows[0]["edit_rate"], rows[0]["reviewer"], rows[0]["risk"]) == (0.0, "ben", LOW)


def test_approving_the_whole_draft_reviews_every_segment(store):
    draft_id = make_draft(store, "en", "tr", [("One.", "Bir.", [], 0.0), ("Two.", "İki.", ["tm"], None)])
    Review(store).set_draft(draft_id, "approved", "ana")
    rows = effort_rows(store, draft_id)
    assert [(r["origin"], r["edit_rate"], r["reviewer"]) for r in rows.values()] == [("mt", 0.0, "ana"),
                                                                                     ("tm", 0.0, "ana")]


# --- dismissals ------------------------------------------------------------------------------------------
def test_a_dismissed_check_stops_counting_and_is_in_the_history(store):
    draft_id = make_draft(store, "en", "sr-Latn", [("Vučić spoke.", "Govorio je.", ["name_missing"], 0.0)])
    assert risk.assessed_draft(store, draft_id, W)["segments"][0]["risk_score"] == 0.3
    with pytest.raises(risk.DismissError, match="reason"):
        risk.dismiss(store, draft_id, 0, "name_missing", "  ", "ana")
    with pytest.raises(risk.DismissError, match="no check"):
        risk.dismiss(store, draft_id, 0, "end_stop", "why", "ana")
    gone = risk.dismiss(store, draft_id, 0, "name_missing", "the subject is in the previous sentence", "ana")
    assert gone["name_missing"]["who"] == "ana"
    draft = risk.assessed_draft(store, draft_id, W)
    assert (draft["segments"][0]["risk_score"], draft["segments"][0]["risk"]) == (0.0, LOW)
    assert [(h["action"], h["old"], h["new"]) for h in Review(store).history(draft_id)] == [
        ("dismiss", "name_missing", "the subject is in the previous sentence")]
    risk.restore(store, draft_id, 0, "name_missing", "ben")
    assert risk.assessed_draft(store, draft_id, W)["segments"][0]["risk_score"] == 0.3


def test_review_order_and_summary(store):
    draft_id = make_draft(store, "en", "tr", [
        ("One.", "Bir.", [], 0.0), ("Two.", "İki", ["end_stop", "number_mismatch"], 0.0),
        ("Three.", "Üç.", [], math.log(0.5)), ("Four.", "Dört.", ["tm"], None)])
    draft = risk.assessed_draft(store, draft_id, W)
    assert draft["review_order"] == [1, 2, 0, 3]
    assert draft["risk_summary"] == {"worst": 0.6, "worst_level": "high", "mean": 0.225,
                                     "levels": {"low": 2, "medium": 1, "high": 1}}
    assert [s["confidence"] for s in draft["segments"]] == [1.0, 1.0, 0.5, None]


# --- auto-approval -------------------------------------------------------------------------------------
def test_auto_approve_takes_only_low_risk_tm_matches(store):
    draft_id = make_draft(store, "en", "tr", [("One.", "Bir.", ["tm"], None), ("Two.", "İki.", [], 0.0),
                                              ("Three.", "Üç", ["tm", "end_stop", "number_mismatch"], None)])
    assert risk.auto_approve(store, draft_id, W) == [0]
    draft = store.draft(draft_id)
    assert [s["status"] for s in draft["segments"]] == ["approved", "new", "new"] and draft["state"] == "draft_ready"
    assert [(h["who"], h["action"], h["idx"]) for h in Review(store).history(draft_id)] == [
        (risk.AUTO_APPROVER, "approve", 0)]
    only_tm = make_draft(store, "en", "tr", [("One.", "Bir.", ["tm"], None)])
    assert risk.auto_approve(store, only_tm, W) == [0] and store.draft(only_tm)["state"] == "approved"


# --- statistics -----------------------------------------------------------------------------------------
def test_stats_group_by_direction_reviewer_model_and_week_with_term_metrics(store, tmp_path):
    url = f"sqlite:///{tmp_path / 'e.db'}"
    glossary = shared_store(url)
    version = glossary.import_concepts(load_seed(), replace=True, who="test")
    model = {"direction": "en-tr", "model": "Helsinki-NLP/opus-mt-tc-big-en-tr", "revision": "abc123", "fixture": False}
    draft_id = make_draft(store, "en", "tr", [
        ("KFOR troops left Pristina.", "KFOR askerleri Priştine'den ayrıldı.", [], 0.0),
        ("KFOR will return to Pristina.", "KFOR Prishtina'ya dönecek.", [], math.log(0.4)),
        ("The talks resumed.", "Müzakereler başladı.", [], 0.0),
    ], glossary="db", glossary_version=version, models=model)
    for i in range(3):
        Review(store).set_segment(draft_id, i, "approved", "ana")
    result = stats.stats(store, stats.Filters(), url)
    [row] = result["rows"]
    assert (row["direction"], row["reviewer"], row["model"]) == ("en-tr", "ana",
                                                                 "Helsinki-NLP/opus-mt-tc-big-en-tr@abc123")
    assert row["segments_reviewed"] == 3 and row["approved_unchanged"] == 1.0 and row["edit_rate"] == 0.0
    # required: KFOR twice, Pristina twice; the second Pristina is not the glossary's Priştine
    assert row["term_success_rate"] == 0.75
    assert row["term_consistency"] == 0.5          # KFOR the same both times; Pristina not
    assert [r["segments"] for r in result["by_risk"]] == [2, 1, 0]
    later = datetime.now(UTC) + timedelta(days=1)
    assert stats.stats(store, stats.Filters(start=later), url)["rows"] == []
    assert stats.stats(store, stats.Filters(direction="en-sq"), url)["rows"] == []
    assert stats.stats(store, stats.Filters(model="abc123"), url)["rows"] != []
    assert stats.to_csv(result["rows"]).splitlines()[0].startswith("direction,reviewer,model,week,")


# --- concordance ---------------------------------------------------------------------------------------------
def test_concordance_finds_a_phrase_on_either_side(store):
    memory = TranslationMemory(store)
    memory.add("en", "sq", "The Quint countries met in Rome.", "Vendet e Kuintit u takuan në Romë.")
    memory.add("en", "sq", "The 50% rule_of thumb.", "Rregulli 50%.")
    memory.add("en", "sq", "The rulesof thumb.", "Rregulli.")
    memory.add("en", "tr", "The Quint countries met.", "Quint ülkeleri toplandı.")
    assert [u["target"] for u in search(store, "en", "sq", "quint COUNTRIES")] == ["Vendet e Kuintit u takuan në Romë."]
    assert search(store, "en", "sq", "kuintit", side="source") == []
    assert len(search(store, "en", "sq", "kuintit", side="target")) == 1
    assert [u["source"] for u in search(store, "en", "sq", "50%")] == ["The 50% rule_of thumb."]
    assert [u["source"] for u in search(store, "en", "sq", "rule_of")] == ["The 50% rule_of thumb."]  # not a wildcard
    with pytest.raises(ConcordanceError):
        search(store, "en", "sq", "   ")
