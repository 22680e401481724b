"""The review desk in headless Chromium: sign in, submit an article, review it with the keyboard,
approve and export it; and an article carrying a <script> that must never run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import ADMIN_KEY
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

ARTICLE = ROOT / "examples" / "article-terms-en.md"
ARTIFACTS = Path(__file__).parent / "artifacts"
SCRIPT = "<script>window.__pwned = 1</script>"
# A corpus sentence without glossary terms: the copy model copies it, so QA flags it "untranslated copy".
PLAIN = "Traffic resumed shortly after 3 p.m., and no injuries were reported, a police spokesman said."
TRANSLATION_TIMEOUT = 180_000  # ms: the first job loads (and converts) the models


def sign_in(page, url: str) -> None:
    page.goto(url + "/ui")
    assert "/ui/login" in page.url
    page.fill("#key", ADMIN_KEY)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/jobs$"))


def submit(page, url: str, *, text: str | None = None, file: Path | None = None, glossary: str = "") -> str:
    """Submit through the New job form (en -> tr); returns the job page's URL once translated."""
    from playwright.sync_api import expect

    page.goto(url + "/ui/jobs/new")
    if file is not None:
        page.set_input_files("#file", str(file))
    else:
        page.fill("#text", text or "")
    page.select_option("#source", "en")
    page.check('input[name=targets][value="tr"]')
    page.select_option("#glossary", glossary)
    page.click("form#new-job button[type=submit]")
    page.wait_for_url(re.compile(r".*/ui/jobs/[0-9a-f]{32}$"))
    # the page polls every 2 s and reloads itself once the job is finished
    expect(page.locator("[data-job-state]")).to_have_text("draft_ready", timeout=TRANSLATION_TIMEOUT)
    return page.url


def test_review_an_article_with_the_keyboard(page, live_desk):
    from playwright.sync_api import expect

    sign_in(page, live_desk.url)
    submit(page, live_desk.url, text=ARTICLE.read_text("utf-8") + "\n" + PLAIN + "\n", glossary="seed")
    link = page.locator("a.draft-link").first
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r".*/ui/drafts/[0-9a-f]{32}$"))
    draft_url = page.url

    term = page.locator('mark.term[title*="Priştine"]').first
    expect(term).to_be_visible()
    expect(page.locator(".seg .flag-untranslated").first).to_have_text("untranslated copy")
    expect(page.locator(".seg.flagged").first).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("next flagged")
    expect(page.locator("[data-draft-state]")).to_have_text("draft_ready")  # opening it changes nothing
    page.click("#start-review")
    expect(page.locator(".alert.notice")).to_contain_text("Review started.")
    expect(page.locator("[data-draft-state]")).to_have_text("in_review")
    expect(page.locator("#start-review")).to_have_count(0)
    expect(page.locator("[data-models]")).to_contain_text("hop 1 en-tr")

    # j: the second segment; e: edit; type; Ctrl+Enter: saved without reloading the page
    page.evaluate("window.__sameDocument = true")
    expect(page.locator(".seg.current")).to_have_attribute("data-idx", "0")
    page.keyboard.press("j")
    second = page.locator(".seg.current")
    expect(second).to_have_attribute("data-idx", "1")
    page.keyboard.press("e")
    editor = second.locator("[data-editor]")
    expect(editor).to_be_focused()
    new_text = "PRİŞTİNE, Kosova – KFOR komutanları Priştine'de EULEX yetkilileriyle görüştü."
    page.keyboard.press("Control+A")
    page.keyboard.type(new_text)
    page.keyboard.press("Control+Enter")
    expect(second.locator("[data-message]")).to_have_text("Saved.")
    expect(second).to_have_attribute("data-status", "edited")
    expect(second).to_have_attribute("data-version", "1")
    expect(second.locator("[data-target]")).to_have_text(new_text)
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    page.goto(draft_url)  # a second load: the edit persisted
    saved = page.locator('.seg[data-idx="1"]')
    expect(saved.locator("[data-target]")).to_have_text(new_text)
    expect(saved).to_have_attribute("data-status", "edited")
    page.keyboard.press("f")  # the next flagged segment gets the focus outline
    expect(page.locator(".seg.current.flagged")).to_have_count(1)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-view.png"), full_page=True)

    page.click("#approve-draft")
    expect(page.locator("[data-draft-state]")).to_have_text("approved")
    expect(page.locator(".alert.notice")).to_contain_text("approved")

    with page.expect_download() as download:
        page.click('a[data-export="md"]')
    content = Path(download.value.path()).read_text("utf-8")
    assert download.value.suggested_filename.endswith(".md")
    assert new_text in content
    assert content.startswith("# ") and "\n> " in content and "\n- " in content


