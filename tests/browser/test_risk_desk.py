"""Review by risk in headless Chromium: a reviewer works a draft in risk order with the keyboard
(n, a, e, h, d), dismisses a check, and sees the statistics page (charts, risk vs effort) and the
concordance; screenshots go to tests/browser/artifacts."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_desk import ARTICLE, ARTIFACTS, sign_in, submit

pytestmark = pytest.mark.browser


def current_idx(page) -> int:
    return int(page.locator(".seg.current").get_attribute("data-idx"))


def test_review_in_risk_order_then_read_the_stats(page, live_desk):
    from playwright.sync_api import expect

    sign_in(page, live_desk.url)
    submit(page, live_desk.url, text=ARTICLE.read_text("utf-8"), glossary="seed")
    page.locator("a.draft-link").first.click()
    page.wait_for_url(re.compile(r".*/ui/drafts/[0-9a-f]{32}$"))
    page.click("#start-review")
    expect(page.locator("[data-draft-state]")).to_have_text("in_review")

    segments = page.locator(".seg")
    count = segments.count()
    assert count >= 5 and page.locator(".seg [data-risk-label]").count() == count   # a badge on each
    levels = {segments.nth(i).get_attribute("data-risk") for i in range(count)}
    assert levels <= {"low", "medium", "high"} and len(levels) >= 2
    order = [int(n) for n in page.locator("#draft").get_attribute("data-review-order").split()]
    assert sorted(order) == list(range(count))

    # n: the riskiest unreviewed segment; a: approve it; n: the next one in risk order
    page.keyboard.press("n")
    assert current_idx(page) == order[0]
    page.keyboard.press("a")
    expect(page.locator(f'.seg[data-idx="{order[0]}"]')).to_have_attribute("data-status", "approved")
    page.keyboard.press("n")
    assert current_idx(page) == order[1]
    page.keyboard.press("e")
    second = page.locator(f'.seg[data-idx="{order[1]}"]')
    expect(second.locator("[data-editor]")).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" (gözden geçirildi)")
    page.keyboard.press("Control+Enter")
    expect(second.locator("[data-message]")).to_have_text("Saved.")
    page.keyboard.press("a")
    expect(second).to_have_attribute("data-status", "approved")
    page.keyboard.press("n")                      # approved segments are skipped
    assert current_idx(page) == order[2]

    # h: only the high-risk segments stay on screen
    page.keyboard.press("h")
    expect(page.locator("#high-only")).to_have_attribute("aria-pressed", "true")
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll('.seg')).filter(
        s => s.offsetParent !== null && s.getAttribute('data-risk') !== 'high').length""")
    assert hidden == 0
    page.keyboard.press("h")
    expect(page.locator("#high-only")).to_have_attribute("aria-pressed", "false")

    # d: dismiss a check on a flagged segment, with a reason; its badge is struck through
    idx = page.locator('.seg.flagged:has([data-action="dismiss-open"])').first.get_attribute("data-idx")
    flagged = page.locator(f'.seg[data-idx="{idx}"]')
    flagged.click()
    check = flagged.locator("[data-dismiss-check] option").first.get_attribute("value")
    page.keyboard.press("d")
    expect(flagged.locator("[data-dismiss-reason]")).to_be_focused()
    page.keyboard.type("the reviewer checked it against the wire copy")
    flagged.locator('[data-action="dismiss"]').click()
    expect(flagged.locator(f'.flag.dismissed[data-check="{check}"]')).to_have_count(1)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-risk.png"), full_page=True)
    draft_url = page.url

    # the job list leads to the drafts waiting for review, riskiest first
    page.click('nav a[href="/ui/jobs"]')
    page.click("#sort-by-risk")
    row = page.locator(f'#risk-queue tr[data-draft="{draft_url.split("/")[-1].split("?")[0]}"]')
    expect(row).to_have_count(1)
    expect(row.locator(".risk")).to_have_count(1)
    page.goto(draft_url)
    page.click("#approve-draft")
    expect(page.locator("[data-draft-state]")).to_have_text("approved")

    page.click('nav a[href="/ui/stats"]')
    expect(page.locator("#stats-rows")).to_contain_text("en-tr")
    expect(page.locator("#stats-totals")).to_contain_text(f"{count} segments reviewed")
    assert page.locator("svg.chart").count() == 3
    expect(page.locator("#risk-vs-effort tbody tr")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "stats.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#stats-csv")
    assert download.value.suggested_filename == "dragoman-stats.csv"

    page.click('nav a[href="/ui/concordance"]')
    page.select_option("select[name=source]", "en")
    page.select_option("select[name=target]", "tr")
    page.fill("#concordance-q", "gözden geçirildi")
    page.click("#concordance-form button[type=submit]")
    expect(page.locator("#concordance-results tbody tr")).to_have_count(1)
