"""The inspections' fence sweeps (enforcement.sweeps): repeat inspections of one business by any unit, a
planned visit that duplicates another (join it instead), visits over the yearly cap, visits that stopped on a
business with open complaints, and visits without a code not filed in time. Each is one set-based statement
per batch of subjects or visits; registered from apps.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from enforcement.fences import FenceRule
from enforcement.sweeps import Sweep, json_details, register_sweep, sweep_on_commit, url_sql

from .selectors import frequency_policy_for

REPEAT = "inspections.repeat_visit"
DUPLICATE_PLAN = "inspections.duplicate_plan"
OVER_CAP = "inspections.over_cap"
ZERO_VISITS = "inspections.zero_visits"
NO_CODE_UNFILED = "inspections.no_code_unfiled"

# Cases that count as an open complaint about a business: from a complaint, not finished.
_CASE_DONE = "('closed', 'archived', 'not_filed', 'withdrawn', 'transferred')"
_SUBJECT_BATCH = 250_000

REPEAT_SQL = f"""
SELECT 'visit:' || s.id AS key, s.town_id, s.district_id, s.recorded_by_id AS officer_id, s.subject_id,
       'inspections.visit' AS object_type, s.id AS object_id, p.severity,
       format(%(msg_repeat)s, b.name, s.visited_on, s.visited_on - s.prev_on, s.prev_on, u.name_zh)
           AS message,
       {
    json_details(
        visit="s.id",
        previous_visit="s.prev_id",
        previous_on="s.prev_on",
        previous_unit="s.prev_unit_id",
        unit="s.unit_id",
        days="s.visited_on - s.prev_on",
        window_days="p.window_days",
        url=url_sql("task", "s.task_id"),
    )
} AS details
FROM (
    SELECT v.id, v.subject_id, v.unit_id, v.town_id, v.district_id, v.task_id, v.recorded_by_id, v.visited_on,
           lag(v.visited_on) OVER w AS prev_on, lag(v.unit_id) OVER w AS prev_unit_id,
           lag(v.id) OVER w AS prev_id
    FROM inspections_visit v
    WHERE v.subject_id >= %(lo)s AND v.subject_id < %(hi)s AND v.purpose = 'inspection'
      AND v.visited_on >= %(today)s - (SELECT max(lookback_days + window_days) FROM p)::int
    WINDOW w AS (PARTITION BY v.subject_id ORDER BY v.visited_on, v.id)
) s
JOIN p ON p.district_id = s.district_id
LEFT JOIN inspections_inspectiontask t ON t.id = s.task_id
JOIN enforcement_subject b ON b.id = s.subject_id
JOIN enforcement_unit u ON u.id = s.prev_unit_id
WHERE s.prev_on IS NOT NULL AND s.visited_on - s.prev_on <= p.window_days
  AND s.visited_on >= %(today)s - p.lookback_days
  AND coalesce(t.exemption, '') = '' AND coalesce(t.kind, '') NOT IN ('clue', 'immediate')
"""

DUPLICATE_PLAN_SQL = f"""
SELECT DISTINCT ON (t.id)
       'task:' || t.id AS key, t.town_id, t.district_id, t.created_by_id AS officer_id, t.subject_id,
       'inspections.inspectiontask' AS object_type, t.id AS object_id, p.severity,
       format(%(msg_join)s, b.name, t.planned_on, u.name_zh, o.planned_on, o.title) AS message,
       {
    json_details(
        task="t.id",
        join_task="o.id",
        join_unit="o.lead_unit_id",
        join_on="o.planned_on",
        window_days="p.window_days",
        url=url_sql("task", "o.id"),
    )
} AS details
FROM inspections_inspectiontask t
JOIN p ON p.district_id = t.district_id
JOIN inspections_inspectiontask o
  ON o.subject_id = t.subject_id AND o.id < t.id AND o.lead_unit_id <> t.lead_unit_id
 AND o.status IN ('draft', 'published', 'approved')
 AND abs(o.planned_on - t.planned_on) <= p.window_days
JOIN enforcement_subject b ON b.id = t.subject_id
JOIN enforcement_unit u ON u.id = o.lead_unit_id
WHERE t.subject_id >= %(lo)s AND t.subject_id < %(hi)s
  AND t.status IN ('draft', 'published', 'approved') AND t.planned_on >= %(today)s
