"""The two-way assessment on a constructed dataset: every figure checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from whistles import clock
from whistles.assessment import assess
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_confirm,
    assignment_handle,
    assignment_overrule_return,
    assignment_return,
    assignment_uphold_return,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Chongqing
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
NOW = T0 + 4 * D + 2 * H
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def at(moment, fn, **kwargs):
    with clock.at(moment):
        return fn(**kwargs)


def work(responder, assignment, start, check_in, on_site, handled):
    at(start + check_in, assignment_acknowledge, actor=responder, assignment=assignment)
    at(start + on_site, assignment_arrive, actor=responder, assignment=assignment)
    at(
        start + handled,
        assignment_handle,
        actor=responder,
        assignment=assignment,
        note="已处理完毕，详见记录",
    )


@pytest.fixture
def dataset(cast, raise_whistle, env_department, env_responder):
    market, env = cast.department, env_department
    w1 = at(T0, raise_whistle, title="W1")
    a1 = w1.assignments.get()
    work(cast.responder, a1, T0, 1 * H, 5 * H, 30 * H)  # every step on time
    at(T0 + 40 * H, assignment_confirm, actor=cast.officer_a, assignment=a1, rating=5)

    w2 = at(T0 + D, raise_whistle, title="W2")
    a2 = w2.assignments.get()
    work(cast.responder, a2, T0 + D, 30 * H, 40 * H, 50 * H)  # checked in after 30 h: late
    at(T0 + D + 60 * H, assignment_confirm, actor=cast.officer_a, assignment=a2, rating=3)

    w3 = at(T0 + 2 * D, raise_whistle, title="W3")
    a3 = w3.assignments.get()
    at(
        T0 + 2 * D + 2 * H,
        assignment_return,
        actor=cast.responder,
        assignment=a3,
        reason="town_holds_power",
        note="街道已获赋权，属地处理",
    )
    at(T0 + 2 * D + 5 * H, assignment_uphold_return, actor=cast.admin, assignment=a3, note="核实街道有权处理")

    w4 = at(T0 + 3 * D, raise_whistle, title="W4", departments=[env])
    a4 = w4.assignments.get()
    at(
        T0 + 3 * D + 3 * H,
        assignment_return,
        actor=env_responder,
        assignment=a4,
        reason="not_our_competence",
        note="应由其他部门处理",
    )
    resent = T0 + 4 * D
    at(resent, assignment_overrule_return, actor=cast.admin, assignment=a4, note="属于生态环境职责，请处理")
    work(env_responder, a4, resent, 1 * H, 1.5 * H, 1.8 * H)
    at(resent + 1.9 * H, assignment_confirm, actor=cast.officer_a, assignment=a4, rating=4)

    at(
        T0 + 4 * D, raise_whistle, title="W5", urgency="emergency", departments=[env]
    )  # nobody checks in: overdue at NOW
    at(
        T0 + 4 * D, raise_whistle, title="W6", actor=cast.officer_b, town=cast.town_b
    )  # within its deadlines at NOW
    at(T0 - 5 * D, raise_whistle, title="February, outside the period")
    return market, env


def test_district_figures(cast, dataset):
    market, env = dataset
    result = assess(user=cast.admin, start=START, end=END, now=NOW)
    by_department = {d.department: d for d in result.departments}
    m, e = by_department[market], by_department[env]

    assert (m.received, m.checked_in, m.handled) == (4, 2, 2)
    assert (m.on_time, m.late, m.pending, m.open_overdue) == (1, 1, 1, 0)
    assert m.on_time_rate == 0.5
    assert m.median_check_in_minutes == 930.0  # median of 60 and 1800
    assert m.median_handle_hours == 40.0  # median of 30 and 50
    assert (m.returned, m.return_rate, m.returns_upheld, m.returns_overruled, m.returns_territorial) == (
        1,
        0.25,
        1,
        0,
        1,
    )
    assert (m.rated, m.average_rating) == (2, 4.0)

    assert (e.received, e.checked_in, e.on_time, e.late, e.open_overdue) == (2, 1, 1, 1, 1)
    assert e.median_check_in_minutes == 60.0  # counted from the re-send
    assert (e.returned, e.return_rate, e.returns_overruled, e.returns_upheld) == (1, 0.5, 1, 0)
    assert e.average_rating == 4.0

    by_town = {t.town: t for t in result.towns}
    a, b = by_town[cast.town_a], by_town[cast.town_b]
    assert (a.raised, a.justified, a.unjustified, a.undecided, a.justified_share) == (5, 3, 1, 1, 0.75)
    assert (a.open, a.closed, a.returns_received) == (1, 4, 2)
    assert a.average_rating_given == 4.0
    assert (b.raised, b.undecided, b.justified_share) == (1, 1, None)

    assert result.months == [{"month": "2026-03", "raised": 6, "returns": 2, "on_time": 2, "late": 2}]
    reasons = {r["reason"]: r["count"] for r in result.return_reasons}
    assert reasons["town_holds_power"] == 1 and reasons["not_our_competence"] == 1


def test_each_side_sees_its_own_figures(cast, dataset, env_responder):
    market, env = dataset
    town_view = assess(user=cast.officer_a, start=START, end=END, now=NOW)
    assert [t.town for t in town_view.towns] == [cast.town_a]
    assert {d.department: d.received for d in town_view.departments} == {
        market: 3,
        env: 2,
    }  # only town A's whistles

    department_view = assess(user=env_responder, start=START, end=END, now=NOW)
    assert [d.department for d in department_view.departments] == [env]
    assert department_view.towns == [] and not department_view.show_towns

    outsider = assess(user=cast.officer_b, start=START, end=END, now=NOW)
    assert [t.town for t in outsider.towns] == [cast.town_b]
    assert {d.department: d.received for d in outsider.departments} == {market: 1}


def test_the_dashboard_and_the_api_show_the_figures(cast, dataset, client_for):
    market, _env = dataset
    with clock.at(NOW):
        page = client_for(cast.admin).get(
            reverse("whistle-assessment"), {"start": "2026-03-01", "end": "2026-03-31", "lang": "en"}
        )
        api = client_for(cast.admin).get(
            reverse("api-whistle-assessment"), {"start": "2026-03-01", "end": "2026-03-31"}
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert "chart.umd.min.js" in html and 'id="chart-departments"' in html
    assert f'data-department="{market.code}"' in html and "50%" in html
    body = api.json()
    row = next(d for d in body["departments"] if d["department_id"] == market.pk)
    assert row["on_time_rate"] == 0.5 and row["return_rate"] == 0.25 and row["average_rating"] == 4.0
    assert (
        client_for(cast.admin)
        .get(reverse("api-whistle-assessment"), {"start": "2026-03-31", "end": "2026-03-01"})
        .status_code
        == 400
    )
