"""A deadline counted into a year whose holiday schedule is not loaded is marked provisional wherever it is
shown."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_holiday_schedule")]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_decision_due_in_an_unloaded_year_is_marked_on_the_page_the_list_and_the_api(
    cast, make_case, client_for
):
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=SHANGHAI), tick=False):
        case = make_case("investigating", decision_due=dt.date(2027, 3, 1), next_due=dt.date(2027, 3, 1))
        known = make_case("investigating", decision_due=dt.date(2026, 12, 28), next_due=dt.date(2026, 12, 28))
        client = client_for(cast.officer_a)

        page = client.get(reverse("cases:case", args=[case.pk]), {"lang": "zh-hans"}).content.decode()
        assert "2027-03-01" in page and 'data-testid="provisional"' in page and "暂定" in page
        assert "按未导入2027年节假日安排计算" in page

        other = client.get(reverse("cases:case", args=[known.pk])).content.decode()
        assert "2026-12-28" in other and 'data-testid="provisional"' not in other

        listing = client.get(reverse("cases:case-list")).content.decode()
        assert (
            listing.count('data-testid="provisional"') == 2
        )  # the phone's card and the desktop's row of one case

        body = client.get(reverse("api-case", args=[case.pk])).json()
        rows = {row["due"]: row["provisional"] for row in body["deadlines"]}
        assert rows["2027-03-01"] is True

        body = client.get(reverse("api-case", args=[known.pk])).json()
        assert not any(row["provisional"] for row in body["deadlines"])


def test_loading_the_next_years_schedule_takes_the_mark_away(cast, make_case, client_for, tmp_path):
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=SHANGHAI), tick=False):
        case = make_case("investigating", decision_due=dt.date(2027, 3, 1))
        schedule = tmp_path / "2027.csv"
        schedule.write_text("date,is_working_day,name,source\n2027-01-01,0,元旦,测试通知\n", encoding="utf-8")
        call_command("import_holidays", str(schedule))
        page = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
        assert "2027-03-01" in page and 'data-testid="provisional"' not in page
