"""The top bar folds its groups into menus when a user sees more entries than fit on one row at 1366 px."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from enforcement.home import NAV_FLAT_MAX, NavEntry, NavMenu, nav_bar, nav_for

pytestmark = pytest.mark.django_db


def _entries(*specs: tuple[str, str]) -> list[NavEntry]:
    return [NavEntry(key, key, "home", order=i, group=group) for i, (key, group) in enumerate(specs)]


def test_a_short_bar_stays_flat_even_with_groups():
    entries = _entries(("a", "lists"), ("b", "lists"), ("c", ""))
    assert nav_bar(entries) == entries


def test_a_long_bar_folds_each_group_of_two_or_more_where_its_first_entry_stood():
    entries = _entries(
        ("home", ""),
        ("authority", "lists"),
        ("cases", ""),
        ("benchmarks", "lists"),
        ("whistles", ""),
        ("assessment", "oversight"),
        ("team", "people"),
        ("desk", ""),
        ("audit", "oversight"),
        ("bell", ""),
    )
    assert len(entries) > NAV_FLAT_MAX
    bar = nav_bar(entries)
    shown = [item.key for item in bar]
    assert shown == ["home", "lists", "cases", "whistles", "oversight", "team", "desk", "bell"]
    lists, oversight = bar[1], bar[4]
    assert isinstance(lists, NavMenu) and [e.key for e in lists.entries] == ["authority", "benchmarks"]
    assert isinstance(oversight, NavMenu) and [e.key for e in oversight.entries] == ["assessment", "audit"]
    assert isinstance(bar[5], NavEntry)  # a group with one entry shown stays a plain link


def _bar_html(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return html.split('<ul class="navbar-nav', 1)[1].split("</ul>\n      <div", 1)[0]


def test_the_district_administrator_reaches_every_entry_through_one_row_of_links_and_menus(client, cast):
    entries = nav_for(cast.admin)
    html = _bar_html(client, cast.admin)
    top = re.findall(r'<li class="nav-item[^"]*"', html)
    assert len(top) < len(entries) and len(top) <= 12
    assert 'data-testid="nav-menu-oversight"' in html and 'data-testid="nav-menu-lists"' in html
    for entry in entries:  # nothing lost: every entry's link is on the bar, in a menu or not
        assert f'href="{reverse(entry.url_name)}"' in html, entry.key
    assert "监督" in html and "清单与基准" in html


def test_the_menu_holding_the_current_page_is_marked_active(client, cast):
    client.force_login(cast.admin)
    html = client.get(reverse("audit-list")).content.decode()
    menu = html.split('data-testid="nav-menu-oversight"', 1)[1].split("</li>\n", 1)[0]
    assert 'dropdown-toggle active"' in menu and 'class="dropdown-item active"' in menu


def test_the_public_sees_plain_links(client, cast):
    html = client.get(reverse("authority-index")).content.decode()
    assert "dropdown-toggle" not in html
