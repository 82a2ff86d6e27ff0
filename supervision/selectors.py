"""Reads of the supervisor's desk and the team view, already scoped to the user (enforcement.access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from cases.approval import ASKED
from cases.deadlines import deadline_rows
from cases.models import Case
from cases.selectors import awaiting_approval_for
from enforcement.access import access_or_404, scope_for
from enforcement.models import FenceWarning, Role, Unit, User
from enforcement.rules import can_use_desk

from .facts import rule_label

S = FenceWarning.Status
SEVERITY_RANK = When_(
    When(severity=FenceWarning.Severity.BLOCK, then=Value(0)),
    When(severity=FenceWarning.Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
# "open" on the desk: not yet given an outcome. The other choices are the statuses themselves, and "all".
QUEUE_OPEN = "open"
QUEUE_ALL = "all"


@dataclass(frozen=True)
class DeskFilters:
    status: str = QUEUE_OPEN
    rule: str = ""
    officer_id: int | None = None
    town_id: int | None = None
    severity: str = ""
    escalation: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def warnings_visible_to(user: User) -> QuerySet[FenceWarning]:
    """A town's supervisors: their town's warnings; district administrators: their district's; a city
    supervisor or administrator: every district of the city. Anyone else: none."""
    if not can_use_desk(user):
        return FenceWarning.objects.none()
    scope = scope_for(user)
    return FenceWarning.objects.filter(scope.town_q("town", "district"))


def desk_queue(
    *, user: User, filters: DeskFilters | None = None, leave_out: Sequence[PromptGroup] = ()
) -> QuerySet[FenceWarning]:
    """The queue: by severity (block, warning, prompt), then oldest first; without the prompts of the groups
    `leave_out` (the desk page shows each of those as one line, `desk_prompt_groups`)."""
    qs = desk_filtered(user=user, filters=filters)
    if leave_out:
        gathered = Q(pk__in=[])
        for group in leave_out:
            gathered |= Q(rule=group.rule, town_id=group.town.pk)
        qs = qs.exclude(Q(severity=FenceWarning.Severity.PROMPT) & gathered)
    return (
        qs.select_related("town", "officer", "district")
        .annotate(severity_rank=SEVERITY_RANK)
        .order_by("severity_rank", "raised_at", "pk")
    )


def desk_filtered(*, user: User, filters: DeskFilters | None = None) -> QuerySet[FenceWarning]:
    """The warnings the filters ask for, unordered."""
    f = filters or DeskFilters()
    qs = warnings_visible_to(user)
    if f.status == QUEUE_OPEN:
        qs = qs.filter(status=S.OPEN)
    elif f.status != QUEUE_ALL:
        qs = qs.filter(status=f.status)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.officer_id:
        qs = qs.filter(officer_id=f.officer_id)
    if f.town_id:
        qs = qs.filter(town_id=f.town_id)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.escalation:
        qs = qs.filter(escalation=f.escalation)
    if f.since:
        qs = qs.filter(raised_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(raised_at__date__lte=f.until)
    return qs


# From this many prompts of one rule in one town, the desk page shows them as one line (the rule, the town,
# how many, since when, a link to the list): a district's zombie items are a hundred prompts of one rule,
# which would bury the warnings that ask for a decision.
GATHER_AT = 5


@dataclass(frozen=True)
class PromptGroup:
    rule: str
    label: str
    town: Unit
    count: int
    oldest: dt.datetime
    newest: dt.datetime


def desk_prompt_groups(
    *, user: User, filters: DeskFilters | None = None, gather_at: int = GATHER_AT
) -> list[PromptGroup]:
    """The prompts the filters ask for, per rule and town, where one town has `gather_at` or more of one rule:
    by rule, then town. None once the filters name a rule (the supervisor opened the list)."""
    f = filters or DeskFilters()
    if f.rule:
        return []
    counted = list(
        desk_filtered(user=user, filters=f)
        .filter(severity=FenceWarning.Severity.PROMPT)
        .values("rule", "town_id")
        .annotate(n=Count("pk"), oldest=Min("raised_at"), newest=Max("raised_at"))
        .filter(n__gte=gather_at)
        .order_by("rule", "town_id")
    )
    towns = Unit.objects.select_related("district").in_bulk({row["town_id"] for row in counted})
    groups = [
        PromptGroup(
            row["rule"],
            rule_label(row["rule"]),
            towns[row["town_id"]],
            row["n"],
            row["oldest"],
            row["newest"],
        )
        for row in counted
        if row["town_id"] in towns
    ]
    return sorted(groups, key=lambda g: (g.label, g.town.code))


def warning_get_for(*, user: User, pk: Any) -> FenceWarning:
    """One warning the user may see; another town's (or district's) is the same 404 as a missing one."""
    return access_or_404(
        warnings_visible_to(user).select_related(
            "town", "town__district", "district", "officer", "reason_by", "reviewed_by", "resolved_by"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class DeskChoices:
    """What the filters offer: only rules, officers and towns that occur in the user's warnings."""

    rules: list[Choice] = field(default_factory=list)
    officers: list[User] = field(default_factory=list)
    towns: list[Unit] = field(default_factory=list)


