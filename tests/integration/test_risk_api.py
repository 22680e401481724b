"""Review by risk through the HTTP API: a job translated by the copy model, its segments' risk
and review order, checks dismissed, edits of known size reviewed with reported time, and the
statistics and concordance they yield (JSON and CSV)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.integration.test_api import ADMIN, make_client, new_key, wait_for

pytestmark = pytest.mark.integration
ARTICLE = ("KFOR's Regional Command West is based at Camp Villaggio Italia near Peja.\n\n"
           "The next round of talks is scheduled for Oct. 23 in Brussels, diplomats said.\n\n"
           "She estimated that about 1,500 medical workers had emigrated in the past five years.\n")


@pytest.fixture
def reviewed(tmp_path, copy_models):
    client = make_client(tmp_path, copy_models)
    reviewer = new_key(client, "reviewer", "ana")
    job = client.post("/jobs", json={"text": ARTICLE, "source": "en", "targets": ["sq"]}, headers=ADMIN).json()
    assert wait_for(client, job["id"])["state"] == "draft_ready"
    draft_id = job["drafts"][0]["id"]
    return client, reviewer, draft_id


def test_a_draft_reviewed_in_risk_order_yields_its_edit_rates_and_stats(reviewed):
    client, reviewer, draft_id = reviewed
    draft = client.get(f"/drafts/{draft_id}", headers=reviewer).json()
    segs = draft["segments"]
    assert len(segs) == 3 and sorted(draft["review_order"]) == [0, 1, 2]
    for seg in segs:
        assert 0.9 <= seg["confidence"] <= 1.0                      # the copy model is sure of its copies
        assert seg["risk"] in ("low", "medium", "high") and 0 <= seg["risk_score"] <= 1
        assert "untranslated" in seg["flags"]                       # English copied into Albanian
    scores = [segs[i]["risk_score"] for i in draft["review_order"]]
    assert scores == sorted(scores, reverse=True)

    # a check that does not apply is dismissed, with a reason, and stops counting
    before = segs[0]["risk_score"]
    gone = client.post(f"/drafts/{draft_id}/segments/0/checks/untranslated/dismiss",
                       json={"reason": "a place name line, copied on purpose"}, headers=reviewer)
    assert gone.status_code == 200, gone.text
    assert gone.json()["risk_score"] == pytest.approx(before - 0.6, abs=1e-4)
    assert client.post(f"/drafts/{draft_id}/segments/0/checks/untranslated/dismiss", json={"reason": ""},
                       headers=reviewer).status_code == 422

    # edits of known size, each with the time the desk reports
    machine = [s["target"] for s in segs]
    one_word = machine[0].replace("West", "Perëndim")               # 1 substitution in 14 tokens
    two_gone = machine[2].replace(" medical", "").replace(" about", "")  # 2 deletions, 13 tokens left
    for idx, target, seconds in ((0, one_word, 30), (1, None, 5), (2, two_gone, 25)):
        seg = client.get(f"/drafts/{draft_id}", headers=reviewer).json()["segments"][idx]
        body = {"status": "approved", "version": seg["version"], "seconds": seconds}
        if target is not None:
            body["target"] = target
        response = client.patch(f"/drafts/{draft_id}/segments/{idx}", json=body, headers=reviewer)
        assert response.status_code == 200, response.text
    assert client.get(f"/drafts/{draft_id}", headers=reviewer).json()["state"] == "approved"

    result = client.get("/stats", headers=reviewer).json()
    [row] = result["rows"]
    assert (row["direction"], row["reviewer"], row["segments_reviewed"]) == ("en-sq", "ana", 3)
    assert row["approved_unchanged"] == pytest.approx(1 / 3, abs=1e-4)
    assert row["edit_rate"] == pytest.approx((1 / 14 + 0 + 2 / 13) / 3, abs=1e-4)
    words = 13 + 14 + 15
    assert row["seconds"] == 60 and row["seconds_per_word"] == pytest.approx(60 / words, abs=1e-3)
    assert (row["from_mt"], row["from_tm"], row["rewritten"]) == (3, 0, 0)
    assert sum(r["segments"] for r in result["by_risk"]) == 3
    assert client.get("/stats?direction=en-tr", headers=reviewer).json()["rows"] == []
    assert client.get("/stats?reviewer=ben", headers=reviewer).json()["rows"] == []
    assert client.get("/stats?from=2999-01-01", headers=reviewer).json()["rows"] == []
    assert client.get("/stats?from=yesterday", headers=reviewer).status_code == 422

    table = list(csv.DictReader(io.StringIO(client.get("/stats?format=csv", headers=reviewer).text)))
    assert [(r["direction"], r["reviewer"], r["segments_reviewed"]) for r in table] == [("en-sq", "ana", "3")]

    # the approved draft is in the translation memory: the concordance finds it
    found = client.get("/tm/search", params={"source": "en", "target": "sq", "q": "perëndim", "side": "target"},
                       headers=reviewer).json()
    assert [u["target"] for u in found["units"]] == [one_word]


def test_stats_need_a_reviewer_key(reviewed):
    client, _, _ = reviewed
    submitter = new_key(client, "submitter")
    assert client.get("/stats", headers=submitter).status_code == 403
