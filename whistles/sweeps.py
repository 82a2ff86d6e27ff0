"""The whistles' fence sweep (enforcement.sweeps): a department's response to a whistle (check in, on site,
handled) as a prompt in the hours before its deadline and a warning once it has passed. One set-based
statement per batch of assignments; registered from apps.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.fences import FenceRule
from enforcement.sweeps import Sweep, json_details, register_sweep, url_sql

RESPONSE = "whistles.deadline.response"

RESPONSE_SQL = f"""
SELECT 'assignment:' || a.id || ':' || a.status || ':' || extract(epoch FROM a.due)::bigint
           || CASE WHEN a.due < %(now)s THEN ':late' ELSE ':soon' END AS key,
       w.town_id, w.district_id, NULL::bigint AS officer_id, NULL::bigint AS subject_id,
       'whistles.whistleassignment' AS object_type, a.id AS object_id,
       CASE WHEN a.due < %(now)s THEN p.severity ELSE 'prompt' END AS severity,
       format(
           CASE WHEN a.due < %(now)s THEN %(msg_late)s ELSE %(msg_soon)s END,
           d.name_zh, w.title, to_char(a.due AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI')
       ) AS message,
       {
    json_details(
        assignment="a.id",
        department="a.department_id",
        step="a.status",
        due="a.due",
        passed="a.due < %(now)s",
        url=url_sql("whistle", "w.id"),
    )
} AS details
FROM (
    SELECT x.*, CASE x.status WHEN 'sent' THEN x.check_in_due WHEN 'acknowledged' THEN x.on_site_due
                ELSE x.handle_due END AS due
    FROM whistles_whistleassignment x
    WHERE x.id >= %(lo)s AND x.id < %(hi)s AND x.status IN ('sent', 'acknowledged', 'on_site')
) a
JOIN whistles_whistlerequest w ON w.id = a.whistle_id
JOIN p ON p.district_id = w.district_id
JOIN enforcement_unit d ON d.id = a.department_id
WHERE a.due <= %(now)s + make_interval(hours => p.prompt_hours)
"""


def register() -> None:
    register_sweep(
        Sweep(
            rule=FenceRule(
                RESPONSE,
                _("Deadline: response to a whistle"),
                _(
                    "A department checks in, goes on site and handles a whistle by the deadlines set; a "
                    "prompt in the hours before each, a warning once it has passed."
                ),
                severity="warning",
                params={"prompt_hours": 4},
            ),
            table="whistles_whistleassignment",
            select=RESPONSE_SQL,
            unit_args={"department": "department"},
            messages={
                "soon:department,whistle,due": _("{department} must respond to “{whistle}” by {due}."),
                "late:department,whistle,due": _(
                    "{department} has not responded to “{whistle}” by the deadline {due}."
                ),
            },
            urls={"whistle": "whistle-detail"},
        )
    )
