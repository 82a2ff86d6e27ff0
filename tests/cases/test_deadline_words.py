"""Deadlines in words on every page (which deadline, when, working days left or overdue, on the holiday
calendar), and the stage progress bar of the case page. Run on any day (the clock of `any_day`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.deadlines import case_progress
from cases.models import Case
from enforcement.calendar import add_working_days, is_working_day
from enforcement.deadline_text import deadline_words, short_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_the_words_count_working_days_left_and_overdue_on_the_holiday_calendar(shipped_holiday_schedule):
    # Fixed days of the shipped 2026 schedule: 2026-09-30 (Wed) to the end of the National Day holiday.
    today = dt.date(2026, 9, 30)
    due = add_working_days(today, 2)  # 1-7 October are holidays: 8 and 9 October are the two working days
    assert due == dt.date(2026, 10, 9)
    with translation.override("zh-hans"):
        assert deadline_words(due, "陈述申辩期限", today=today) == "陈述申辩期限 10月9日，还剩2个工作日"
        assert deadline_words(today, "送达期限", today=today) == "送达期限 9月30日，今天到期"
        late = dt.date(2026, 10, 12)  # Monday after the make-up Saturday: 2 working days late (10, 12)
        assert (
            deadline_words(dt.date(2026, 10, 9), "缴款期限", today=late)
            == "缴款期限 10月9日，已逾期2个工作日"
        )
        assert deadline_words(dt.date(2027, 1, 5), today=today).startswith("2027年1月5日")
    with translation.override("en"):
        assert deadline_words(due, "Statement deadline", today=today) == (
            "Statement deadline 9 Oct, 2 working days left"
        )
        assert deadline_words(dt.date(2026, 9, 29), today=today) == "29 Sep, 1 working day overdue"
        assert short_date(dt.date(2027, 1, 5), dt.date(2026, 12, 31)) == "5 Jan 2027"


def test_the_case_page_and_the_list_say_which_deadline_and_how_far_in_working_days(
    cast, make_case, client_for
):
    today = timezone.localdate()
    due = add_working_days(today, 2)
    case = make_case("notified", reply_due=due, notice_served_on=today)
    Case.objects.filter(pk=case.pk).update(next_due=due)
    client = client_for(cast.officer_a)
    page = client.get(reverse("cases:case", args=[case.pk]) + "?lang=en").content.decode()
    assert "Statement deadline" in page and re.search(r"2 working days left", page)
    assert 'data-urgency="soon"' in page
    zh = client.get(reverse("cases:case", args=[case.pk]) + "?lang=zh-hans").content.decode()
    assert f"陈述申辩期限 {due.month}月{due.day}日" in zh or f"陈述申辩期限 {due.year}年" in zh
    assert "还剩2个工作日" in zh
    listing = client.get(reverse("cases:case-list") + "?lang=en").content.decode()
    assert "Statement deadline" in listing and "2 working days left" in listing
    api = client.get(reverse("api-case", args=[case.pk])).json()
    row = next(d for d in api["deadlines"] if d["due"] == due.isoformat())
    assert row["urgency"] == "soon" and row["text"]


def test_an_overdue_deadline_says_so_in_words(cast, make_case, client_for):
    today = timezone.localdate()
    due = add_working_days(today, -3)
    case = make_case("decided", decided_on=due, service_due=due)
    Case.objects.filter(pk=case.pk).update(next_due=due)
    page = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk]) + "?lang=zh-hans")
    html = page.content.decode()
    late = 3 if is_working_day(today) else 2
    assert f"已逾期{late}个工作日" in html and 'data-urgency="overdue"' in html


def _states(case):
    return [(s.key, s.state) for s in case_progress(case)]


def test_the_progress_bar_marks_where_the_case_is_and_what_it_skipped(cast, make_case):
    notified = make_case("notified", notice_served_on=timezone.localdate())
    assert _states(notified) == [
        ("lead", "done"),
        ("filed", "done"),
        ("investigation", "done"),
        ("notice", "current"),
        ("decision", "todo"),
        ("service", "todo"),
        ("execution", "todo"),
        ("closed", "todo"),
    ]
    hearing = make_case("hearing", hearing_requested_on=timezone.localdate())
    assert ("hearing", "current") in _states(hearing)
    # Corrected and closed without penalty (art 33): notice to execution were not needed.
    corrected = make_case("closed", closed_on=timezone.localdate())
    states = dict(_states(corrected))
    assert states["notice"] == states["decision"] == states["execution"] == "skipped"
    assert states["closed"] == "current"
    withdrawn = make_case("withdrawn")
    assert dict(_states(withdrawn))["investigation"] == "ended"
    lead = make_case("lead")
    assert _states(lead)[0] == ("lead", "current")


def test_the_case_page_shows_the_bar_with_the_current_step_in_words(cast, make_case, client_for):
    case = make_case("investigating")
    html = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk]) + "?lang=en").content.decode()
    bar = html[html.index('data-testid="case-progress"') :]
    bar = bar[: bar.index("</nav>")]
    assert 'data-step="investigation" data-state="current" aria-current="step"' in bar
    assert "current step" in bar and "not reached yet" in bar and "done" in bar
