"""The try-it page reads a Japanese and a Spanish description (issue 15's concept layer): the foreign words
are marked and each suggestion says which legal words they were read as; the lexicon editor offers es and ja.
At a phone's and a desktop's width, with the site in Chinese and in English."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [  # language, description, item, a word marked, what a foreign word is shown as read as
    ("ja", "廊下で電動自転車を充電していて、非常口もふさがれています", "T-EXIT", "ふさがれ", "ふさがれ →"),
    (
        "es",
        "Los restaurantes sacan el humo de cocina directamente a la calle",
        "T-FUME",
        "humo de cocina",
        "→ 油烟",
    ),
]


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("site_lang", ["zh-hans", "en"])
def test_foreign_descriptions_are_read_and_explained(cast, catalog, browser, live_server, width, site_lang):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "django_language", "value": site_lang, "domain": host, "path": "/"}])
    page = context.new_page()
    page.base_url = live_server.url
    try:
        browser_login(page, "supervisor_a")
        for lang, text, code, word, reading in CASES:
            page.goto(f"{page.base_url}/matching/")
            page.fill("#id_text", text)
            first = page.locator("[data-testid=candidate]").first
            first.wait_for()
            codes = [c.get_attribute("data-code") for c in page.locator("[data-testid=candidate]").all()]
            assert code in codes[:3]
            marks = page.locator("[data-testid=highlighted] mark").all_inner_texts()
            assert any(word in m for m in marks)
            shown = page.locator(f"[data-testid=candidate][data-code={code}]").inner_text()
            assert reading in shown  # the foreign word and the legal word it was read as
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            save_screenshot(page, f"matching-try-{lang}-{width}-{site_lang}")
        page.goto(f"{page.base_url}/matching/lexicon/")
        options = page.locator("select[name=lang] option").all_inner_texts()
        assert "Español es" in options and "日本語 ja" in options
        save_screenshot(page, f"matching-lexicon-langs-{width}-{site_lang}")
    finally:
        context.close()
