"""The cases' fence sweeps (enforcement.sweeps): each legal deadline of a case as a prompt in the working days
before it and a warning once it has passed, and the periodic comparison of an officer's fines with the
town's peers. One set-based statement per batch; registered from apps.ready().

The deadlines read the dates the case workflow already keeps (cases.deadlines computes them): check_due
(check of a lead and filing), decision_due (90 days + pauses + extension; a case paused now is not
counted), correction_due, service_due, payment_due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from enforcement.calendar import add_working_days
from enforcement.fences import FenceRule
from enforcement.sweeps import Sweep, json_details, register_sweep, url_sql

_CASE_BATCH = 250_000

# The lead officer of a case (who the deadline concerns): the first active lead.
_LEAD = (
    "(SELECT co.officer_id FROM cases_caseofficer co WHERE co.case_id = c.id AND co.lead "
    "AND co.recused_at IS NULL ORDER BY co.id LIMIT 1)"
)
_REF = "coalesce(nullif(c.number, ''), '#' || c.id)"


def _deadline_sql(due: str, where: str) -> str:
    late = f"c.{due} < %(today)s"
    return f"""
SELECT 'case:' || c.id || ':' || c.{due} || CASE WHEN {late} THEN ':late' ELSE ':soon' END AS key,
       c.town_id, c.district_id, {_LEAD} AS officer_id, c.subject_id,
       'cases.case' AS object_type, c.id AS object_id,
       CASE WHEN {late} THEN p.severity ELSE 'prompt' END AS severity,
       CASE WHEN {late} THEN format(%(msg_late)s, {_REF}, c.{due}, %(today)s - c.{due})
            ELSE format(%(msg_soon)s, {_REF}, c.{due}, c.{due} - %(today)s) END AS message,
       {
        json_details(
            due=f"c.{due}",
            stage="c.stage",
            days_late=f"greatest(%(today)s - c.{due}, 0)",
            passed=late,
            url=url_sql("case", "c.id"),
        )
    } AS details
