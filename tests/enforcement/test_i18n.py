from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_home_is_chinese_by_default_and_english_on_request(cast, client_for):
    client = client_for(cast.officer_a)
    zh = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "我的执法状态" in zh and "退出" in zh
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("home")).content.decode()
    assert "My enforcement status" in en and "Log out" in en
    assert "我的执法状态" not in en


def test_lang_query_parameter_switches_and_remembers(cast, client_for):
    client = client_for(cast.officer_a)
    assert "Log out" in client.get(reverse("home"), {"lang": "en"}).content.decode()
    assert "Log out" in client.get(reverse("home")).content.decode()


def _catalogs() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/*.po") if ".venv" not in p.parts)


def test_every_user_facing_string_has_a_chinese_translation():
    catalogs = _catalogs()
    assert catalogs, "no Chinese catalog found"
    missing = []
    for path in catalogs:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if not entry.translated() or entry.fuzzy:
                missing.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    assert not missing, "untranslated or fuzzy:\n" + "\n".join(missing[:50])


def test_the_language_link_sets_the_cookie_and_goes_back_to_a_page_of_this_site(cast, client_for):
    client = client_for(None)
    switch = reverse("language-switch")
    answer = client.get(switch, {"language": "en", "next": "/authority/items/?domain=x"})
    assert answer.status_code == 302 and answer["Location"] == "/authority/items/?domain=x"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in client.get(reverse("home")).content.decode()
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        answer = client.get(switch, {"language": "zh-hans", "next": elsewhere})
        assert answer.status_code == 302 and answer["Location"] == reverse("home")
    unknown = client.get(switch, {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies


def test_signed_in_pages_switch_by_the_link_too(cast, client_for):
    client = client_for(cast.officer_a)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("language-switch")}?language=en&amp;next=/"' in page
    client.get(reverse("language-switch"), {"language": "en", "next": "/"})
    assert "My enforcement status" in client.get(reverse("home")).content.decode()
