"""The dashboards' figures against a hand count on a small data set; the incremental refresh after a case
closes; who may read which figures (denials on the page and the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseOfficer
from enforcement.models import City, FenceWarning, Role, Subject, Unit
from enforcement.services import district_set_city, user_create
from figures.compute import COUNT_FIELDS
from figures.models import TownMonth
from figures.selectors import Period, dashboard_for
from figures.services import figures_reconcile, figures_refresh
from inspections.models import InspectionTask, TaskInvitation, Visit
from tests.factories import make_district, make_unit, make_user
from whistles.models import WhistleAssignment, WhistleRequest

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")
COUNTED = [*COUNT_FIELDS, "handling_days"]
D = dt.date
SEP, OCT = D(2025, 9, 1), D(2025, 10, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BJ)


def case(cast: Any, town: Unit, *, steps: int = 0, **fields: Any) -> Case:
    c = Case.objects.create(
        district=cast.district,
        town=town,
        title="占道经营",
        act_on=D(2025, 7, 1),
        description="店外占道经营",
        created_by=cast.officer_a,
        **fields,
    )
    # "create" and "declare" are recorded events but not procedure steps; the workflow actions are.
    CaseEvent.objects.create(case=c, action="create", to_stage="lead")
    CaseEvent.objects.create(case=c, action="declare")
    actions = [
        "start_check",
        "propose_filing",
        "approve_filing",
        "serve_notice",
        "decide",
        "serve_decision",
        "record_payment",
        "close",
        "archive",
        "pause",
    ]
    for action in actions[:steps]:
        CaseEvent.objects.create(case=c, action=action)
    return c


def build(cast: Any) -> None:
    """The small data set; each figure's hand count is written beside the test that reads it."""
    a, b = cast.town_a, cast.town_b
    # previous period (Jul-Aug 2025): one case, 40 days, 10 steps
    case(cast, a, steps=10, filed_on=D(2025, 7, 1), closed_on=D(2025, 8, 10), stage="closed")
    # Sep, town A: 10, 20 and 41 days; 5 + 3 + 4 steps; served electronically and paid online (c1), served
    # directly and paid at the bank (c2), served electronically with no fine (c3). Decisions: inside, heavier,
    # none with a benchmark.
    case(
        cast,
        a,
        steps=5,
        filed_on=D(2025, 9, 1),
        closed_on=D(2025, 9, 11),
        stage="closed",
        decided_on=D(2025, 9, 8),
        deviation_kind="inside",
        served_on=D(2025, 9, 9),
        service_method="electronic",
        fine=Decimal(200),
        payment_channel="online",
    )
    case(
        cast,
        a,
        steps=3,
        filed_on=D(2025, 9, 1),
        closed_on=D(2025, 9, 21),
        stage="archived",
        decided_on=D(2025, 9, 15),
        deviation_kind="heavier",
        served_on=D(2025, 9, 16),
        service_method="direct",
        fine=Decimal(100),
        payment_channel="bank",
    )
    case(
        cast,
        a,
        steps=4,
        filed_on=D(2025, 8, 20),
        closed_on=D(2025, 9, 30),
        stage="closed",
        decided_on=D(2025, 9, 25),
        served_on=D(2025, 9, 26),
        service_method="electronic",
    )
    # a lead closed without filing: no handling time
    case(cast, a, steps=1, closed_on=D(2025, 9, 5), stage="closed")
    # Oct, town A: 32 days, 2 steps, never served; an open case decided inside the tier
    case(cast, a, steps=2, filed_on=D(2025, 9, 1), closed_on=D(2025, 10, 3), stage="closed")
    case(
        cast, a, filed_on=D(2025, 9, 20), decided_on=D(2025, 10, 10), deviation_kind="inside", stage="decided"
    )
    # Oct, town B: 4 days, 6 steps, electronic and paid online, decided lighter than the tier
    case(
        cast,
        b,
        steps=6,
        filed_on=D(2025, 10, 1),
        closed_on=D(2025, 10, 5),
        stage="closed",
        decided_on=D(2025, 10, 3),
        deviation_kind="lighter",
        served_on=D(2025, 10, 4),
        service_method="electronic",
        fine=Decimal(50),
        payment_channel="online",
    )

    s1, s2, s3 = (
        Subject.objects.create(
            district=cast.district, kind="organisation", name=f"商户{n}", identifier=f"S{n}"
        )
        for n in (1, 2, 3)
    )
    task = dict(
        district=cast.district,
        town=a,
        lead_unit=a,
        kind="routine",
        title="检查",
        created_by=cast.officer_a,
        status="done",
    )
    t1 = InspectionTask.objects.create(
        **task, subject=s1, planned_on=D(2025, 9, 5), entered_at=at(D(2025, 9, 5))
    )
    t2 = InspectionTask.objects.create(
        **task, subject=s1, planned_on=D(2025, 9, 20), entered_at=at(D(2025, 9, 20))
    )
    TaskInvitation.objects.create(
        task=t1, department=cast.department, status="accepted", invited_by=cast.officer_a
    )
    other = make_unit(cast.district, Unit.Kind.DEPARTMENT, code="T500-OTHER", name_zh="另一部门")
    TaskInvitation.objects.create(
        task=t1, department=other, status="declined", reason="人手不足", invited_by=cast.officer_a
    )

    def visit(
        subject: Subject,
        day: dt.date,
        task: InspectionTask | None = None,
        unit: Unit | None = None,
        purpose: str = "inspection",
    ) -> None:
        Visit.objects.create(
            district=cast.district,
            subject=subject,
            unit=unit or a,
            town=a,
            task=task,
            visited_on=day,
            purpose=purpose,
            recorded_by=cast.officer_a,
        )

    visit(s2, D(2025, 8, 1))  # previous period
    visit(s3, D(2025, 8, 5))
    visit(s3, D(2025, 8, 15))  # repeat (10 days after)
    visit(s1, D(2025, 9, 5), t1)
    visit(s1, D(2025, 9, 5), t1, unit=cast.department)  # the joint visit's other body: not a repeat
    visit(s1, D(2025, 9, 20), t2)  # repeat (15 days after t1)
    visit(s2, D(2025, 9, 10))  # 40 days after 1 Aug: not a repeat
    visit(s2, D(2025, 10, 25))  # 45 days after: not a repeat
    visit(s2, D(2025, 10, 26), purpose="guidance")  # not an inspection

    def assignment(due: dt.date, handled: dt.date | None, status: str) -> None:
        whistle = WhistleRequest.objects.create(
            district=cast.district,
            town=a,
            raised_by=cast.officer_a,
            title="吹哨",
            description="需要部门",
            reason="no_power",
            address="测试路",
            status="open",
        )
        WhistleAssignment.objects.create(
            whistle=whistle,
            department=cast.department,
            status=status,
            sent_at=at(D(2025, 9, 1)),
            check_in_due=at(D(2025, 9, 2)),
            on_site_due=at(D(2025, 9, 3)),
            handle_due=at(due, 18),
            remind_before=dt.timedelta(hours=1),
            escalate_after=dt.timedelta(hours=1),
            handled_at=at(handled, 12) if handled else None,
        )

    assignment(D(2025, 9, 10), D(2025, 9, 9), "closed")  # on time
    assignment(D(2025, 9, 12), D(2025, 9, 14), "closed")  # late
    assignment(D(2025, 9, 15), None, "sent")  # past due, not handled: late
    assignment(D(2025, 9, 20), None, "cancelled")  # withdrawn: left out

    def warning(key: str, raised: dt.date, status: str, resolved: dt.date | None = None) -> None:
        FenceWarning.objects.create(
            rule="test.rule",
            key=key,
            town=a,
            district=cast.district,
            message="提示",
            status=status,
            raised_at=at(raised),
            resolved_at=at(resolved) if resolved else None,
        )

    warning("f1", D(2025, 9, 2), "confirmed")
    warning("f2", D(2025, 9, 3), "resolved", D(2025, 10, 2))
    warning("f3", D(2025, 9, 4), "dismissed")
    warning("f4", D(2025, 10, 5), "open")