FROM cases_case c
JOIN p ON p.district_id = c.district_id
WHERE c.id >= %(lo)s AND c.id < %(hi)s AND c.{due} IS NOT NULL AND c.{due} <= p.soon_until AND {where}
"""


def _soon_until(district_id: int, params: Mapping[str, Any], day: dt.date) -> dict[str, Any]:
    """The last due date that gets a prompt today: `prompt_working_days` working days ahead."""
    return {"soon_until": add_working_days(day, int(params.get("prompt_working_days") or 0))}


DEADLINES: tuple[tuple[str, Any, Any, str, str], ...] = (
    (
        "cases.deadline.check",
        _("Deadline: check of a lead"),
        _("A lead is checked within the working days set after it was received."),
        "check_due",
        "c.stage IN ('lead', 'checking')",
    ),
    (
        "cases.deadline.filing",
        _("Deadline: filing decision"),
        _("A lead proposed for filing is approved or declined within the same period as its check."),
        "check_due",
        "c.stage = 'filing_review'",
    ),
    (
        "cases.deadline.decision",
        _("Deadline: the 90-day decision"),
        _(
            "A filed case is decided within 90 days of filing, plus the days paused (hearing, testing, "
            "appraisal) and 30 more when an extension was approved; a case paused now is not counted."
        ),
        "decision_due",
        "c.stage IN ('investigating', 'notified', 'hearing', 'legal_review', 'deciding') "
        "AND c.paused_since IS NULL",
    ),
    (
        "cases.deadline.correction",
        _("Deadline: correction follow-up"),
        _("An order to correct is followed up (corrected or not) by the date it set."),
        "correction_due",
        "c.stage = 'correcting'",
    ),
    (
        "cases.deadline.service",
        _("Deadline: service of the decision"),
        _("A decision is served on the party within the working days set after it is made."),
        "service_due",
        "c.stage = 'decided' AND c.served_on IS NULL",
    ),
    (
        "cases.deadline.payment",
        _("Deadline: payment of the fine"),
        _("A fine is paid within 15 days of service; after that the late fee runs (art 72)."),
        "payment_due",
        "c.stage = 'served' AND c.paid_on IS NULL",
    ),
)

EXTREMES = "discretion.fine_extremes"

# Per (town, item): each officer's decided fines at the top / the bottom of the benchmark range against the
# town's other officers for the same item. The officer is the case's lead (a hash join, not a lookup per
# case). Batches by town so a town's peers are all in one batch.
EXTREMES_SQL = f"""
WITH fines AS (
    SELECT c.district_id, c.town_id, c.item_id, lo.officer_id,
           (c.fine >= r.fmax - p.edge * (r.fmax - r.fmin))::int AS top,
           (c.fine <= r.fmin + p.edge * (r.fmax - r.fmin))::int AS bottom
    FROM cases_case c
    JOIN p ON p.district_id = c.district_id
    CROSS JOIN LATERAL (
        SELECT (c.recommendation ->> 'fine_min')::numeric AS fmin,
               (c.recommendation ->> 'fine_max')::numeric AS fmax
    ) r
    JOIN cases_caseofficer lo ON lo.case_id = c.id AND lo.lead
    WHERE c.town_id >= %(lo)s AND c.town_id < %(hi)s AND c.fine IS NOT NULL AND c.item_id IS NOT NULL
      AND c.decided_on > %(today)s - p.period_days AND c.decided_on <= %(today)s
      AND r.fmax > r.fmin
),
per_officer AS (
    SELECT district_id, town_id, item_id, officer_id, count(*) AS n, sum(top) AS top, sum(bottom) AS bottom
    FROM fines GROUP BY district_id, town_id, item_id, officer_id
),
compared AS (
    SELECT o.*, sum(o.n) OVER t - o.n AS peer_n, sum(o.top) OVER t - o.top AS peer_top,
           sum(o.bottom) OVER t - o.bottom AS peer_bottom
    FROM per_officer o
    WINDOW t AS (PARTITION BY o.town_id, o.item_id)
),
sides AS (
    SELECT c.*, s.side, CASE s.side WHEN 'top' THEN c.top ELSE c.bottom END::numeric / c.n AS share,
           CASE s.side WHEN 'top' THEN c.peer_top ELSE c.peer_bottom END::numeric / nullif(c.peer_n, 0)
               AS peer_share
    FROM compared c CROSS JOIN (VALUES ('top'), ('bottom')) AS s(side)
)
SELECT 'officer:' || x.officer_id || ':item:' || x.item_id || ':' || x.side || ':'
           || to_char(%(today)s::date, 'YYYY-MM') AS key,
       x.town_id, x.district_id, x.officer_id, NULL::bigint AS subject_id,
       'authority.enforcementitem' AS object_type, x.item_id AS object_id, p.severity,
       format(
           CASE x.side WHEN 'top' THEN %(msg_top)s ELSE %(msg_bottom)s END,
           coalesce(nullif(u.full_name, ''), u.username), i.code,
           round(100 * x.share) || '%%', round(100 * x.peer_share) || '%%', x.n, x.peer_n
       ) AS message,
       {
    json_details(
        side="x.side",
        item="x.item_id",
        item_code="i.code",
        n="x.n",
        share="round(x.share, 3)",
        peer_n="x.peer_n",
        peer_share="round(x.peer_share, 3)",
        period_days="p.period_days",
        month="to_char(%(today)s::date, 'YYYY-MM')",
    )
} AS details
FROM sides x
JOIN p ON p.district_id = x.district_id
JOIN enforcement_user u ON u.id = x.officer_id
JOIN authority_enforcementitem i ON i.id = x.item_id
WHERE x.n >= p.min_cases AND x.peer_n >= p.min_cases
  AND x.share >= p.min_share AND x.share >= p.ratio * x.peer_share AND x.share - x.peer_share >= p.min_gap
"""


def register() -> None:
    for code, label, description, due, where in DEADLINES:
        register_sweep(
            Sweep(
                rule=FenceRule(
                    code,
                    label,
                    description,
                    severity="warning",
                    params={"prompt_working_days": 2},
                    article=_("Administrative Penalty Law, arts 60, 61, 67"),
                ),
                table="cases_case",
                batch_size=_CASE_BATCH,
                select=_deadline_sql(due, where),
                messages={
                    "soon:case,due,days": _("{case}: the deadline {due} is in {days} day(s)."),
                    "late:case,due,days": _("{case}: the deadline {due} passed {days} day(s) ago."),
                },
                district_values=_soon_until,
                urls={"case": "cases:case"},
            )
        )
    register_sweep(
        Sweep(
            rule=FenceRule(
                EXTREMES,
                _("Fines at the edge of the range far more often than peers"),
                _(
                    "Over the period set, an officer's fines for one item sit at the top (or the bottom) of "
                    "the benchmark range far more often than those of the town's other officers for the same "
                    "item. The officer's share, the peers' share and both counts are shown."
                ),
                severity="prompt",
                params={
                    "period_days": 365,
                    "min_cases": 5,
                    "edge": 0.1,
                    "min_share": 0.5,
                    "ratio": 2.0,
                    "min_gap": 0.3,
                },
            ),
            table="cases_case",
            batch_column="town_id",
            batch_size=1_000_000,
            select=EXTREMES_SQL,
            messages={
                "top:officer,item,share,peers,n,peer_n": _(
                    "{officer} fined at the top of the range for {item} in {share} of {n} cases; the "
                    "town's other officers in {peers} of {peer_n}."
                ),
                "bottom:officer,item,share,peers,n,peer_n": _(
                    "{officer} fined at the bottom of the range for {item} in {share} of {n} cases; the "
                    "town's other officers in {peers} of {peer_n}."
                ),
            },
        )
    )
