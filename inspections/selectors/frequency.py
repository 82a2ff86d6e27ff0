"""The frequency caps (arts 29-30) as a read-only check: routine visits per body per business per year,
high-risk fields, quiet days, the white list, and the planned visit to join instead."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from enforcement.models import District, Subject, Unit

from ..models import (
    FrequencyPolicy,
    InspectionTask,
    TaskInvitation,
    WhiteListEntry,
)
from ..workflow import KIND_EXEMPTION, LIVE_STATUSES, TaskKind
from .tasks import PLANNED_STATUSES

# --- frequency (arts 29-30) ---------------------------------------------------------------------------------


def frequency_policy_for(district: District | int) -> FrequencyPolicy:
    """The district's caps, or the defaults (an unsaved row) when it has not set its own."""
    district_id = district if isinstance(district, int) else district.pk
    return FrequencyPolicy.objects.filter(district_id=district_id).first() or FrequencyPolicy(
        district_id=district_id
    )


@dataclass(frozen=True)
class FrequencyVerdict:
    ok: bool
    reason: str = ""
    exemption: str = ""
    join: InspectionTask | None = None  # the visit already planned that this one could join instead

    def message(self) -> str:
        if self.join is None:
            return self.reason
        return (
            self.reason
            + " "
            + _("Join the visit already planned instead: “%(title)s” by %(unit)s on %(date)s (task %(id)s).")
            % {
                "title": self.join.title,
                "unit": self.join.lead_unit,
                "date": self.join.planned_on,
                "id": self.join.pk,
            }
        )