def test_district_figures_equal_the_hand_count(cast: Any) -> None:
    build(cast)
    figures_reconcile()
    board = dashboard_for(
        user=cast.admin, level="district", pk=cast.district.pk, period=Period.ending(OCT, 2)
    )
    t, p = board.total, board.previous
    # Handling days closed in Sep-Oct: A 10, 20, 41, 32; B 4 -> sorted 4 10 20 32 41: median 20;
    # p90 by nearest rank: ceil(0.9 * 5) = 5th value = 41. Previous period: one case of 40 days.
    assert (t.cases_closed, t.median_days, t.p90_days) == (5, 20, 41)
    assert (p.cases_closed, p.median_days) == (1, 40)
    assert board.change["median_days"] == pytest.approx((20 - 40) / 40)  # -50 %
    # Steps: 5 + 3 + 4 + 2 + 6 = 20 over 5 cases = 4.0; previous 10 -> change -60 %.
    assert t.steps_per_case == pytest.approx(20 / 5)
    assert board.change["steps_per_case"] == pytest.approx((4 - 10) / 10)
    # Fully online: served closed cases c1, c2, c3 (A) and B's = 4; online c1, c3, B's = 3.
    assert (t.served_closed, t.online) == (4, 3) and t.online_share == pytest.approx(3 / 4)
    # Decisions with a benchmark: inside (Sep), heavier (Sep), inside (Oct, open case), lighter (B) = 4;
    # inside 2 -> match 50 %, deviation 50 %.
    assert (t.decisions_benchmarked, t.decisions_inside) == (4, 2)
    assert t.match_rate == pytest.approx(0.5) and t.deviation_rate == pytest.approx(0.5)
    # Inspections entered: t1 (joint: one accepted, one declined), t2 -> 2, joint 1, one visit saved.
    assert (t.inspections, t.joint_inspections, t.visits_saved) == (2, 1, 1)
    assert t.joint_share == pytest.approx(0.5)
    # Inspection visits Sep-Oct: s1 x3 (one of t1's bodies each), s2 x2 = 5; repeats: s1 on 20 Sep only.
    # Previous: 3 visits, 1 repeat (s3 on 15 Aug). Rate 1/5 against 1/3: change (0.2 - 1/3) / (1/3) = -40 %.
    assert (t.visits, t.repeat_visits) == (5, 1)
    assert (p.visits, p.repeat_visits) == (3, 1)
    assert board.change["repeat_rate"] == pytest.approx((1 / 5 - 1 / 3) / (1 / 3))
    # Whistles due in Sep: on time, late, past due unhandled = 3 (the withdrawn one left out); on time 1.
    assert (t.whistle_due, t.whistle_on_time) == (3, 1)
    assert t.whistle_on_time_rate == pytest.approx(1 / 3)
    # Warnings raised: f1, f2, f3 (Sep), f4 (Oct) = 4; confirmed f1 and f2 (resolved after confirming) = 2;
    # resolved in the period: f2 (2 Oct) = 1.
    assert (t.warnings_raised, t.warnings_confirmed, t.warnings_resolved) == (4, 2, 1)
    # Month by month, town A in September: 10, 20, 41 days -> median 20, p90 41; 12 steps / 3 = 4.0.
    sep = dict(board.months)[SEP]
    assert (sep.cases_closed, sep.median_days, sep.p90_days, sep.steps_per_case) == (4 - 1, 20, 41, 4.0)
    # By town: B closed one case of 4 days; A four (Sep three, Oct one of 32 days): 10 20 32 41 -> (20+32)/2.
    by_town = {line.pk: line.figures for line in board.units}
    assert by_town[cast.town_b.pk].median_days == 4
    assert by_town[cast.town_a.pk].median_days == (20 + 32) / 2
    # A recount changes nothing.
    before = list(TownMonth.objects.order_by("pk").values())
    figures_reconcile()
    assert [{**r, "refreshed_at": None} for r in TownMonth.objects.order_by("pk").values()] == [
        {**r, "refreshed_at": None} for r in before
    ]