def test_a_script_in_an_article_never_runs(page, live_desk, tmp_path):
    from playwright.sync_api import expect

    article = tmp_path / "script.txt"
    article.write_text(SCRIPT + "\n", "utf-8")
    sign_in(page, live_desk.url)
    submit(page, live_desk.url, file=article)  # through the file upload
    page.locator("a.draft-link").first.click()
    page.wait_for_url(re.compile(r".*/ui/drafts/[0-9a-f]{32}$"))
    expect(page.locator(".seg .src").first).to_contain_text("<script>")
    expect(page.get_by_text("<script>window.__pwned = 1</script>").first).to_be_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main script").count() == 0


HOSTILE = ('<p onclick="window.__pwned = 2">The bridge will reopen in '
           '<a href="javascript:window.__pwned=3">June</a> '
           '<img src="x" onerror="window.__pwned = 4" alt="The bridge">.</p>\n<script>window.__pwned = 1</script>\n'
           '<p>Residents <b onmouseover="window.__pwned = 5">welcome</b> it.</p>\n')


def test_hostile_html_is_shown_as_chips_and_never_runs(page, live_desk, tmp_path):
    """An HTML article's scripts, event handlers and javascript: URLs stay data: its tags are chips in
    both columns, nothing of it is executed, and an edit that drops a tag is flagged and fixed with a chip."""
    from playwright.sync_api import expect

    article = tmp_path / "hostile.html"
    article.write_text(HOSTILE, "utf-8")
    sign_in(page, live_desk.url)
    submit(page, live_desk.url, file=article)  # .html: the HTML format
    page.locator("a.draft-link").first.click()
    page.wait_for_url(re.compile(r".*/ui/drafts/[0-9a-f]{32}$"))
    expect(page.locator(".seg .src .chip").first).to_be_visible()
    expect(page.locator(".seg [data-target] .chip").first).to_be_visible()
    page.locator(".seg .src .chip").first.click()
    page.locator(".seg [data-target] .chip").first.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    hostile = "main script, main img, main a[href^='javascript:'], main [onclick], main [onerror]"
    assert page.locator(hostile).count() == 0
    # an edit that drops the tags is flagged; putting the chips back clears the flag
    seg = page.locator(".seg", has=page.locator(".src .chip")).first
    seg.click()
    page.keyboard.press("e")
    editor = seg.locator("[data-editor]")
    editor.fill("The bridge will reopen in June.")
    seg.locator("button[data-action=save]").click()
    expect(seg.locator(".flags")).to_contain_text("inline tags")
    editor = seg.locator("[data-editor]")
    if not editor.is_visible():
        seg.click()
        page.keyboard.press("e")
    editor.fill("The bridge will reopen in ⟦1⟧June⟦/1⟧ ")
    editor.press("End")
    seg.locator("button[data-action=chip]", has_text="⟦2/⟧").click()  # the dropped <img> back as a chip
    editor.press("End")
    editor.type(".")
    seg.locator("button[data-action=save]").click()
    expect(seg.locator("[data-target] .chip")).to_have_count(3)
    expect(seg.locator(".flags")).not_to_contain_text("inline tags")
    assert page.evaluate("typeof window.__pwned") == "undefined"
