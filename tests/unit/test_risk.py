"""The risk formula (translate/risk.py), the confidence of pivot segments made by the worker."""

from __future__ import annotations

import math

import pytest

from common.settings import Settings
from newsroom.jobs import JobStore, SegmentRow
from translate.engine import Translation, chain_score
from translate.risk import DEFAULT_FLAG_WEIGHT, HIGH, LOW, MEDIUM, Risk, Weights, assess, confidence, review_order
from workers.runner import DONE, NEXT, run_hop

pytestmark = pytest.mark.unit
W = Weights()


def test_confidence_is_the_exp_of_the_mean_log_probability():
    assert confidence(0.0) == 1.0
    assert confidence(math.log(0.25)) == pytest.approx(0.25)
    assert confidence(None) is None and confidence(float("nan")) is None
    assert confidence(5.0) == 1.0   # never above 1


def test_the_formula():
    # 0.6 x (1 - 0.5) + number_mismatch 0.5 + end_stop 0.1 = 0.9
    risk = assess(math.log(0.5), ["number_mismatch", "end_stop"], W)
    assert (risk.score, risk.level, risk.confidence) == (0.9, HIGH, 0.5)
    assert assess(math.log(0.9), [], W) == Risk(0.06, LOW, 0.9)
    assert assess(math.log(0.6), [], W).level == MEDIUM          # 0.24
    assert assess(None, ["empty", "truncated"], W).score == 1.0  # capped
    assert assess(None, ["a_flag_nobody_weighed"], W).score == DEFAULT_FLAG_WEIGHT


def test_dismissed_checks_do_not_count():
    assert assess(0.0, ["name_missing", "end_stop"], W, dismissed=["name_missing"]).score == 0.1
    assert assess(0.0, ["name_missing"], W, dismissed=["name_missing"]).level == LOW


def test_an_exact_tm_match_is_low_risk_and_edited_text_has_no_model_confidence():
    assert assess(None, ["tm"], W) == Risk(0.0, LOW, None)
    assert assess(math.log(0.2), [], W, machine_text=False).score == 0.0


def test_weights_and_thresholds_come_from_settings():
    weights = Weights.from_settings(Settings(risk_weights={"end_stop": 0.7}, risk_confidence_weight=0.0,
                                             risk_high=0.6, risk_medium=0.3))
    assert assess(math.log(0.01), ["end_stop"], weights) == Risk(0.7, HIGH, 0.01)
    assert assess(0.0, ["quotes"], weights).score == 0.05   # the other defaults stay


def test_review_order_is_riskiest_first_then_article_order():
    risks = {0: Risk(0.1, LOW, 1.0), 1: Risk(0.9, HIGH, 0.2), 2: Risk(0.1, LOW, 1.0), 3: Risk(0.3, MEDIUM, 0.5)}
    assert review_order(risks) == [1, 3, 0, 2]


# --- pivot confidence through the worker ---------------------------------------------------------------
class Scoring:
    def __init__(self, score):
        self.score = score

    def translate(self, sentences):
        return [Translation(f"<{s}>", self.score) for s in sentences]


class PivotEngines:
    """tr -> en scores -0.1 per token, en -> sq -0.2."""

    def hop(self, hop):
        return Scoring(-0.1 if hop.direction.target == "en" else -0.2)

    def provenance(self, hop):
        return {"direction": hop.key, "model": "fake", "revision": None}

    def count_tokens(self, hop):
        return lambda text: len(text.split())


def test_a_pivot_segment_carries_both_hops_scores(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path}/p.db")
    _, drafts = store.create_job(source_lang="tr", text="x", fmt="text",
                                 targets=[("sq", 2, [], [SegmentRow(0, 0, "Bir cümle.")])])
    settings = Settings(models_dir=tmp_path, offline=True)
    assert run_hop(store, PivotEngines(), settings, drafts["sq"], 0).outcome == NEXT
    assert run_hop(store, PivotEngines(), settings, drafts["sq"], 1).outcome == DONE
    [seg] = store.draft(drafts["sq"])["segments"]
    assert seg["pivot_score"] == pytest.approx(-0.1)
    assert seg["score"] == pytest.approx(-0.3) == chain_score(-0.1, -0.2)
    assert confidence(seg["score"]) == pytest.approx(math.exp(-0.1) * math.exp(-0.2))


class OneHop:
    def hop(self, hop):
        return Scoring(-0.05)

    def provenance(self, hop):
        return {"direction": hop.key, "model": "fake", "revision": None}

    def count_tokens(self, hop):
        return lambda text: len(text.split())


@pytest.mark.parametrize("enabled", [False, True])
def test_the_worker_auto_approves_low_risk_tm_matches_only_when_enabled(tmp_path, enabled):
    from newsroom.review import Review
    from newsroom.risk import AUTO_APPROVER
    from newsroom.tm import TranslationMemory

    store = JobStore(f"sqlite:///{tmp_path}/a.db")
    TranslationMemory(store).add("en", "tr", "The talks resumed.", "Müzakereler yeniden başladı.")
    _, drafts = store.create_job(source_lang="en", text="x", fmt="text", targets=[
        ("tr", 1, [], [SegmentRow(0, 0, "The talks resumed."), SegmentRow(1, 0, "Police arrived.")])])
    settings = Settings(models_dir=tmp_path, offline=True, auto_approve_tm=enabled)
    assert run_hop(store, OneHop(), settings, drafts["tr"], 0).outcome == DONE
    draft = store.draft(drafts["tr"])
    assert [s["status"] for s in draft["segments"]] == (["approved", "new"] if enabled else ["new", "new"])
    assert draft["state"] == "draft_ready"
    who = [(h["who"], h["action"], h["idx"]) for h in Review(store).history(drafts["tr"])]
    assert who == ([(AUTO_APPROVER, "approve", 0)] if enabled else [])


def test_every_flag_the_pipeline_raises_has_its_own_weight():
    from translate import qa, terms
    from translate.risk import DEFAULT_WEIGHTS

    raised = {*qa.ALL_FLAGS, terms.GLOSSARY_MISS, terms.FORBIDDEN_TERM, terms.GLOSSARY_UNDECIDED,
              terms.GLOSSARY_RECOVERED, terms.TERM_SPELLING}
    assert raised - set(DEFAULT_WEIGHTS) == set()
