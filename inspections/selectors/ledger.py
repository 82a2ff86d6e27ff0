"""Reads over the ledger of visits: how often each business was visited against the caps, and the business's
own minimal record, reached through an inspection code without logging in."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from enforcement.models import District, Subject

from ..models import InspectionTask, TaskPoint, Visit
from ..workflow import PointResult, TaskStatus
from .code import CODE_VISIBLE
from .frequency import capped_pairs, frequency_policy_for


@dataclass(frozen=True)
class VisitsPerBusiness:
    """Inspection visits per business in a year, and the capped routine visits per body and business against
    the routine cap (a joint visit counts once for the business and once for each body on it)."""

    year: int
    businesses: int  # businesses visited at least once
    visits: int
    average: float
    most: int
    buckets: list[tuple[str, int]]  # ("1", n), ("2", n), ("3", n), ("4+", n)
    cap: int
    pairs: int  # (body, business) pairs with capped routine visits
    pairs_at_cap: int
    pairs_over_cap: int


def visits_per_business(*, district: District | int, year: int) -> VisitsPerBusiness:
    district_id = district if isinstance(district, int) else district.pk
    visits = Visit.objects.filter(
        district_id=district_id, purpose=Visit.Purpose.INSPECTION, visited_on__year=year
    ).exclude(task__status=TaskStatus.CANCELLED)
    per_subject = [row["n"] for row in visits.values("subject_id").annotate(n=Count("pk")).order_by()]
    spread = Counter(min(n, 4) for n in per_subject)
    policy = frequency_policy_for(district_id)
    pairs = capped_pairs(district_id, year)
    cap = policy.routine_per_year
    return VisitsPerBusiness(
        year=year,
        businesses=len(per_subject),
        visits=sum(per_subject),
        average=sum(per_subject) / len(per_subject) if per_subject else 0.0,
        most=max(per_subject, default=0),
        buckets=[("1", spread[1]), ("2", spread[2]), ("3", spread[3]), ("4+", spread[4])],
        cap=cap,
        pairs=len(pairs),
        pairs_at_cap=sum(1 for n in pairs.values() if n == cap),
        pairs_over_cap=sum(1 for n in pairs.values() if n > cap),
    )


@dataclass(frozen=True)
class OwnVisit:
    visited_on: dt.date
    unit: str
    purpose: str
    kind: str
    with_code: bool
    failed: int  # failed points found on the visit
    checked: int  # points answered


@dataclass(frozen=True)
class OwnRectification:
    point: str
    rectify_by: dt.date | None
    found_on: dt.date


@dataclass(frozen=True)
class OwnRecord:
    """The business's own record as it may see it through a code: its name and code, the visits to it (by
    which unit, when, for what, how many points failed) and what it still has to rectify. Nothing about other
    parties, no officer's notes, no case or whistle details."""

    name: str
    identifier: str
    visits: list[OwnVisit]
    open_rectifications: list[OwnRectification]


def code_task(code: str) -> InspectionTask:
    """The task of a code the business may open; an unknown, unapproved, cancelled or merged one is a 404."""
    from django.http import Http404

    from enforcement.access import access_or_404

    if not code or len(code) > 64:
        raise Http404
    return access_or_404(
        InspectionTask.objects.select_related("subject").filter(status__in=CODE_VISIBLE).exclude(code=""),
        code=code,
    )


def own_record_for_code(code: str, identifier: str) -> OwnRecord:
    """The subject of the code's task, seen from its own side. The code alone shows no one's identity: the
    business confirms its unified social credit code first (a mismatch is a ValidationError, the same for
    every code)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from enforcement.services import normalise_identifier

    task = code_task(code)
    subject: Subject = task.subject
    if not subject.identifier or normalise_identifier(identifier or "") != subject.identifier:
        raise ValidationError(
            {"identifier": _("This is not the credit code of the business this inspection is for.")}
        )
    visits = list(
        Visit.objects.filter(subject=subject)
        .exclude(task__status=TaskStatus.CANCELLED)
        .select_related("unit", "task")
        .order_by("-visited_on", "-pk")[:100]
    )
    task_ids = [v.task_id for v in visits if v.task_id]
    answered = Counter(
        TaskPoint.objects.filter(task_id__in=task_ids)
        .exclude(result=PointResult.PENDING)
        .values_list("task_id", flat=True)
    )
    failed = Counter(
        TaskPoint.objects.filter(task_id__in=task_ids, result=PointResult.FAIL).values_list(
            "task_id", flat=True
        )
    )
    own = [
        OwnVisit(
            visited_on=v.visited_on,
            unit=str(v.unit),
            purpose=v.get_purpose_display(),
            kind=v.task.get_kind_display() if v.task is not None else "",
            with_code=v.with_code,
            failed=failed[v.task_id] if v.task_id else 0,
            checked=answered[v.task_id] if v.task_id else 0,
        )
        for v in visits
    ]
    fails = list(
        TaskPoint.objects.filter(
            task__subject=subject, result=PointResult.FAIL, task__follow_up_of__isnull=True
        )
        .exclude(task__status=TaskStatus.CANCELLED)
        .select_related("point", "task")
        .order_by("rectify_by", "pk")
    )
    rectified = set(
        TaskPoint.objects.filter(
            task__subject=subject, task__follow_up_of__isnull=False, result=PointResult.PASS
        ).values_list("task__follow_up_of_id", "point_id")
    )
    open_rows = [
        OwnRectification(
            point=f.point.text_zh,
            rectify_by=f.rectify_by,
            found_on=f.task.entered_at.date() if f.task.entered_at else f.task.planned_on,
        )
        for f in fails
        if (f.task_id, f.point_id) not in rectified
    ]
    return OwnRecord(subject.name, subject.identifier, own, open_rows)