ORDER BY t.id, abs(o.planned_on - t.planned_on), o.id
"""

OVER_CAP_SQL = f"""
SELECT 'visit:' || s.id AS key, s.town_id, s.district_id, s.recorded_by_id AS officer_id, s.subject_id,
       'inspections.visit' AS object_type, s.id AS object_id, p.severity,
       format(%(msg_cap)s, u.name_zh, b.name, s.yr, s.n, p.cap) AS message,
       {
    json_details(
        visit="s.id",
        unit="s.unit_id",
        year="s.yr",
        count="s.n",
        cap="p.cap",
        url=url_sql("task", "s.task_id"),
    )
} AS details
FROM (
    SELECT v.id, v.subject_id, v.unit_id, v.town_id, v.district_id, v.recorded_by_id, v.task_id,
           extract(year FROM v.visited_on)::int AS yr,
           row_number() OVER (
               PARTITION BY v.subject_id, v.unit_id, extract(year FROM v.visited_on)
               ORDER BY v.visited_on, v.id
           ) AS n
    FROM inspections_visit v
    JOIN inspections_inspectiontask t ON t.id = v.task_id
    WHERE v.subject_id >= %(lo)s AND v.subject_id < %(hi)s AND v.purpose = 'inspection'
      AND v.visited_on >= make_date(extract(year FROM %(today)s::date)::int - 1, 1, 1)
      AND v.visited_on <= %(today)s
      AND t.kind = 'routine' AND t.exemption = ''
) s
JOIN p ON p.district_id = s.district_id
JOIN enforcement_subject b ON b.id = s.subject_id
JOIN enforcement_unit u ON u.id = s.unit_id
WHERE s.n > p.cap
"""

ZERO_VISITS_SQL = f"""
SELECT 'subject:' || s.subject_id || ':last:' || s.last_on AS key, s.town_id, s.district_id,
       NULL::bigint AS officer_id, s.subject_id,
       'enforcement.subject' AS object_type, s.subject_id AS object_id, p.severity,
       format(%(msg_zero)s, b.name, s.last_on, p.window_days, oc.n) AS message,
       {
    json_details(
        last_visit_on="s.last_on",
        visits_before="s.n",
        window_days="p.window_days",
        open_complaint_cases="oc.n",
    )
} AS details
FROM (
    SELECT v.subject_id, v.district_id, max(v.visited_on) AS last_on, count(*) AS n,
           (array_agg(v.town_id ORDER BY v.visited_on DESC, v.id DESC))[1] AS town_id
    FROM inspections_visit v
    WHERE v.subject_id >= %(lo)s AND v.subject_id < %(hi)s
      AND v.visited_on >= %(today)s - (SELECT max(window_days + prior_days) FROM p)::int
    GROUP BY v.subject_id, v.district_id
) s
JOIN p ON p.district_id = s.district_id
JOIN LATERAL (
    SELECT count(*) AS n FROM cases_case c
    WHERE c.subject_id = s.subject_id AND c.source = 'complaint' AND c.stage NOT IN {_CASE_DONE}
) oc ON oc.n > 0
JOIN enforcement_subject b ON b.id = s.subject_id
WHERE s.last_on < %(today)s - p.window_days
  AND s.last_on >= %(today)s - p.window_days - p.prior_days
"""

NO_CODE_SQL = f"""
SELECT 'visit:' || v.id AS key, v.town_id, v.district_id, v.recorded_by_id AS officer_id, v.subject_id,
       'inspections.visit' AS object_type, v.id AS object_id, p.severity,
       format(%(msg_nocode)s, b.name, v.visited_on, v.file_due) AS message,
       {
    json_details(
        visit="v.id",
        visited_on="v.visited_on",
        file_due="v.file_due",
        filed_on="(v.recorded_at AT TIME ZONE %(tz)s)::date",
        task_status="t.status",
        url=url_sql("task", "v.task_id"),
    )
} AS details
FROM inspections_visit v
JOIN p ON p.district_id = v.district_id
LEFT JOIN inspections_inspectiontask t ON t.id = v.task_id
JOIN enforcement_subject b ON b.id = v.subject_id
WHERE v.id >= %(lo)s AND v.id < %(hi)s AND NOT v.with_code AND v.file_due IS NOT NULL
  AND v.visited_on >= %(today)s - p.lookback_days
  AND ((v.recorded_at AT TIME ZONE %(tz)s)::date > v.file_due
       OR (t.status = 'on_site' AND v.file_due < %(today)s))
