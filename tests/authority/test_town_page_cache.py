"""The public town list is served from the cache keyed by what changes it (issue 18): a grant given or ended,
an item revised, shows on the next request. Anonymous visitors get the whole page from the cache
(enforcement.public_cache), the same for all of them (it has no form, so no CSRF token); signed-in users get
the view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from enforcement.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }


def _item(cast, code: str, name: str) -> EnforcementItem:
    return EnforcementItem.objects.create(
        district=cast.district, code=code, name_zh=name, name_en=name, domain="city_management"
    )


def test_a_new_grant_shows_on_the_next_request(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    client = client_for(None)
    item = _item(cast, "T-PUB-1", "公示事项一")
    assert "公示事项一" not in client.get(url).content.decode()
    AuthorityGrant.objects.create(
        item=item, town=cast.town_a, kind=GrantKind.EMPOWERED, valid_from=timezone.localdate()
    )
    assert "公示事项一" in client.get(url).content.decode()


def test_an_ended_grant_and_a_revised_item_show_on_the_next_request(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    client = client_for(None)
    item = _item(cast, "T-PUB-2", "公示事项二")
    grant = AuthorityGrant.objects.create(
        item=item,
        town=cast.town_a,
        kind=GrantKind.EMPOWERED,
        valid_from=timezone.localdate() - dt.timedelta(days=9),
    )
    assert "公示事项二" in client.get(url).content.decode()
    item.name_zh, item.version = "公示事项二改", 2
    item.save()  # as the admin site writes it (a signal)
    assert "公示事项二改" in client.get(url).content.decode()
    with transaction.atomic():  # as the services end a grant: an update() and its audit row
        AuthorityGrant.objects.filter(pk=grant.pk).update(
            valid_to=timezone.localdate() - dt.timedelta(days=1)
        )
        audit_record(actor=None, action="authority.grant.end", obj=grant, town=cast.town_a)
    body = client.get(url).content.decode()
    assert 'data-testid="as-of"' in body and "T-PUB-2" in body  # now in the history, no longer held


def test_the_cached_page_costs_no_query_and_is_the_same_for_every_visitor(cast, client_for):
    """The page has no form (the language switch is a link): no CSRF token to mint, no cookie to set."""
    url = reverse("authority-town", args=[cast.town_a.code])
    first = client_for(None).get(url)
    one, two = Client(enforce_csrf_checks=True), client_for(cast.officer_a)
    with CaptureQueriesContext(connection) as ctx:
        answer = one.get(url)
    assert answer.status_code == 200
    assert len(ctx.captured_queries) == 0  # the whole page from the cache
    body = answer.content.decode()
    assert answer.content == first.content and "@@" not in body
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert settings.CSRF_COOKIE_NAME not in answer.cookies
    assert settings.SESSION_COOKIE_NAME not in answer.cookies
    assert answer["Content-Language"] == "zh-hans" and "Cookie" in answer["Vary"]
    # the language link needs no token: it sets the cookie and comes back to the page, now in English
    link = f"{reverse('language-switch')}?language=en&amp;next={url}"
    assert link in body
    switched = one.get(link.replace("&amp;", "&"))
    assert switched.status_code == 302 and switched["Location"] == url
    assert one.get(url)["Content-Language"] == "en"
    with CaptureQueriesContext(connection) as ctx:
        mine = two.get(url).content.decode()
    assert 'data-testid="logout"' in mine and len(ctx.captured_queries) > 0  # a signed-in user: the view
    assert 'data-testid="logout"' not in one.get(url).content.decode()


def test_each_language_is_its_own_page(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    zh, en = client_for(None), client_for(None)
    zh.get(url)
    en.get(url, {"lang": "en"})
    zh_again, en_again = zh.get(url), en.get(url, {"lang": "en"})
    assert zh_again["Content-Language"] == "zh-hans" and 'lang="zh-CN"' in zh_again.content.decode()
    assert en_again["Content-Language"] == "en" and 'lang="en"' in en_again.content.decode()
    assert en.get(url)["Content-Language"] == "en"  # the cookie ?lang=en set


def test_a_bad_date_is_not_cached_and_still_answers(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    assert client_for(None).get(url, {"on": "not-a-date"}).status_code in (200, 400)


def test_a_query_the_page_does_not_know_is_not_stored(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    client = client_for(None)
    client.get(url, {"utm": "x"})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"utm": "x"}).status_code == 200
    assert len(ctx.captured_queries) > 0  # the view answered, not the page cache