def desk_choices(*, user: User) -> DeskChoices:
    visible = warnings_visible_to(user)
    rules = sorted(
        {code for code in visible.values_list("rule", flat=True).distinct()},
    )
    officer_ids = visible.exclude(officer=None).values("officer_id").distinct()
    town_ids = visible.values("town_id").distinct()
    return DeskChoices(
        rules=sorted((Choice(code, rule_label(code)) for code in rules), key=lambda c: c.label),
        officers=list(User.objects.filter(pk__in=officer_ids).order_by("full_name", "username")),
        towns=list(Unit.objects.filter(pk__in=town_ids).select_related("district").order_by("code")),
    )


def desk_counts(*, user: User) -> dict[str, int]:
    """Open warnings by severity, and how many are escalated."""
    return warnings_visible_to(user).aggregate(
        open=Count("pk", filter=Q(status=S.OPEN)),
        block=Count("pk", filter=Q(status=S.OPEN, severity=FenceWarning.Severity.BLOCK)),
        warning=Count("pk", filter=Q(status=S.OPEN, severity=FenceWarning.Severity.WARNING)),
        prompt=Count("pk", filter=Q(status=S.OPEN, severity=FenceWarning.Severity.PROMPT)),
        escalated=Count("pk", filter=Q(status=S.OPEN) & ~Q(escalation="")),
        follow_up=Count("pk", filter=Q(status=S.CONFIRMED)),
    )


# --- the team view ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueDeadline:
    case: Case
    label: str
    due: dt.date
    days_late: int
    officers: list[User]


@dataclass(frozen=True)
class OfficerWarnings:
    officer: User
    open: int
    confirmed: int
    total: int


@dataclass(frozen=True)
class TeamView:
    overdue: list[OverdueDeadline]
    approvals: list[Case]
    approvals_count: int
    warnings_by_officer: list[OfficerWarnings]
    towns: list[Unit]

    @property
    def approval_rows(self) -> list[tuple[Case, Any]]:
        """Each case waiting with what is asked of the supervisor (filing, decision, closing, archiving), as
        the approval queue words it: a closed case waits for its archiving, not as "closed"."""
        return [
            (case, ASKED[case.stage][0] if case.stage in ASKED else case.get_stage_display())
            for case in self.approvals
        ]


TEAM_LIMIT = 200


def team_cases(user: User) -> QuerySet[Case]:
    """The open cases of the towns the user supervises (a department's shared cases are not its team's)."""
    return Case.objects.for_user(user, shared=False).open()


def team_overdue(
    *, user: User, today: dt.date | None = None, limit: int = TEAM_LIMIT
) -> list[OverdueDeadline]:
    """Every passed deadline of the team's open cases, the longest overdue first. A case's next deadline is
    its earliest open one, so `next_due < today` (on its index) finds every case with at least one."""
    day = today or timezone.localdate()
    cases = list(
        team_cases(user)
        .filter(next_due__lt=day)
        .select_related("town", "item")
        .prefetch_related("officers__officer")
        .order_by("next_due", "pk")[:limit]
    )
    rows: list[OverdueDeadline] = []
    for case in cases:
        people = [co.officer for co in case.officers.all() if co.recused_at is None]
        for deadline in deadline_rows(case, day):
            if deadline.overdue:
                rows.append(
                    OverdueDeadline(case, deadline.label, deadline.due, (day - deadline.due).days, people)
                )
    rows.sort(key=lambda r: (r.due, r.case.pk))
    return rows


def team_view(*, user: User) -> TeamView:
    approvals = awaiting_approval_for(user=user) if user.has_role(Role.SUPERVISOR) else Case.objects.none()
    visible = warnings_visible_to(user).exclude(officer=None)
    by_officer = (
        visible.values("officer_id")
        .annotate(
            open=Count("pk", filter=Q(status=S.OPEN)),
            confirmed=Count("pk", filter=Q(status__in=[S.CONFIRMED, S.RESOLVED])),
            total=Count("pk"),
        )
        .order_by("-open", "-confirmed", "officer_id")
    )
    rows = list(by_officer[:100])
    people = User.objects.in_bulk([r["officer_id"] for r in rows])
    scope = scope_for(user)
    towns = (
        Unit.objects.filter(district_id__in=scope.district_ids, kind=Unit.Kind.TOWN)
        if scope.reads_districts
        else Unit.objects.filter(pk__in=scope.town_ids)
    )
    return TeamView(
        overdue=team_overdue(user=user),
        approvals=list(approvals[:50]),
        approvals_count=approvals.count(),
        warnings_by_officer=[
            OfficerWarnings(people[r["officer_id"]], r["open"], r["confirmed"], r["total"])
            for r in rows
            if r["officer_id"] in people
        ],
        towns=list(towns.order_by("code")),
    )