def counted_tasks(
    *, subject: Subject, body_id: int, year: int, exclude: int | None = None
) -> QuerySet[InspectionTask]:
    """The body's routine, non-exempt, live tasks on the subject in a calendar year: what the cap counts. A
    joint visit counts once for each body that takes part (the lead and every unit that accepted)."""
    qs = InspectionTask.objects.filter(
        Q(lead_unit_id=body_id)
        | Q(invitations__department_id=body_id, invitations__status=TaskInvitation.Status.ACCEPTED),
        subject=subject,
        kind=TaskKind.ROUTINE,
        exemption="",
        status__in=LIVE_STATUSES,
        planned_on__year=year,
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


def capped_pairs(district_id: int, year: int) -> Counter[tuple[int, int]]:
    """Capped routine visits in the year per (body, business): the lead's, and each accepting department's
    (a joint visit counts once for each body that takes part)."""
    capped = InspectionTask.objects.filter(
        district_id=district_id,
        kind=TaskKind.ROUTINE,
        exemption="",
        status__in=LIVE_STATUSES,
        planned_on__year=year,
    )
    pairs: Counter[tuple[int, int]] = Counter()
    for row in capped.values("lead_unit_id", "subject_id").annotate(n=Count("pk")).order_by():
        pairs[(row["lead_unit_id"], row["subject_id"])] += row["n"]
    joined = TaskInvitation.objects.filter(task__in=capped, status=TaskInvitation.Status.ACCEPTED)
    for join in joined.values("department_id", "task__subject_id").annotate(
        n=Count("task_id", distinct=True)
    ):
        pairs[(join["department_id"], join["task__subject_id"])] += join["n"]
    return pairs


def _joinable(subject: Subject, on: dt.date, exclude: int | None) -> InspectionTask | None:
    qs = InspectionTask.objects.filter(
        subject=subject,
        status__in=PLANNED_STATUSES,
        planned_on__year=on.year,
    ).select_related("lead_unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    candidates = sorted(qs, key=lambda t: (abs((t.planned_on - on).days), t.pk))
    return candidates[0] if candidates else None


def frequency_check(
    *,
    subject: Subject,
    body_ids: Iterable[int],
    kind: str,
    exemption: str,
    on: dt.date,
    high_risk: bool,
    exclude: int | None = None,
) -> FrequencyVerdict:
    """May these bodies visit this subject on `on`? Only routine visits are capped; complaint checks,
    re-checks, requested checks and permit checks are exempt (the exemption is returned to be recorded);
    on-the-spot visits are not capped (art 30 asks for a warning on unreasonable frequency, not a refusal);
    special campaigns have their own approval and quota."""
    exemption = exemption or KIND_EXEMPTION.get(kind, "")
    if exemption:
        return FrequencyVerdict(True, exemption=exemption)
    if kind != TaskKind.ROUTINE:
        return FrequencyVerdict(True)
    policy = frequency_policy_for(subject.district_id)
    join = _joinable(subject, on, exclude)
    if WhiteListEntry.objects.filter(subject=subject, valid_from__lte=on, valid_to__gte=on).exists():
        return FrequencyVerdict(
            False,
            _("%(subject)s is on the white list on %(date)s: no routine visits.")
            % {"subject": subject, "date": on},
            join=join,
        )
    if policy.quiet_last_day and policy.quiet_first_day <= on.day <= policy.quiet_last_day:
        return FrequencyVerdict(
            False,
            _("Days %(first)s to %(last)s of each month are quiet days: no routine visits on %(date)s.")
            % {"first": policy.quiet_first_day, "last": policy.quiet_last_day, "date": on},
            join=join,
        )
    for body_id in body_ids:
        done = counted_tasks(subject=subject, body_id=body_id, year=on.year, exclude=exclude)
        body = Unit.objects.get(pk=body_id)
        if high_risk:
            if done.count() >= policy.high_risk_per_year:
                return FrequencyVerdict(
                    False,
                    _(
                        "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the "
                        "cap in high-risk fields is %(cap)s."
                    )
                    % {
                        "body": body,
                        "n": done.count(),
                        "subject": subject,
                        "year": on.year,
                        "cap": policy.high_risk_per_year,
                    },
                    join=join,
                )
            gap = dt.timedelta(days=policy.high_risk_min_days)
            near = (
                done.filter(planned_on__gt=on - gap, planned_on__lt=on + gap).order_by("planned_on").first()
            )
            if near is not None:
                return FrequencyVerdict(
                    False,
                    _(
                        "%(body)s visits %(subject)s on %(other)s; visits in high-risk fields must "
                        "be at least %(days)s days apart."
                    )
                    % {
                        "body": body,
                        "subject": subject,
                        "other": near.planned_on,
                        "days": policy.high_risk_min_days,
                    },
                    join=join,
                )
        elif done.count() >= policy.routine_per_year:
            return FrequencyVerdict(
                False,
                _(
                    "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the cap "
                    "is %(cap)s a year."
                )
                % {
                    "body": body,
                    "n": done.count(),
                    "subject": subject,
                    "year": on.year,
                    "cap": policy.routine_per_year,
                },
                join=join,
            )
    return FrequencyVerdict(True)


def routine_counts(subject: Subject, year: int) -> list[tuple[Unit, int]]:
    """Per inspecting body, its capped (routine, not exempt) live visits to the subject in the year."""
    from django.db.models import Count

    lead = (
        InspectionTask.objects.filter(
            subject=subject,
            kind=TaskKind.ROUTINE,
            exemption="",
            status__in=LIVE_STATUSES,
            planned_on__year=year,
        )
        .values("lead_unit_id")
        .annotate(n=Count("pk"))
    )
    joined = (
        TaskInvitation.objects.filter(
            task__subject=subject,
            task__kind=TaskKind.ROUTINE,
            task__exemption="",
            task__status__in=LIVE_STATUSES,
            task__planned_on__year=year,
            status=TaskInvitation.Status.ACCEPTED,
        )
        .values("department_id")
        .annotate(n=Count("task_id", distinct=True))
    )
    counts: dict[int, int] = {}
    for led in lead:
        counts[led["lead_unit_id"]] = counts.get(led["lead_unit_id"], 0) + led["n"]
    for join in joined:
        counts[join["department_id"]] = counts.get(join["department_id"], 0) + join["n"]
    units = Unit.objects.in_bulk(list(counts))
    return sorted(((units[pk], n) for pk, n in counts.items()), key=lambda pair: (-pair[1], pair[0].code))
