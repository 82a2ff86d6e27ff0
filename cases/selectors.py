"""Reads of complaints and cases, already scoped to the user (missing and forbidden are the same 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from authority.models import EnforcementItem
from enforcement.access import access_or_404, scope_for
from enforcement.models import Unit, User

from . import clock
from .models import Case, CaseEvent, CaseOfficer, Complaint
from .rules import can_file_complaint, can_handle_cases


def complaints_for(
    *, user: User, status: str = "", query: str = "", town: Unit | None = None
) -> QuerySet[Complaint]:
    qs = Complaint.objects.for_user(user).select_related("town")
    if status:
        qs = qs.filter(match_status=status)
    if town is not None:
        qs = qs.filter(town=town)
    if query:
        qs = qs.filter(
            Q(text__icontains=query) | Q(external_id__icontains=query) | Q(address__icontains=query)
        )
    return qs.order_by("-received_at", "-pk")


def complaint_get_for(*, user: User, pk: int | str) -> Complaint:
    return access_or_404(Complaint.objects.for_user(user).select_related("town", "created_by"), pk=pk)


def towns_for_filing(user: User) -> list[Unit]:
    """Towns the user may record complaints for: their own (and secondments), or every town for the
    administrator."""
    scope = scope_for(user)
    if not scope.authenticated:
        return []
    towns = Unit.objects.filter(
        kind=Unit.Kind.TOWN, is_active=True, district_id__in=scope.district_ids
    ).order_by("code")
    return [t for t in towns if can_file_complaint(user, t)]


# --- penalty cases ------------------------------------------------------------------------------------------


def items_for_cases(district_ids: Any, *, keep: int | None = None) -> QuerySet[EnforcementItem]:
    """The items a case may name: the districts' catalog in force (a retired item is not offered), and the
    case's own item (`keep`) even if it has been retired since, so its other details can still be changed."""
    in_force = Q(is_active=True) | (Q(pk=keep) if keep is not None else Q(pk__in=[]))
    return EnforcementItem.objects.filter(in_force, district_id__in=district_ids).order_by("code")


def officer_candidates(
    towns: Sequence[Unit],
    *,
    on: dt.date | None = None,
    exclude: User | None = None,
    include: Sequence[int] = (),
) -> QuerySet[User]:
    """Who may handle the towns' cases on the day: the officers and supervisors of their teams (own members
    and secondees), less `exclude`, plus `include` (the officers already on the case, so that a form shows
    them)."""
    from enforcement.officers import team_members

    day = on or clock.today()
    ids = {u.pk for town in towns for u in team_members(town, day) if can_handle_cases(u)}
    if exclude is not None:
        ids.discard(exclude.pk)
    ids.update(include)
    return User.objects.filter(pk__in=ids).order_by("username")


CASE_PAGE_SIZE = 25
# What a list row shows (the API's list item and the list page's row): 22 of the case's ~90 columns, so a row
# fetched is about 0.5 kB rather than 3.7 kB (issue 18). A field used by a row must be named here, or each row
# costs a query of its own, which the query budgets of the list tests catch.
CASE_LIST_FIELDS = (
    "id",
    "district_id",
    "town_id",
    "item_id",
    "number",
    "title",
    "stage",
    "procedure",
    "source",
    "party_kind",
    "party_name",
    "place",
    "act_on",
    "created_at",
    "stage_changed_at",
    "next_due",
    "reply_due",  # with hearing_on: which deadline next_due is (deadlines.next_due_label)
    "hearing_on",
    "version",
    "town__id",
    "town__code",
    "town__name_zh",
    "town__name_en",
    "town__kind",
    "town__district_id",
    "item__id",
    "item__code",
    "item__name_zh",
    "item__name_en",
    "item__domain",
    "item__district_id",
)


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    item_id: int | None = None
    town_id: int | None = None
    due_within: int | None = None  # days: cases whose next deadline is within this many days (or overdue)
    mine: bool = False
    query: str = ""


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str
    has_next: bool


