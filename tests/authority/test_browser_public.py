"""The public town page on a phone: no login, pick a past date, open a legal basis."""

from __future__ import annotations

import pytest

from authority.models import EnforcementItem
from tests.conftest import save_screenshot

from .conftest import Catalog, approve_adjustment, import_rows


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_town_page_on_a_phone(cast, phone_page):
    import_rows(cast.district.code)
    approve_adjustment(
        cast, Catalog({i.code: i for i in EnforcementItem.objects.filter(district=cast.district)})
    )
    page = phone_page
    page.goto(f"{page.base_url}/authority/towns/{cast.town_a.code}/")
    assert page.locator('[data-code="T-SL-001"]').count() == 1
    assert page.locator('[data-code="T-XF-001"]').count() == 0
    page.fill("#id_on", "2025-06-30")
    page.click("form button.btn-primary")
    page.wait_for_url("**on=2025-06-30**")
    assert page.locator('[data-code="T-XF-001"]').count() == 1
    # The domains are folded on the page; the search inside the list finds the item and opens its domain.
    assert not page.locator('[data-code="T-CG-001"]').is_visible()
    page.fill("#town-filter", "T-CG-001")
    assert page.locator('[data-code="T-CG-001"]').is_visible()
    assert not page.locator('[data-code="T-SL-001"]').is_visible()
    page.locator('[data-code="T-CG-001"] summary').click()
    assert page.locator('[data-code="T-CG-001"] details').get_attribute("open") is not None
    save_screenshot(page, "authority-town-public-phone")
