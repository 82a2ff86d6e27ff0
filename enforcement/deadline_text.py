"""Deadlines in words, one wording for every page, list, API display field and notification: which
deadline, when, and how far off in working days on the one calendar (enforcement.calendar):
"陈述申辩期限 12月11日，还剩2个工作日" / "Statement deadline 11 Dec, 2 working days left";
"已逾期3个工作日" / "3 working days overdue". Pages use it through `{% deadline_status %}`
(enforcement/templatetags/deadlines.py)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.calendar import deadline_distance

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: dt.date, today: dt.date | None = None) -> str:
    """12月11日 / 11 Dec; with the year when it is not this year's (2027年1月5日 / 5 Jan 2027)."""
    this_year = (today or clock.today()).year == day.year
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{day.month}月{day.day}日" if this_year else f"{day.year}年{day.month}月{day.day}日"
    text = f"{day.day} {MONTHS_EN[day.month - 1]}"
    return text if this_year else f"{text} {day.year}"


def distance_words(due: dt.date, today: dt.date) -> str:
    """How far off: "还剩2个工作日", "今天到期", "已逾期3个工作日"."""
    distance = deadline_distance(due, today)
    if distance.late:
        return ngettext("%(n)s working day overdue", "%(n)s working days overdue", distance.late) % {
            "n": distance.late
        }
    if due == today:
        return _("due today")
    if distance.left == 0:  # due on a rest day ahead (a date set by hand): count calendar days
        days = (due - today).days
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    return ngettext("%(n)s working day left", "%(n)s working days left", distance.left) % {"n": distance.left}


def deadline_words(
    due: dt.date | None, label: str = "", *, today: dt.date | None = None, done: bool = False
) -> str:
    """The plain text: "陈述申辩期限 12月11日，还剩2个工作日" (done: "…，已完成")."""
    if due is None:
        return ""
    day = today or clock.today()
    when = f"{label} {short_date(due, day)}" if label else short_date(due, day)
    state = _("done") if done else distance_words(due, day)
    return _("%(deadline)s, %(state)s") % {"deadline": when, "state": state}


def urgency(due: dt.date | None, *, today: dt.date | None = None, done: bool = False) -> str:
    if due is None or done:
        return ""
    return deadline_distance(due, today or clock.today()).urgency
