"""Reads of whistles, already scoped to the user. A whistle the user may not see and one that does not exist
are the same 404."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, DateTimeField, F, Prefetch, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from authority.models import EnforcementItem
from authority.selectors import Holder, who_enforces
from enforcement.access import Scope, access_or_404, scope_for
from enforcement.maps import MapQuery, Marker
from enforcement.models import District, Unit, User
from enforcement.people import PREFIX as PEOPLE_PREFIX
from enforcement.people import with_people_named
from enforcement.rules import AnyUser

from . import clock
from .models import (
    DeadlinePolicy,
    Notification,
    WhistleAssignment,
    WhistleEvent,
    WhistlePhoto,
    WhistleRequest,
    WhistleReturn,
)
from .workflow import (
    DEFAULT_DEADLINES,
    DEPARTMENT_WORK,
    OPEN_STATUSES,
    STEP_OWED_IN,
    Deadlines,
    Status,
    Step,
    Urgency,
    WhistleStatus,
)

# --- deadlines ----------------------------------------------------------------------------------------------


def deadlines_for(district: District | int, urgency: str) -> Deadlines:
    district_id = district if isinstance(district, int) else district.pk
    row = DeadlinePolicy.objects.filter(district_id=district_id, urgency=urgency).first()
    if row is None:
        return DEFAULT_DEADLINES[Urgency(urgency)]
    return Deadlines(
        check_in=dt.timedelta(minutes=row.check_in_minutes),
        on_site=dt.timedelta(minutes=row.on_site_minutes),
        handle=dt.timedelta(minutes=row.handle_minutes),
        remind_before=dt.timedelta(minutes=row.remind_before_minutes),
        escalate_after=dt.timedelta(minutes=row.escalate_after_minutes),
    )


def deadline_table(district: District | int) -> list[tuple[str, Any, Deadlines, bool]]:
    """(urgency, label, deadlines, overridden by the district) for every urgency, most urgent first."""
    district_id = district if isinstance(district, int) else district.pk
    overridden = set(DeadlinePolicy.objects.filter(district_id=district_id).values_list("urgency", flat=True))
    return [(u.value, u.label, deadlines_for(district_id, u.value), u.value in overridden) for u in Urgency]


# --- the current step of an assignment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    step: Step
    at: dt.datetime
    overdue: bool

    @property
    def minutes_left(self) -> int:
        return int((self.at - clock.now()).total_seconds() // 60)


def current_due(assignment: WhistleAssignment, now: dt.datetime | None = None) -> Due | None:
    """The next deadline the department owes, if it still owes one."""
    moment = now or clock.now()
    for step in (Step.CHECK_IN, Step.ON_SITE, Step.HANDLE):
        if assignment.status in STEP_OWED_IN[step]:
            due = assignment.due_of(step)
            return Due(step, due, moment > due)
    return None


def missed_steps(assignment: WhistleAssignment, now: dt.datetime | None = None) -> list[Step]:
    """Steps done after their deadline, or still owed past it."""
    moment = now or clock.now()
    missed = []
    for step in Step:
        done = assignment.done_at(step)
        due = assignment.due_of(step)
        if (done is not None and done > due) or (
            done is None and assignment.status in STEP_OWED_IN[step] and moment > due
        ):
            missed.append(step)
    return missed


def _current_due_expression() -> Case:
    return Case(
        When(status=Status.SENT, then=F("check_in_due")),
        When(status=Status.ACKNOWLEDGED, then=F("on_site_due")),
        When(status=Status.ON_SITE, then=F("handle_due")),
        default=None,
        output_field=DateTimeField(),
    )


# --- whistles -----------------------------------------------------------------------------------------------


def whistle_queryset_for(user: AnyUser) -> QuerySet[WhistleRequest]:
    return WhistleRequest.objects.visible_to(user)


# The people recorded on an assignment, shown by every list: fetched with it, never one query per row.
ASSIGNMENT_PEOPLE = ("acknowledged_by", "on_site_by", "handled_by", "rated_by")


def whistle_list_for(
    *,
    user: AnyUser,
    status: str = "",
    urgency: str = "",
    town_id: int | None = None,
    department_id: int | None = None,
    overdue: bool = False,
    returned: bool = False,
    query: str = "",
) -> QuerySet[WhistleRequest]:
    now = clock.now()
    qs = (
        whistle_queryset_for(user)
        .select_related("town", "item", "raised_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=WhistleAssignment.objects.select_related("department", *ASSIGNMENT_PEOPLE),
            )
        )
        .annotate(total_returns=Count("assignments__returns", distinct=True))
    )
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if town_id is not None:
        qs = qs.filter(town_id=town_id)
    if department_id is not None:
        qs = qs.filter(assignments__department_id=department_id)
    if overdue:
        qs = qs.filter(pk__in=overdue_assignments(now=now).values("whistle_id"))
    if returned:
        qs = qs.filter(assignments__return_count__gt=0)
    if query:
        qs = qs.filter(
            Q(title__icontains=query) | Q(description__icontains=query) | Q(address__icontains=query)
        )
    return qs.distinct().order_by("-raised_at", "-pk")


def whistle_get_for(*, user: AnyUser, pk: Any) -> WhistleRequest:
    qs = whistle_queryset_for(user).select_related(
        "town", "district", "item", "raised_by", "item__default_holder"
    )
    return access_or_404(qs, pk=pk)


def assignments_of(whistle: WhistleRequest) -> list[WhistleAssignment]:
    return list(
        whistle.assignments.select_related(
            "department", "acknowledged_by", "on_site_by", "handled_by", "rated_by"
        )
        .prefetch_related(
            Prefetch("returns", queryset=WhistleReturn.objects.select_related("returned_by", "decided_by")),
            "photos",
        )
        .order_by("pk")
    )


def assignment_get_for(*, user: AnyUser, pk: Any) -> WhistleAssignment:
    visible = whistle_queryset_for(user).values("pk")
    qs = WhistleAssignment.objects.filter(whistle_id__in=visible).select_related(
        "whistle", "whistle__town", "whistle__district", "department"
    )
    return access_or_404(qs, pk=pk)


def timeline_of(whistle: WhistleRequest) -> QuerySet[WhistleEvent]:
    return whistle.events.select_related("actor", "actor__unit", "assignment__department").order_by(
        "at", "pk"
    )


def photos_of(whistle: WhistleRequest) -> QuerySet[WhistlePhoto]:
    return whistle.photos.select_related("uploaded_by", "assignment__department").order_by(
        "uploaded_at", "pk"
    )


def photo_get_for(*, user: AnyUser, pk: Any) -> WhistlePhoto:
    visible = whistle_queryset_for(user).values("pk")
    return access_or_404(WhistlePhoto.objects.filter(whistle_id__in=visible), pk=pk)


# --- department inbox and district review -------------------------------------------------------------------


def overdue_assignments(*, now: dt.datetime | None = None) -> QuerySet[WhistleAssignment]:
    moment = now or clock.now()
    return WhistleAssignment.objects.filter(
        Q(status=Status.SENT, check_in_due__lt=moment)
        | Q(status=Status.ACKNOWLEDGED, on_site_due__lt=moment)
        | Q(status=Status.ON_SITE, handle_due__lt=moment)
    )


def inbox_for(*, user: AnyUser, include_waiting: bool = True) -> QuerySet[WhistleAssignment]:
    """What the user's department owes, the most pressing deadline first; then what waits on the town or the
    district (handled, returned)."""
    scope = scope_for(user)
    if not scope.department_ids:
        return WhistleAssignment.objects.none()
    return _inbox(scope.department_ids, include_waiting)


def _inbox(department_ids: Iterable[int], include_waiting: bool) -> QuerySet[WhistleAssignment]:
    statuses = OPEN_STATUSES if include_waiting else DEPARTMENT_WORK
    return with_people_named(
        WhistleAssignment.objects.filter(department_id__in=department_ids, status__in=statuses)
        .select_related("whistle", "whistle__town", "department")
        .annotate(current_due=_current_due_expression())
        .order_by(F("current_due").asc(nulls_last=True), "whistle__raised_at"),
        *ASSIGNMENT_PEOPLE,
    )


# The columns GET /api/whistles/inbox/ writes its rows from (whistles.api.serializers.inbox_rows): everything
# InboxAssignmentSerializer shows, and the whistle's status, town and district its actions are decided by
# (whistles.rules), so no row reads anything more. Plain values, not three model objects a row, and a
# narrower SELECT for Django to compile (issue 18: most of the built inbox's time).
INBOX_ROW_VALUES = (
    "id",
    "whistle_id",
    "department_id",
    "department__code",
    "department__name_zh",
    "department__name_en",
    "status",
    "cycle",
    "sent_at",
    "check_in_due",
    "on_site_due",
    "handle_due",
    "acknowledged_at",
    "on_site_at",
    "handled_at",
    "handling_note",
    "department_case_ref",
    "closed_at",
    "rating",
    "rating_comment",
    "return_count",
    "whistle__status",
    "whistle__title",
    "whistle__raised_at",
    "whistle__urgency",
    "whistle__district_id",
    "whistle__town_id",
    "whistle__town__code",
    "whistle__town__name_zh",
    "whistle__town__name_en",
    *(f"{PEOPLE_PREFIX}{p}" for p in ASSIGNMENT_PEOPLE),
)


def inbox_values(inbox: QuerySet[WhistleAssignment]) -> QuerySet[Any]:
    """`inbox_for`'s rows (the same rows in the same order) as INBOX_ROW_VALUES: each person as the
    SEPARATOR-joined names of enforcement.people, or None."""
    return inbox.values(*INBOX_ROW_VALUES)


def inbox_values_for(*, user: AnyUser, include_waiting: bool = True) -> QuerySet[Any]:
    """`inbox_values(inbox_for(...))`, the queryset built once per process for each set of departments (it
    holds nothing else of the user or the request: the statuses and the order are fixed) and cloned per call,
    so a request pays neither for building the filter, the joins, the annotations and the values again
    (issue 18: about a third of the built inbox's CPU) nor, being a clone, for another request's rows."""
    scope = scope_for(user)
    if not scope.department_ids:
        return inbox_values(WhistleAssignment.objects.none())
    return _inbox_values(tuple(sorted(scope.department_ids)), include_waiting).all()


@functools.lru_cache(maxsize=512)
def _inbox_values(department_ids: tuple[int, ...], include_waiting: bool) -> QuerySet[Any]:
    # Never evaluated itself: callers get `.all()`, a clone with its own result cache.
    return inbox_values(_inbox(department_ids, include_waiting))


def inbox_counts(*, user: AnyUser) -> dict[str, int]:
    scope = scope_for(user)
    mine = WhistleAssignment.objects.filter(department_id__in=scope.department_ids)
    now = clock.now()
    return {
        "waiting": mine.filter(status=Status.SENT).count(),
        "in_progress": mine.filter(status__in=[Status.ACKNOWLEDGED, Status.ON_SITE]).count(),
        "overdue": overdue_assignments(now=now).filter(department_id__in=scope.department_ids).count(),
        "awaiting_town": mine.filter(status=Status.HANDLED).count(),
        "returned": mine.filter(status=Status.RETURNED).count(),
    }


def returns_to_review_for(*, user: AnyUser) -> QuerySet[WhistleAssignment]:
    scope = scope_for(user)
    if not scope.district_admin:
        return WhistleAssignment.objects.none()
    return (
        WhistleAssignment.objects.filter(status=Status.RETURNED, whistle__district_id__in=scope.district_ids)
        .select_related("whistle", "whistle__town", "department", *ASSIGNMENT_PEOPLE)
        .prefetch_related(Prefetch("returns", queryset=WhistleReturn.objects.select_related("returned_by")))
        .order_by("pk")
    )


def town_whistles_for(*, user: AnyUser) -> QuerySet[WhistleRequest]:
    """The whistles of the towns the user works for (not what was sent to their department)."""
    return town_whistles_in(scope_for(user)).prefetch_related(
        Prefetch("assignments", queryset=whistle_assignments())
    )


def town_whistles_in(scope: Scope) -> QuerySet[WhistleRequest]:
    """`town_whistles_for` a user with this scope, without the assignments' prefetch (a query that depends on
    nothing but the scope, for one compiled once per scope: enforcement.compiled)."""
    return (
        WhistleRequest.objects.filter(town_id__in=scope.town_ids)
        .select_related("town")
        .order_by("-raised_at", "-pk")
    )


def whistle_assignments() -> QuerySet[WhistleAssignment]:
    """The assignments as a whistle list shows them (with their departments)."""
    return WhistleAssignment.objects.select_related("department")


# --- the raise form -----------------------------------------------------------------------------------------


def items_for_whistle(district_id: int) -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(district_id=district_id, is_active=True).order_by("domain", "code")


def departments_of(district_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(district_id=district_id, kind=Unit.Kind.DEPARTMENT, is_active=True).order_by(
        "code"
    )


@dataclass(frozen=True)
class Suggestion:
    holder: Holder | None
    department: Unit | None

    @property
    def town_holds(self) -> bool:
        return self.holder is not None and self.holder.town_holds

    def explain(self) -> str:
        return self.holder.explain() if self.holder is not None else ""


def suggest_department(
    *, item: EnforcementItem | None, town: Unit | None, on: dt.date | None = None
) -> Suggestion:
    """Who to whistle to for an item: the department `who_enforces` names when the town does not hold the
    item; for a delegated item the delegating department; nothing when the town holds it outright."""
    if item is None:
        return Suggestion(None, None)
    holder = who_enforces(item, town, on or timezone.localdate())
    if holder.town_holds:
        department = holder.grant.delegating_department if holder.grant is not None else None
        return Suggestion(holder, department)
    return Suggestion(holder, holder.department)


# --- notifications ------------------------------------------------------------------------------------------


def notifications_for(*, user: AnyUser, unread_only: bool = False) -> QuerySet[Notification]:
    if not isinstance(user, User):
        return Notification.objects.none()
    return notifications_of(user.pk, unread_only=unread_only)


def notifications_of(recipient_id: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """`notifications_for` the user with this id (which may be a mark: enforcement.compiled)."""
    qs = Notification.objects.filter(recipient=recipient_id).select_related("whistle")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(*, user: AnyUser) -> int:
    if not isinstance(user, User):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(*, user: AnyUser, pk: Any) -> Notification:
    return access_or_404(notifications_for(user=user), pk=pk)


# --- the deadline sweep -------------------------------------------------------------------------------------


def assignments_due_for_alert(*, now: dt.datetime, limit: int) -> list[int]:
    """Ids of open assignments whose next reminder or escalation time has come, oldest first, at most
    `limit`."""
    return list(
        WhistleAssignment.objects.filter(status__in=DEPARTMENT_WORK, alert_at__lte=now)
        .order_by("alert_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- status helpers for templates ---------------------------------------------------------------------------


def is_open(whistle: WhistleRequest) -> bool:
    return whistle.status == WhistleStatus.OPEN


# --- the town map -------------------------------------------------------------------------------------------


def whistle_map_markers(user: AnyUser, query: MapQuery) -> list[Marker]:
    """Whistles with a place, as the whistle list scopes them (the raising town; a department only those sent
    to it), newest first: at most one more than the limit (that one says more exist)."""
    qs = whistle_queryset_for(user).filter(latitude__isnull=False, longitude__isnull=False)
    if query.stage:
        qs = qs.filter(status=query.stage)
    if query.state == "open":
        qs = qs.filter(status=WhistleStatus.OPEN)
    elif query.state == "closed":
        qs = qs.exclude(status=WhistleStatus.OPEN)
    labels = dict(WhistleStatus.choices)
    rows = qs.order_by("-raised_at", "-pk").values(
        "pk", "title", "status", "latitude", "longitude", "raised_at"
    )[: query.limit + 1]
    markers = []
    for row in rows:
        raised = timezone.localtime(row["raised_at"])
        markers.append(
            Marker(
                kind="whistle",
                id=row["pk"],
                lat=row["latitude"],
                lng=row["longitude"],
                title=f"W{raised:%Y}-{row['pk']:05d} {row['title']}",
                stage=row["status"],
                stage_label=str(labels.get(row["status"], row["status"])),
                open=row["status"] == WhistleStatus.OPEN,
                url=reverse("whistle-detail", args=[row["pk"]]),
                on=raised.date().isoformat(),
            )
        )
    return markers