def test_page_api_and_exports_show_the_same_figures(cast: Any, client: Any) -> None:
    build(cast)
    figures_reconcile()
    client.force_login(cast.admin)
    url = f"/figures/districts/{cast.district.pk}/?end=2025-10&months=3"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试区" in text and "20" in text and 'data-testid="chart-median_days"' in text
    api = client.get(f"/api/figures/districts/{cast.district.pk}/?end=2025-10&months=3").json()
    # Aug-Oct: the 40-day case of August joins: 4 10 20 32 40 41 -> median (20 + 32) / 2 = 26.
    assert api["total"]["median_days"] == 26 and api["total"]["cases_closed"] == 6
    assert [m["month"] for m in api["months"]] == ["2025-08-01", "2025-09-01", "2025-10-01"]
    csv = client.get(url + "&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "2025-09" in csv.content.decode("utf-8-sig")
    xlsx = client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get(f"/api/figures/districts/{cast.district.pk}/?end=2025-13")
    assert bad.status_code == 400 and "end" in bad.json()["errors"]


def test_a_case_closing_refreshes_its_town_month(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from cases.lifecycle import case_act

    today = timezone.localdate()
    c = case(
        cast,
        cast.town_a,
        filed_on=today - dt.timedelta(days=12),
        stage="executed",
        decided_on=today - dt.timedelta(days=3),
        served_on=today - dt.timedelta(days=2),
        service_method="electronic",
        paid_on=today - dt.timedelta(days=1),
        payment_channel="online",
        fine=Decimal(100),
        number="测试执〔2025〕1号",
    )
    for index, officer in enumerate([cast.officer_a, cast.officer_a2]):
        CaseOfficer.objects.create(case=c, officer=officer, lead=index == 0, declared_at=timezone.now())
    month = today.replace(day=1)
    figures_refresh(pairs=[(cast.town_a.pk, month)])
    row = TownMonth.objects.get(town=cast.town_a, month=month)
    assert row.cases_closed == 0
    with django_capture_on_commit_callbacks(execute=True):
        case_act(actor=cast.supervisor_a, case=c, action="close", data={"version": None, "note": ""})
    row.refresh_from_db()
    assert row.cases_closed == 1 and row.handling_days == {"12": 1} and row.online == 1
    assert row.steps_total == 1  # the close itself (the case was written at "executed" directly)
    # The task is a recount: run again (a redelivered message), it changes nothing.
    from figures.tasks import figures_refresh_task

    before = TownMonth.objects.filter(pk=row.pk).values(*COUNTED).get()
    figures_refresh_task("cases.case", str(c.pk), [[cast.town_a.pk, month.isoformat()]])
    assert TownMonth.objects.filter(pk=row.pk).values(*COUNTED).get() == before
    # A new lead counts nowhere yet: its audit row queues no refresh.
    from enforcement.audit import audit_record
    from enforcement.models import OutboxMessage

    queued = OutboxMessage.objects.count()
    lead = case(cast, cast.town_a)
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        audit_record(actor=cast.officer_a, action="cases.case.create", obj=lead, town=cast.town_a)
    assert OutboxMessage.objects.count() == queued
    # ... while a closed case's change (archiving) queues one.
    closed = case(cast, cast.town_a, filed_on=today - dt.timedelta(days=3), closed_on=today, stage="closed")
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        audit_record(actor=cast.supervisor_a, action="cases.case.archive", obj=closed, town=cast.town_a)
    assert OutboxMessage.objects.count() == queued + 1


def city_user(city: City, username: str) -> Any:
    """A city supervisor: a member of the city (User.city), no unit, as the supervisor's desk makes them."""
    return user_create(
        actor=None, username=username, password=None, unit=None, roles=[Role.CITY_SUPERVISOR], city=city
    )


def test_who_reads_which_figures(cast: Any, client: Any) -> None:
    build(cast)
    figures_reconcile()
    a, b = cast.town_a, cast.town_b
    supervisor_b = make_user(b, [Role.SUPERVISOR, Role.OFFICER], username="supervisor_b", full_name="乙队长")
    other = make_district("T900", name_zh="别的区")
    other_office = make_unit(other, Unit.Kind.DISTRICT_OFFICE, code="T900-SFJ", name_zh="别区司法局")
    other_admin = make_user(
        other_office, [Role.DISTRICT_ADMIN], username="other_admin", full_name="别区管理员"
    )
    city = City.objects.create(code="C1", name_zh="测试市")
    other_city = City.objects.create(code="C2", name_zh="别的市")
    district_set_city(actor=None, district=cast.district, city=city)
    district_set_city(actor=None, district=other, city=other_city)
    city_supervisor = city_user(other_city, "city_sup")

    def status(user: Any, path: str) -> int:
        client.force_login(user)
        return int(client.get(path).status_code)

    town_a, town_b = f"/figures/towns/{a.pk}/", f"/figures/towns/{b.pk}/"
    district = f"/figures/districts/{cast.district.pk}/"
    # A town's supervisor reads their town only: another town's page and API are 404, as is the district's.
    assert status(cast.supervisor_a, town_a) == 200
    assert status(cast.supervisor_a, "/api" + town_b) == 404
    assert status(supervisor_b, town_a) == 404 and status(supervisor_b, "/api" + town_a) == 404
    assert status(supervisor_b, district) == 404
    # An officer reads no figures.
    assert status(cast.officer_a, town_a) == 404
    # A district's administrator reads the district and its towns, not another district's.
    assert status(cast.admin, district) == 200 and status(cast.admin, town_b) == 200
    assert status(other_admin, district) == 404 and status(other_admin, "/api" + district) == 404
    assert status(other_admin, town_a) == 404
    # A city supervisor of another city reads neither this city, nor its districts, nor its towns.
    assert status(city_supervisor, f"/figures/cities/{city.pk}/") == 404
    assert status(city_supervisor, district) == 404 and status(city_supervisor, "/api" + town_a) == 404
    assert status(city_supervisor, f"/figures/cities/{other_city.pk}/") == 200
    # ... and one of this city reads every district of it.
    ours = city_user(city, "city_ours")
    assert status(ours, f"/figures/cities/{city.pk}/") == 200 and status(ours, district) == 200
    client.force_login(ours)
    body = client.get(f"/api/figures/cities/{city.pk}/?end=2025-10&months=3").json()
    assert [u["name"] for u in body["units"]] == ["测试区"] and body["total"]["cases_closed"] == 6


def test_the_demo_databases_count_the_same(cast: Any) -> None:
    """The demo runs on SQLite: its ORM-and-Python counting and summing give what PostgreSQL's SQL gives."""
    from figures import selectors
    from figures.compute import compute, compute_portable

    build(cast)

    def plain(found: Any) -> dict[Any, Any]:
        return {k: (dict(+v.counts), dict(v.handling_days)) for k, v in found.items() if +v.counts}

    assert plain(compute_portable(None)) == plain(compute(None))
    pairs = [(cast.town_a.pk, SEP), (cast.town_b.pk, OCT), (cast.town_b.pk, SEP)]
    assert plain(compute_portable(pairs)) == plain(compute(pairs))
    figures_reconcile()
    period = Period.ending(OCT, 3)
    for level, pk in (("district", cast.district.pk), ("town", cast.town_a.pk)):
        obj = selectors._scope(cast.admin, level, pk)[0]
        assert sorted(map(str, selectors._grouped_portable(level, obj, period))) == sorted(
            map(str, selectors._grouped(level, obj, period))
        )


def test_a_corrected_date_refreshes_the_month_it_left(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from enforcement.audit import audit_record

    c = case(cast, cast.town_a, filed_on=D(2025, 9, 1), closed_on=D(2025, 9, 11), stage="closed")
    figures_reconcile()
    assert TownMonth.objects.get(town=cast.town_a, month=SEP).cases_closed == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Case.objects.filter(pk=c.pk).update(closed_on=D(2025, 10, 2))
        audit_record(
            actor=cast.supervisor_a,
            action="cases.case.update",
            obj=c,
            town=cast.town_a,
            before={"closed_on": D(2025, 9, 11)},
            after={"closed_on": D(2025, 10, 2)},
        )
    # September lost its case, October gained it: 31 days from filing.
    assert TownMonth.objects.get(town=cast.town_a, month=SEP).cases_closed == 0
    october = TownMonth.objects.get(town=cast.town_a, month=OCT)
    assert october.cases_closed == 1 and october.handling_days == {"31": 1}


def test_warnings_a_sweep_raises_reach_their_row(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A sweep announces the warnings it inserted (enforcement.fences.warnings_event): their rows follow."""
    from enforcement import fences

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        raised = [
            FenceWarning.objects.create(
                rule="test.sweep",
                key=f"k{n}",
                town=cast.town_a,
                district=cast.district,
                message="提示",
                raised_at=at(D(2025, 9, 2 + n)),
            )
            for n in range(3)
        ]
        fences.warnings_event(fences.RAISED, raised)
    assert TownMonth.objects.get(town=cast.town_a, month=SEP).warnings_raised == 3


def test_city_figures_equal_the_hand_count_over_two_districts(cast: Any) -> None:
    """The city level sums its districts' rows: its median and p90 come from the merged histograms, not from
    the districts' medians."""
    build(cast)
    city = City.objects.create(code="C1", name_zh="测试市")
    other = make_district("T900", name_zh="别的区")
    district_set_city(actor=None, district=cast.district, city=city)
    district_set_city(actor=None, district=other, city=city)
    town = make_unit(other, Unit.Kind.TOWN, code="T900-A", name_zh="丁街道")
    for filed, closed, steps in ((D(2025, 9, 2), D(2025, 9, 10), 2), (D(2025, 7, 1), D(2025, 10, 9), 4)):
        c = Case.objects.create(
            district=other,
            town=town,
            title="噪声扰民",
            act_on=D(2025, 6, 1),
            description="夜间施工噪声",
            created_by=cast.officer_a,
            filed_on=filed,
            closed_on=closed,
            stage="closed",
        )
        for action in ["start_check", "propose_filing", "approve_filing", "close"][:steps]:
            CaseEvent.objects.create(case=c, action=action)
    figures_reconcile()
    board = dashboard_for(
        user=city_user(city, "city_sup"), level="city", pk=city.pk, period=Period.ending(OCT, 2)
    )
    t = board.total
    # Handling days closed Sep-Oct: the test district's 4 10 20 32 41, the other's 8 and 100 (1 Jul -> 9 Oct).
    # Sorted 4 8 10 20 32 41 100: median the 4th = 20; p90 by nearest rank ceil(0.9 * 7) = 7th = 100.
    assert (t.cases_closed, t.median_days, t.p90_days) == (7, 20, 100)
    # Steps: 20 (the test district) + 2 + 4 = 26 over 7 cases.
    assert t.steps_per_case == pytest.approx(26 / 7)
    # Each district on its own: 4 10 20 32 41 -> 20; 8 100 -> (8 + 100) / 2 = 54.
    by_district = {line.pk: line.figures for line in board.units}
    assert by_district[cast.district.pk].median_days == 20
    assert by_district[other.pk].median_days == 54
    # The other district has no visits, whistles or warnings: the city's equal the test district's.
    assert (t.visits, t.repeat_visits, t.whistle_due, t.whistle_on_time) == (5, 1, 3, 1)
    assert (t.warnings_raised, t.warnings_confirmed, t.warnings_resolved) == (4, 2, 1)