"""


def _cap(district_id: int, params: Mapping[str, Any], day: dt.date) -> dict[str, Any]:
    cap = params.get("cap") or frequency_policy_for(district_id).routine_per_year
    return {"cap": int(cap)}


def register() -> None:
    task_url = {"task": "inspection-detail"}
    register_sweep(
        Sweep(
            rule=FenceRule(
                REPEAT,
                _("Same business inspected again within the window"),
                _(
                    "A business was inspected again, by any unit, within the days set after an earlier "
                    "inspection (checks of a complaint and re-checks excepted; on-the-spot visits have their "
                    "own rule)."
                ),
                severity="warning",
                params={"window_days": 30, "lookback_days": 400},
                article=_("Chongqing Order 375, art 29"),
            ),
            table="inspections_visit",
            batch_column="subject_id",
            batch_size=_SUBJECT_BATCH,
            select=REPEAT_SQL,
            messages={
                "repeat:subject,date,days,previous,unit": _(
                    "{subject} was inspected again on {date}, {days} days after {unit} inspected it on "
                    "{previous}."
                )
            },
            urls=task_url,
            unit_args={"unit": "previous_unit"},
        )
    )
    register_sweep(
        Sweep(
            rule=FenceRule(
                DUPLICATE_PLAN,
                _("Planned visit duplicates another"),
                _(
                    "Another unit already plans to visit the same business within the days set: join that "
                    "visit instead of making a second one."
                ),
                severity="prompt",
                params={"window_days": 30},
                article=_("Chongqing Order 375, art 29"),
            ),
            table="inspections_inspectiontask",
            batch_column="subject_id",
            batch_size=_SUBJECT_BATCH,
            select=DUPLICATE_PLAN_SQL,
            messages={
                "join:subject,date,unit,other,title": _(
                    "The visit to {subject} planned for {date} duplicates “{title}” by {unit} on {other}: "
                    "join that visit instead."
                )
            },
            urls=task_url,
            unit_args={"unit": "join_unit"},
        )
    )
    register_sweep(
        Sweep(
            rule=FenceRule(
                OVER_CAP,
                _("Visits over the yearly cap"),
                _(
                    "One body made more routine inspections of one business in a calendar year than the "
                    "district's cap (the frequency policy, or the cap set on this rule)."
                ),
                severity="warning",
                params={"cap": 0},
                article=_("Chongqing Order 375, art 29"),
            ),
            table="inspections_visit",
            batch_column="subject_id",
            batch_size=_SUBJECT_BATCH,
            select=OVER_CAP_SQL,
            messages={
                "cap:unit,subject,year,n,cap": _(
                    "{unit} inspected {subject} for the {n}th time in {year}; the cap is {cap} a year."
                )
            },
            district_values=_cap,
            urls=task_url,
            unit_args={"unit": "unit"},
        )
    )
    register_sweep(
        Sweep(
            rule=FenceRule(
                ZERO_VISITS,
                _("Visits stopped on a business with open complaints"),
                _(
                    "A business that was inspected before has had no visit for the days set while complaint "
                    "cases about it are still open (fences work in both directions)."
                ),
                severity="warning",
                params={"window_days": 90, "prior_days": 365},
            ),
            table="inspections_visit",
            batch_column="subject_id",
            batch_size=_SUBJECT_BATCH,
            select=ZERO_VISITS_SQL,
            messages={
                "zero:subject,last,days,cases": _(
                    "{subject} has had no visit since {last} ({days} days or more) while {cases} complaint "
                    "case(s) about it are open."
                )
            },
        )
    )
    register_sweep(
        Sweep(
            rule=FenceRule(
                NO_CODE_UNFILED,
                _("Visit without a code not filed in time"),
                _(
                    "A visit made without an inspection code must be filed within the working days set "
                    "(3 by default); this one was filed late or its inspection is still open past the date."
                ),
                severity="warning",
                params={"lookback_days": 400},
                article=_("Chongqing Order 375, art 18"),
            ),
            table="inspections_visit",
            select=NO_CODE_SQL,
            messages={
                "nocode:subject,date,due": _(
                    "The visit to {subject} on {date} without an inspection code was not filed by {due}."
                )
            },
            urls=task_url,
        )
    )


def evaluate_visit_on_commit(subject_id: int) -> None:
    """A visit was recorded: once committed, look again at the business's visits (a repeat inspection, the
    yearly cap) without waiting for the hourly sweep."""
    for code in (REPEAT, OVER_CAP):
        sweep_on_commit(code, subject_id)


def evaluate_plan_on_commit(subject_id: int) -> None:
    """A visit was planned: once committed, look for another unit's plan it should join."""
    sweep_on_commit(DUPLICATE_PLAN, subject_id)
