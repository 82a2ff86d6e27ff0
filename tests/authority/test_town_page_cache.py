"""The public town list is served from the cache keyed by what changes it (issue 18): a grant given or ended,
an item revised, shows on the next request; the layout around it (the top bar, its CSRF token) stays per
request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem, GrantKind

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
    EnforcementItem.objects.filter(pk=item.pk).update(
        name_zh="公示事项二改", updated_at=timezone.now(), version=2
    )
    assert "公示事项二改" in client.get(url).content.decode()
    AuthorityGrant.objects.filter(pk=grant.pk).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    body = client.get(url).content.decode()
    assert 'data-testid="as-of"' in body and "T-PUB-2" in body  # now in the history, no longer held


def test_the_cached_page_costs_two_queries_and_keeps_each_visitors_token(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    client_for(None).get(url)
    one, two = client_for(None), client_for(cast.officer_a)
    with CaptureQueriesContext(connection) as ctx:
        assert one.get(url).status_code == 200
    assert len(ctx.captured_queries) == 2  # the town, the list's version
    assert 'data-testid="logout"' in two.get(url).content.decode()
    assert 'data-testid="logout"' not in one.get(url).content.decode()


def test_a_bad_date_is_not_cached_and_still_answers(cast, client_for):
    url = reverse("authority-town", args=[cast.town_a.code])
    assert client_for(None).get(url, {"on": "not-a-date"}).status_code in (200, 400)
