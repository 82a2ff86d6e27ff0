"""Demo data for the supervisor's desk: the fence sweeps run once over everything the other seeders made, as
beat runs them every hour, so the desk, the bell and the dashboards' warning figures show what the real rules
raise on the demo's cases, visits, whistles and catalog (late deadlines, unused items, ...). The fences before
an action already left their rows while the cases were replayed (a fine outside the tier with the officer's
reason, a case sent to legal review without evidence).

Then the town supervisors review a few, as they would on the desk: the reasons officers gave for a fine
outside the tier are found justified, and the oldest late payment is confirmed as a problem with the follow-up
asked. Everything goes through the same services as the pages; nothing is written into the tables directly.

Run once: a second build finds every rule already swept and leaves everything as it is (beat keeps the desk
up to date afterwards). On SQLite there are no sweeps (`sweeps_supported`)."""

from __future__ import annotations

from typing import Any

from enforcement.models import AuditEvent, FenceWarning, Role, User
from enforcement.services import fence_warning_review
from enforcement.sweeps import run_all, sweeps, sweeps_supported

S = FenceWarning.Status

JUSTIFIED_NOTE = "已核对案卷，承办人员说明的理由与现场笔录和询问笔录相符，理由成立。"
FOLLOW_UP = "请承办人员三日内催告当事人缴纳罚款，逾期按日加处罚款并报告处理情况。"


def _town_supervisor(town_id: int | None) -> User | None:
    if town_id is None:
        return None
    return (
        User.objects.filter(unit_id=town_id, is_active=True, groups__name=f"role:{Role.SUPERVISOR}")
        .order_by("pk")
        .first()
    )


def _review(warning: FenceWarning, status: str, **text: str) -> bool:
    reviewer = _town_supervisor(warning.town_id)
    if reviewer is None:
        return False
    fence_warning_review(actor=reviewer, warning=warning, status=status, **text)
    return True


def seed(stdout: Any) -> None:
    if not sweeps_supported():
        stdout.write("  fences: no sweeps on SQLite (the fences before an action still apply)")
        return
    # Swept before when every rule has its sweep's audit row (a visit or a plan recorded by the inspections'
    # demo already swept its own business on commit: that is not the whole run).
    codes = {sweep.code for sweep in sweeps()}
    swept = set(
        AuditEvent.objects.filter(action="enforcement.fence.sweep", object_id__in=codes).values_list(
            "object_id", flat=True
        )
    )
    if swept >= codes:
        stdout.write("  fences: already swept (beat runs the sweeps hourly)")
        return
    raised = {result.rule: result.raised for result in run_all()}
    stdout.write(
        "  fences: the sweeps raised "
        + ", ".join(f"{rule} {n}" for rule, n in sorted(raised.items()) if n)
        + f" ({sum(raised.values())} in all)"
    )
    justified = sum(
        _review(w, S.JUSTIFIED, note=JUSTIFIED_NOTE)
        for w in FenceWarning.objects.filter(rule="discretion.deviation", status=S.OPEN)
        .exclude(reason="")
        .order_by("raised_at", "pk")[:3]
    )
    late = (
        FenceWarning.objects.filter(rule="cases.deadline.payment", status=S.OPEN, severity="warning")
        .order_by("raised_at", "pk")
        .first()
    )
    confirmed = int(late is not None and _review(late, S.CONFIRMED, follow_up=FOLLOW_UP))
    stdout.write(f"  fences: {justified} justified, {confirmed} confirmed on the desk")
