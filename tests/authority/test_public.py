"""公示: the per-town list without login, as of today or a past date, with its history; and the catalog
pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.models import AuditEvent

from .conftest import approve_adjustment

pytestmark = pytest.mark.django_db


def test_town_page_is_public_and_grouped_by_kind(cast, catalog, client_for):
    response = client_for(None).get(reverse("authority-town", args=[cast.town_a.code]))
    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("statutory", "empowered", "delegated"):
        assert f'data-kind="{kind}"' in page
    assert "对擅自占道经营的行政处罚" in page and "第六十条" in page  # legal basis shown
    assert "测试区市场监督管理局" in page  # the delegated item's acting name
    assert 'data-code="T-SL-001"' not in page  # kept by the water department


def test_town_page_as_of_a_past_date_and_its_history(cast, catalog, client_for):
    approve_adjustment(cast, catalog)
    anonymous = client_for(None)
    url = reverse("authority-town", args=[cast.town_a.code])
    today = anonymous.get(url).content.decode()
    assert 'data-code="T-SL-001"' in today and 'data-code="T-XF-001"' not in today
    past = anonymous.get(url, {"on": "2025-06-30"}).content.decode()
    assert 'data-code="T-XF-001"' in past and 'data-code="T-SL-001"' not in past
    assert "测府发〔2025〕1号" in today  # the decision appears in the change history
    assert 'data-history="T-XF-001"' in today
    before_catalog = anonymous.get(url, {"on": "2023-06-01"}).content.decode()
    assert 'data-code="T-CG-001"' not in before_catalog


def test_public_pages_write_nothing_and_unknown_towns_are_404(cast, catalog, client_for):
    audit = AuditEvent.objects.count()
    anonymous = client_for(None)
    assert anonymous.get(reverse("authority-town", args=["NO-SUCH"])).status_code == 404
    assert (
        anonymous.get(reverse("authority-town", args=[cast.department.code])).status_code == 404
    )  # not a town
    for name in ("authority-index", "authority-items"):
        assert anonymous.get(reverse(name), {"district": cast.district.code}).status_code == 200
    assert anonymous.get(reverse("authority-item", args=[catalog["T-CG-001"].pk])).status_code == 200
    assert AuditEvent.objects.count() == audit


def test_catalog_search_in_chinese_and_english(cast, catalog, client_for):
    anonymous = client_for(None)
    zh = anonymous.get(
        reverse("authority-items"), {"district": cast.district.code, "q": "疏散通道"}
    ).content.decode()
    assert 'data-code="T-XF-001"' in zh and 'data-code="T-CG-001"' not in zh
    en = anonymous.get(
        reverse("authority-items"), {"district": cast.district.code, "q": "street vending", "lang": "en"}
    ).content.decode()
    assert (
        'data-code="T-CG-001"' in en
        and "Penalty for street vending without approval" in en
        and "Enforcement item catalog" in en
    )
    by_domain = anonymous.get(
        reverse("authority-items"), {"district": cast.district.code, "domain": "water"}
    ).content.decode()
    assert 'data-code="T-SL-001"' in by_domain and 'data-code="T-XF-001"' not in by_domain


def test_town_list_api_is_public_and_takes_a_date(cast, catalog, client_for):
    approve_adjustment(cast, catalog)
    anonymous = client_for(None)
    url = reverse("api-authority-town-items", args=[cast.town_a.code])
    now = anonymous.get(url).json()
    assert {i["item"]["code"] for i in now["items"]} == {"T-CG-001", "T-SC-001", "T-SL-001"}
    assert now["counts"] == {"statutory": 1, "empowered": 1, "delegated": 1}
    past = anonymous.get(url, {"on": "2025-06-30"}).json()
    assert {i["item"]["code"] for i in past["items"]} == {"T-CG-001", "T-SC-001", "T-XF-001"}
    delegated = next(i for i in past["items"] if i["kind"] == "delegated")
    assert delegated["acting_name"] == "测试区市场监督管理局"
    assert anonymous.get(url, {"on": "not-a-date"}).status_code == 400
    history = anonymous.get(reverse("api-authority-town-history", args=[cast.town_a.code])).json()
    assert history[0]["on"] == "2025-07-01" and {h["change"] for h in history[:2]} == {"granted", "ended"}


def test_an_approved_future_adjustment_is_announced_but_not_yet_applied(cast, catalog, client_for):
    import datetime as dt

    from django.utils import timezone

    soon = timezone.localdate() + dt.timedelta(days=30)
    approve_adjustment(cast, catalog, effective=soon, recover=("T-CG-001",), grant=())
    page = (
        client_for(None).get(reverse("authority-town", args=[cast.town_a.code]) + "?lang=en").content.decode()
    )
    assert 'data-code="T-CG-001"' in page  # still held today
    assert "scheduled" in page
    later = (
        client_for(None)
        .get(reverse("authority-town", args=[cast.town_a.code]), {"on": soon.isoformat()})
        .content.decode()
    )
    assert 'data-code="T-CG-001"' not in later


def test_a_department_officers_home_points_to_the_lists_instead_of_a_town_list(cast, catalog, client_for):
    """The home panel of the authority list: a town's officer sees the town's list in figures; an officer of a
    district department (no town of their own) is sent to the district's lists, not told what they are not."""
    town_home = client_for(cast.officer_a).get("/?lang=en").content.decode()
    assert "Our authority list" in town_home
    assert reverse("authority-town", args=[cast.town_a.code]) in town_home
    client = client_for(cast.responder)
    for lang, title, words in (
        ("en", "Authority lists", "Open the authority lists"),
        ("zh-hans", "权责清单", "查看权责清单"),
    ):
        page = client.get(f"/?lang={lang}").content.decode()
        assert title in page and words in page and "Our authority list" not in page
        assert "not a town" not in page and "不是镇街" not in page
    assert f'href="{reverse("authority-index")}"' in page
    assert client.get(reverse("authority-index")).status_code == 200