def cases_for(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Cases the user may see (their towns; a department only what was transferred to it), filtered."""
    f = filters or CaseFilters()
    qs = Case.objects.for_user(user)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.item_id:
        qs = qs.filter(item_id=f.item_id)
    if f.town_id:
        qs = qs.filter(town_id=f.town_id)
    if f.due_within is not None:
        qs = qs.filter(next_due__lte=timezone.localdate() + dt.timedelta(days=f.due_within))
    if f.mine:
        qs = qs.filter(officers__officer=user, officers__recused_at__isnull=True)
    if f.query:
        qs = qs.filter(
            Q(number__icontains=f.query)
            | Q(title__icontains=f.query)
            | Q(party_name__icontains=f.query)
            | Q(party_identifier=f.query)
        )
    return qs


def encode_cursor(case: Case) -> str:
    return f"{case.created_at.isoformat()}_{case.pk}"


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    moment_text, _sep, pk_text = (cursor or "").rpartition("_")
    moment = parse_datetime(moment_text) if moment_text else None
    if (
        moment is None or not pk_text.isdigit() or len(pk_text) > 18
    ):  # an id beyond bigint is no cursor of ours
        return None
    return moment, int(pk_text)


def case_cursor_valid(cursor: str) -> bool:
    """The API refuses a cursor it did not give (400); the page starts from the top instead."""
    return not cursor or _decode_cursor(cursor) is not None


def case_page_for(
    *, user: User, filters: CaseFilters | None = None, after: str = "", size: int = CASE_PAGE_SIZE
) -> CasePage:
    """One keyset page, newest first: (created_at, id) below the cursor. The cost does not grow with the page
    number, which an OFFSET would (a million cases: see bench/case_list_bench.py). A cursor that does not
    parse starts from the top."""
    qs = cases_for(user=user, filters=filters)
    decoded = _decode_cursor(after)
    if decoded is not None:
        moment, pk = decoded
        # The plain `<=` lets PostgreSQL seek the index to the cursor; the OR alone is applied as a filter
        # after a scan from the top of the town (bench/case_list_bench.py: page 1,000 went from 25.7 ms to 6.3
        # ms).
        qs = qs.filter(created_at__lte=moment).filter(
            Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)
        )
    rows = list(
        qs.select_related("town", "item").only(*CASE_LIST_FIELDS).order_by("-created_at", "-pk")[: size + 1]
    )
    has_next = len(rows) > size
    rows = rows[:size]
    return CasePage(rows, encode_cursor(rows[-1]) if has_next and rows else "", has_next)


def case_get_for(*, user: User, pk: int | str) -> Case:
    """The case with what its page needs, or 404 when it does not exist or the user may not see it."""
    return access_or_404(
        Case.objects.for_user(user)
        .select_related("town", "district", "item", "created_by", "subject", "decided_by", "reviewed_by")
        .prefetch_related(Prefetch("officers", queryset=CaseOfficer.objects.select_related("officer"))),
        pk=pk,
    )


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


def awaiting_approval_for(*, user: User) -> QuerySet[Case]:
    """Supervisor queue: filings to approve, decisions to make, cases to close and archive."""
    return (
        Case.objects.for_user(user, shared=False)
        .filter(stage__in=["filing_review", "deciding", "executed", "closed"])
        .exclude(stage="closed", archived_on__isnull=False)
        .select_related("town", "item")
        .only(*CASE_LIST_FIELDS)
        .order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")
    )


def my_open_cases_for(*, user: User) -> QuerySet[Case]:
    """Open cases the user handles (not recused), in the towns they work for."""
    return (
        Case.objects.for_user(user, shared=False)
        .open()
        .filter(officers__officer=user, officers__recused_at__isnull=True)
        .select_related("town", "item")
        .distinct()
        .order_by("next_due", "created_at")
    )


def capture_cases_for(*, user: User) -> QuerySet[Case]:
    """The cases an officer would capture evidence for on site: their open cases, the latest first."""
    return my_open_cases_for(user=user).order_by("-created_at", "-pk")


def undeclared_cases_for(*, user: User) -> QuerySet[Case]:
    """Open cases where the user is a handling officer who has not declared on recusal yet (回避声明)."""
    return (
        Case.objects.for_user(user, shared=False)
        .open()
        .filter(officers__officer=user, officers__recused_at__isnull=True, officers__declared_at__isnull=True)
        .select_related("town", "item")
        .distinct()
        .order_by("created_at", "pk")
    )


def awaiting_review_for(*, user: User) -> QuerySet[Case]:
    """Legal reviewer queue: cases at legal review in the towns the reviewer serves."""
    if user.unit is None:
        return Case.objects.none()
    qs = Case.objects.filter(stage="legal_review")
    if user.unit.kind == Unit.Kind.DISTRICT_OFFICE:
        qs = qs.filter(district_id=user.unit.district_id)
    else:
        qs = qs.filter(town_id=user.unit_id)
    return qs.select_related("town", "item").order_by("next_due", "created_at")


def case_recommendation(
    case: Case, factors: Sequence[str] | None = None, *, on: dt.date | None = None
) -> Any:
    """The discretion benchmark's recommendation for the case's facts (None without an item)."""
    if case.item_id is None:
        return None
    from discretion.recommend import recommend

    facts: dict[str, Any] = {
        "on": on or case.decided_on or clock.today(),
        "factors": list(factors if factors is not None else case.facts.get("factors", [])),
        # The gains and value the officer recorded: the base of a fine by multiples, and facts a tier may
        # test.
        "values": {**case.facts.get("values", {}), **case.amounts},
        "act_date": case.act_end,
        "discovered_on": case.discovered_on,
        "subject_id": case.subject_id,
        "identifier": case.party_identifier,
    }
    if case.party_kind == "person" and case.party_age is not None and 14 <= case.party_age < 18:
        facts["factors"] = sorted({*facts["factors"], "aged_14_18"})
    return recommend(case.item, facts)
