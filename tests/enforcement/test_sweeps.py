"""Fence sweeps (enforcement.sweeps): each rule has a case that raises it and one that does not; a second
run changes nothing; a run leaves one audit row; the management command and the beat entry.

Every test names its day (the sweeps take `day`; deadline rules on whistles take the clock): nothing depends
on today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem
from cases.models import Case, CaseOfficer
from enforcement import clock
from enforcement.calendar import add_working_days
from enforcement.models import AuditEvent, FenceRuleSetting, FenceWarning, Subject
from enforcement.sweeps import pg_format, run_sweep, sweep_for
from inspections.models import InspectionTask, Visit

DAY = dt.date(2026, 6, 10)  # a Wednesday
TZ = ZoneInfo("Asia/Shanghai")


def run(code: str, day: dt.date = DAY) -> int:
    sweep = sweep_for(code)
    assert sweep is not None, code
    return run_sweep(sweep, day=day).raised


def warnings(code: str) -> list[FenceWarning]:
    return list(FenceWarning.objects.filter(rule=code).order_by("key"))


def subject(cast, name: str = "某餐馆") -> Subject:
    return Subject.objects.create(district=cast.district, kind="company", name=name)


def task(cast, subj, *, unit=None, on=DAY, kind="routine", status="checked", exemption="", by=None):
    return InspectionTask.objects.create(
        district=cast.district,
        town=cast.town_a,
        lead_unit=unit or cast.town_a,
        kind=kind,
        exemption=exemption,
        subject=subj,
        title=f"检查 {subj.name}",
        planned_on=on,
        status=status,
        created_by=by or cast.officer_a,
    )


def visit(cast, subj, on, *, unit=None, t=None, with_code=True, file_due=None, recorded=None, purpose=None):
    return Visit.objects.create(
        district=cast.district,
        subject=subj,
        unit=unit or cast.town_a,
        town=cast.town_a,
        task=t,
        purpose=purpose or Visit.Purpose.INSPECTION,
        visited_on=on,
        with_code=with_code,
        no_code_reason="" if with_code else "没有网络",
        file_due=file_due,
        recorded_by=cast.officer_a,
        recorded_at=recorded or timezone.make_aware(dt.datetime.combine(on, dt.time(15)), TZ),
    )


def case(cast, **fields) -> Case:
    defaults = {
        "district": cast.district,
        "town": cast.town_a,
        "title": "占道经营",
        "act_on": DAY - dt.timedelta(days=60),
        "description": "事实",
        "created_by": cast.officer_a,
    }
    c = Case.objects.create(**(defaults | fields))
    CaseOfficer.objects.create(case=c, officer=cast.officer_a, lead=True)
    return c


# --- the machinery ------------------------------------------------------------------------------------------


def test_pg_format_turns_named_placeholders_into_positional_ones_a_translation_may_reorder():
    assert pg_format("{b} 在 {a}, 100%", ["a", "b"]) == "%2$s 在 %1$s, 100%%"


def test_a_sweep_run_twice_raises_nothing_the_second_time_and_audits_each_run_once(cast):
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=45), t=task(cast, s))
    visit(cast, s, DAY - dt.timedelta(days=10), unit=cast.department, t=task(cast, s, unit=cast.department))
    before = AuditEvent.objects.filter(action="enforcement.fence.sweep").count()
    assert run("inspections.repeat_visit") == 0  # 35 days apart: outside the window
    v = visit(cast, s, DAY - dt.timedelta(days=3), t=task(cast, s))
    assert run("inspections.repeat_visit") == 1
    assert run("inspections.repeat_visit") == 0
    assert FenceWarning.objects.filter(rule="inspections.repeat_visit").count() == 1
    w = warnings("inspections.repeat_visit")[0]
    assert (w.key, w.object_id, w.town_id, w.district_id, w.officer_id, w.subject_id) == (
        f"visit:{v.pk}",
        str(v.pk),
        cast.town_a.pk,
        cast.district.pk,
        cast.officer_a.pk,
        s.pk,
    )
    assert w.details["days"] == 7 and w.details["previous_unit"] == cast.department.pk
    assert w.severity == "warning" and w.status == "open"
    # In the default language (Chinese), the facts filled in by the database.
    previous = DAY - dt.timedelta(days=10)
    again = DAY - dt.timedelta(days=3)
    assert w.message == f"某餐馆于{again}再次被检查，距{cast.department.name_zh}于{previous}的检查仅7天。"
    runs = AuditEvent.objects.filter(action="enforcement.fence.sweep").order_by("pk")
    assert runs.count() == before + 3  # one summary row per run, none per warning
    assert runs.last().after["raised"] == 0


def test_the_command_lists_counts_and_a_dry_run_raises_nothing(cast):
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=5), t=task(cast, s))
    visit(cast, s, DAY - dt.timedelta(days=2), t=task(cast, s))
    out = StringIO()
    call_command(
        "run_fence_sweeps",
        "--rule",
        "inspections.repeat_visit",
        "--dry-run",
        "--day",
        DAY.isoformat(),
        stdout=out,
    )
    assert "would raise       1" in out.getvalue()
    assert not FenceWarning.objects.exists()
    call_command(
        "run_fence_sweeps", "--rule", "inspections.repeat_visit", "--day", DAY.isoformat(), stdout=out
    )
    assert FenceWarning.objects.filter(rule="inspections.repeat_visit").count() == 1


def test_the_command_refuses_an_unknown_rule_and_a_bad_day(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown rule"):
        call_command("run_fence_sweeps", "--rule", "no.such_rule")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_fence_sweeps", "--day", "10/06/2026")


def test_beat_runs_the_sweeps_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["fence-sweeps-hourly"]
    assert entry["task"] == "enforcement.tasks.fence_sweeps_task"


def test_a_district_setting_in_force_on_the_day_changes_the_window_and_can_disable_the_rule(cast):
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=50), t=task(cast, s))
    visit(cast, s, DAY - dt.timedelta(days=5), t=task(cast, s))  # 45 days later: outside the default 30
    FenceRuleSetting.objects.create(
        district=cast.district,
        rule="inspections.repeat_visit",
        params={"window_days": 60},
        effective_from=DAY,
    )
    assert run("inspections.repeat_visit", DAY - dt.timedelta(days=1)) == 0  # not yet in force
    FenceRuleSetting.objects.create(
        district=cast.district,
        rule="inspections.repeat_visit",
        enabled=False,
        effective_from=DAY + dt.timedelta(days=1),
    )
    assert run("inspections.repeat_visit", DAY + dt.timedelta(days=1)) == 0  # disabled from then on
    assert run("inspections.repeat_visit", DAY) == 1


# --- inspections --------------------------------------------------------------------------------------------


def test_an_exempt_recheck_within_the_window_is_no_repeat(cast):
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=5), t=task(cast, s))
    visit(cast, s, DAY - dt.timedelta(days=2), t=task(cast, s, exemption="recheck"))
    assert run("inspections.repeat_visit") == 0


def test_a_planned_visit_near_another_unit_s_plan_is_told_to_join_it(cast):
    s = subject(cast)
    first = task(cast, s, unit=cast.department, on=DAY + dt.timedelta(days=10), status="approved")
    second = task(cast, s, on=DAY + dt.timedelta(days=20), status="draft")
    assert run("inspections.duplicate_plan") == 1
    (w,) = warnings("inspections.duplicate_plan")
    assert w.key == f"task:{second.pk}" and w.severity == "prompt"
    assert w.details["join_task"] == first.pk and w.details["url"].endswith(f"/{first.pk}/")
    assert run("inspections.duplicate_plan") == 0


def test_a_plan_far_from_any_other_is_no_duplicate(cast):
    s = subject(cast)
    task(cast, s, unit=cast.department, on=DAY + dt.timedelta(days=1), status="approved")
    task(cast, s, on=DAY + dt.timedelta(days=60), status="draft")
    task(cast, s, on=DAY + dt.timedelta(days=2), status="cancelled")
    assert run("inspections.duplicate_plan") == 0


def test_a_second_routine_visit_in_the_year_is_over_the_default_cap_of_one(cast):
    s = subject(cast)
    visit(cast, s, dt.date(2026, 2, 1), t=task(cast, s))
    assert run("inspections.over_cap") == 0
    second = visit(cast, s, dt.date(2026, 5, 1), t=task(cast, s))
    visit(cast, s, dt.date(2026, 5, 2), t=task(cast, s, kind="clue", exemption="complaint"))  # exempt
    visit(cast, s, dt.date(2026, 5, 3), unit=cast.department, t=task(cast, s, unit=cast.department))
    assert run("inspections.over_cap") == 1
    (w,) = warnings("inspections.over_cap")
    assert w.key == f"visit:{second.pk}" and w.details["count"] == 2 and w.details["cap"] == 1


def test_a_visit_last_year_does_not_count_against_this_year_s_cap(cast):
    s = subject(cast)
    visit(cast, s, dt.date(2025, 11, 1), t=task(cast, s))
    visit(cast, s, dt.date(2026, 3, 1), t=task(cast, s))
    assert run("inspections.over_cap") == 0


def test_visits_that_stop_on_a_business_with_an_open_complaint_case(cast):
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=200), t=task(cast, s))
    last = visit(cast, s, DAY - dt.timedelta(days=120), t=task(cast, s))
    case(cast, subject=s, source="complaint", stage="investigating")
    assert run("inspections.zero_visits") == 1
    (w,) = warnings("inspections.zero_visits")
    assert w.key == f"subject:{s.pk}:last:{last.visited_on}" and w.details["open_complaint_cases"] == 1
    assert run("inspections.zero_visits") == 0


def test_no_zero_visit_warning_without_open_complaints_or_with_a_recent_visit(cast):
    quiet = subject(cast, "无投诉")
    visit(cast, quiet, DAY - dt.timedelta(days=120), t=task(cast, quiet))
    case(cast, subject=quiet, source="complaint", stage="closed")
    visited = subject(cast, "有投诉")
    visit(cast, visited, DAY - dt.timedelta(days=20), t=task(cast, visited))
    case(cast, subject=visited, source="complaint", stage="investigating")
    assert run("inspections.zero_visits") == 0


def test_a_visit_without_a_code_filed_late_or_left_open_past_its_date(cast):
    s = subject(cast)
    on = DAY - dt.timedelta(days=14)
    due = add_working_days(on, 3)
    late = visit(
        cast,
        s,
        on,
        with_code=False,
        file_due=due,
        t=task(cast, s),
        recorded=timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)), TZ),
    )
    still_open = visit(cast, s, on, with_code=False, file_due=due, t=task(cast, s, status="on_site"))
    assert run("inspections.no_code_unfiled") == 2
    assert {w.key for w in warnings("inspections.no_code_unfiled")} == {
        f"visit:{late.pk}",
        f"visit:{still_open.pk}",
    }


def test_a_visit_without_a_code_filed_on_its_last_working_day_is_fine(cast):
    s = subject(cast)
    on = dt.date(2026, 6, 5)  # a Friday: 3 working days later is Wednesday the 10th
    due = add_working_days(on, 3)
    assert due == dt.date(2026, 6, 10)
    visit(
        cast,
        s,
        on,
        with_code=False,
        file_due=due,
        t=task(cast, s),
        recorded=timezone.make_aware(dt.datetime.combine(due, dt.time(23, 30)), TZ),
    )
    visit(cast, s, on, with_code=False, file_due=due, t=task(cast, s, status="on_site"))  # due today
    assert run("inspections.no_code_unfiled") == 0


# --- deadlines ----------------------------------------------------------------------------------------------

DEADLINE_CASES = [
    ("cases.deadline.check", {"stage": "checking"}, "check_due"),
    ("cases.deadline.filing", {"stage": "filing_review"}, "check_due"),
    ("cases.deadline.decision", {"stage": "investigating"}, "decision_due"),
    ("cases.deadline.correction", {"stage": "correcting"}, "correction_due"),
    ("cases.deadline.service", {"stage": "decided"}, "service_due"),
    ("cases.deadline.payment", {"stage": "served"}, "payment_due"),
]


@pytest.mark.parametrize(("code", "fields", "due"), DEADLINE_CASES)
def test_a_deadline_is_a_prompt_before_it_and_a_warning_after_it(cast, code, fields, due):
    soon = case(cast, **fields, **{due: add_working_days(DAY, 2)})
    late = case(cast, **fields, **{due: DAY - dt.timedelta(days=3)})
    assert run(code) == 2
    by_key = {w.key: w for w in warnings(code)}
    assert by_key[f"case:{soon.pk}:{getattr(soon, due)}:soon"].severity == "prompt"
    lw = by_key[f"case:{late.pk}:{DAY - dt.timedelta(days=3)}:late"]
    assert lw.severity == "warning" and lw.details["days_late"] == 3 and lw.officer_id == cast.officer_a.pk
    assert lw.details["url"] == f"/cases/{late.pk}/"
    # The day passes: the prompted case gets its warning, nothing else is raised again.
    assert run(code, add_working_days(DAY, 3)) == 1


@pytest.mark.parametrize(("code", "fields", "due"), DEADLINE_CASES)
def test_a_deadline_far_ahead_or_in_another_stage_raises_nothing(cast, code, fields, due):
    case(cast, **fields, **{due: add_working_days(DAY, 3)})
    case(cast, stage="closed", **{due: DAY - dt.timedelta(days=3)})
    assert run(code) == 0


def test_a_paused_case_is_not_late_for_its_decision(cast):
    case(cast, stage="investigating", decision_due=DAY - dt.timedelta(days=5), paused_since=DAY)
    assert run("cases.deadline.decision") == 0


def test_an_extension_moves_the_decision_deadline_and_raises_anew_only_when_that_passes(cast):
    c = case(cast, stage="investigating", decision_due=DAY - dt.timedelta(days=1))
    assert run("cases.deadline.decision") == 1
    Case.objects.filter(pk=c.pk).update(extended=True, decision_due=DAY + dt.timedelta(days=29))
    assert run("cases.deadline.decision") == 0
    assert run("cases.deadline.decision", DAY + dt.timedelta(days=30)) == 1


def _assignment(cast, status: str, due: dt.datetime):
    from whistles.models import WhistleAssignment, WhistleRequest

    whistle = WhistleRequest.objects.create(
        district=cast.district,
        town=cast.town_a,
        raised_by=cast.officer_a,
        title="油烟扰民",
        reason="beyond_power",
        description="描述",
        raised_at=due - dt.timedelta(days=2),
    )
    return WhistleAssignment.objects.create(
        whistle=whistle,
        department=cast.department,
        status=status,
        sent_at=due - dt.timedelta(days=2),
        check_in_due=due,
        on_site_due=due + dt.timedelta(hours=1),
        handle_due=due + dt.timedelta(hours=2),
        remind_before=dt.timedelta(hours=1),
        escalate_after=dt.timedelta(hours=1),
    )


def test_a_whistle_response_is_prompted_before_its_deadline_and_warned_after(cast):
    now = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)), TZ)
    soon = _assignment(cast, "sent", now + dt.timedelta(hours=2))
    late = _assignment(cast, "on_site", now - dt.timedelta(hours=5))  # handle_due = now - 3 h
    with clock.at(now):
        assert run("whistles.deadline.response") == 2
        assert run("whistles.deadline.response") == 0
    by_obj = {w.object_id: w for w in warnings("whistles.deadline.response")}
    assert by_obj[str(soon.pk)].severity == "prompt" and by_obj[str(late.pk)].severity == "warning"
    assert "油烟扰民" in by_obj[str(late.pk)].message


def test_a_whistle_response_far_ahead_or_handled_raises_nothing(cast):
    now = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)), TZ)
    _assignment(cast, "sent", now + dt.timedelta(hours=30))
    _assignment(cast, "handled", now - dt.timedelta(hours=30))
    with clock.at(now):
        assert run("whistles.deadline.response") == 0


# --- discretion ---------------------------------------------------------------------------------------------


def _item(cast) -> EnforcementItem:
    return EnforcementItem.objects.create(
        district=cast.district,
        code="T-001",
        name_zh="占道经营",
        domain="market",
        default_holder=cast.department,
    )


def _fines(cast, item, officer, fines: list[int]) -> None:
    for n, fine in enumerate(fines):
        c = Case.objects.create(
            district=cast.district,
            town=cast.town_a,
            title="占道经营",
            act_on=DAY - dt.timedelta(days=90),
            description="事实",
            created_by=officer,
            item=item,
            stage="decided",
            decided_on=DAY - dt.timedelta(days=10 + n),
            fine=Decimal(fine),
            recommendation={"fine_min": "100.00", "fine_max": "1000.00"},
        )
        CaseOfficer.objects.create(case=c, officer=officer, lead=True)


def test_an_officer_fining_at_the_top_far_more_often_than_peers(cast):
    item = _item(cast)
    _fines(cast, item, cast.officer_a, [1000, 1000, 950, 1000, 1000, 500])
    _fines(cast, item, cast.officer_a2, [500, 400, 1000, 600, 300])
    _fines(cast, item, cast.supervisor_a, [500, 450, 600, 700, 200])
    assert run("discretion.fine_extremes") == 1
    (w,) = warnings("discretion.fine_extremes")
    assert w.officer_id == cast.officer_a.pk and w.details["side"] == "top"
    assert (w.details["n"], w.details["peer_n"]) == (6, 10)
    assert float(w.details["share"]) == pytest.approx(5 / 6, abs=0.001)
    assert float(w.details["peer_share"]) == pytest.approx(0.1)
    assert w.message == "甲执法员办理T-001的6件案件中83%按幅度上限处罚；本镇街其他执法人员10件中为10%。"
    assert w.key == f"officer:{cast.officer_a.pk}:item:{item.pk}:top:2026-06"
    assert run("discretion.fine_extremes") == 0


def test_officers_fining_alike_or_too_few_cases_raise_nothing(cast):
    item = _item(cast)
    _fines(cast, item, cast.officer_a, [1000, 1000, 500, 500, 500, 500])
    _fines(cast, item, cast.officer_a2, [1000, 1000, 500, 500, 500])
    _fines(cast, item, cast.supervisor_a, [1000, 1000, 1000])  # 3 cases: below min_cases
    assert run("discretion.fine_extremes") == 0


# --- authority ----------------------------------------------------------------------------------------------


def test_an_item_held_and_never_used_is_a_zombie_with_a_recovery_link(cast):
    item = _item(cast)
    grant = AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="statutory", valid_from=DAY - dt.timedelta(days=800)
    )
    assert run("authority.zombie_item") == 1
    (w,) = warnings("authority.zombie_item")
    assert w.object_id == str(grant.pk) and w.details["status"] == "never"
    assert w.details["url"].startswith("/authority/adjustments/new/")
    assert run("authority.zombie_item") == 0


def test_an_item_used_within_the_months_or_held_recently_is_no_zombie(cast):
    item = _item(cast)
    AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="statutory", valid_from=DAY - dt.timedelta(800)
    )
    AuthorityGrant.objects.create(
        town=cast.town_b, item=item, kind="statutory", valid_from=DAY - dt.timedelta(30)
    )
    c = case(cast, item=item, stage="investigating", filed_on=DAY - dt.timedelta(days=40))
    assert c.item_id == item.pk
    assert run("authority.zombie_item") == 0


def test_the_beat_task_queues_every_sweep_and_each_runs_once_with_one_audit_row(
    cast, django_capture_on_commit_callbacks
):
    from enforcement.sweeps import sweeps
    from enforcement.tasks import fence_sweeps_task

    s = subject(cast)
    visit(cast, s, clock.today() - dt.timedelta(days=5), t=task(cast, s))
    visit(cast, s, clock.today() - dt.timedelta(days=2), t=task(cast, s))
    with django_capture_on_commit_callbacks(execute=True):
        assert fence_sweeps_task() == len(sweeps())
    assert FenceWarning.objects.filter(rule="inspections.repeat_visit").count() == 1
    runs = AuditEvent.objects.filter(action="enforcement.fence.sweep")
    assert sorted(runs.values_list("object_id", flat=True)) == sorted(s.code for s in sweeps())


def test_the_zombie_warning_s_link_opens_a_recovery_draft_proposed_for_the_district_admin(cast, client_for):
    item = _item(cast)
    AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="statutory", valid_from=DAY - dt.timedelta(days=800)
    )
    run("authority.zombie_item")
    url = FenceWarning.objects.get(rule="authority.zombie_item").details["url"]
    page = client_for(cast.admin).get(url)
    assert page.status_code == 200
    assert "收回甲街道的T-001 占道经营" in page.content.decode()
    junk = client_for(cast.admin).get("/authority/adjustments/new/?recover=x&town=99999999")
    assert junk.status_code == 200 and "收回甲街道" not in junk.content.decode()
    assert client_for(cast.officer_a).get(url).status_code == 403


def test_a_district_value_of_the_wrong_type_falls_back_to_the_rule_s_default(cast):
    from enforcement.fences import fence_rule
    from enforcement.sweeps import district_params

    FenceRuleSetting.objects.create(
        district=cast.district,
        rule="inspections.repeat_visit",
        params={"window_days": "abc", "lookback_days": "200", "unknown": 1},
        effective_from=DAY,
    )
    rule = fence_rule("inspections.repeat_visit")
    assert rule is not None
    (ours,) = [d for d in district_params(rule, DAY) if d.district_id == cast.district.pk]
    assert ours.params == {"window_days": 30, "lookback_days": 200}
    s = subject(cast)
    visit(cast, s, DAY - dt.timedelta(days=5), t=task(cast, s))
    visit(cast, s, DAY - dt.timedelta(days=2), t=task(cast, s))
    assert run("inspections.repeat_visit") == 1


def test_a_late_deadline_a_sweep_raises_reaches_the_town_s_supervisors_once_and_a_prompt_does_not(cast):
    """The desk's notifications hear of warnings raised in bulk by a sweep as they do of one raised before an
    action: each warning once (a second run raises and announces nothing), prompts not at all."""
    from whistles.models import Notification

    code = "cases.deadline.payment"
    case(cast, stage="served", payment_due=add_working_days(DAY, 2))  # a prompt
    late = case(cast, stage="served", payment_due=DAY - dt.timedelta(days=3))
    assert run(code) == 2
    warning = FenceWarning.objects.get(rule=code, severity="warning")
    sent = Notification.objects.filter(recipient=cast.supervisor_a)
    assert [n.params["warning"] for n in sent] == [warning.pk]
    assert warning.object_id == str(late.pk)
    assert run(code) == 0
    assert sent.count() == 1


@pytest.mark.parametrize("stored", ["200", 200, 200.0, " 45 ", -5, "abc", True, 12.5, [3], None, "0"])
def test_a_sweep_reads_a_district_value_as_the_settings_form_would_accept_it(cast, stored):
    """One coercion for both: what a sweep reads from a stored setting is what `validate_params` would have
    saved for it, or the rule's default where it would have refused it."""
    from django.core.exceptions import ValidationError

    from enforcement.fences import fence_rule, validate_params
    from enforcement.sweeps import district_params

    rule = fence_rule("inspections.repeat_visit")
    assert rule is not None
    FenceRuleSetting.objects.create(
        district=cast.district, rule=rule.code, params={"lookback_days": stored}, effective_from=DAY
    )
    try:
        expected = validate_params(rule, {"lookback_days": stored})["lookback_days"]
    except ValidationError:
        expected = rule.params["lookback_days"]
    (ours,) = [d for d in district_params(rule, DAY) if d.district_id == cast.district.pk]
    assert ours.params["lookback_days"] == expected
