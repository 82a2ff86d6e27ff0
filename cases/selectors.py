"""Reads of complaints and cases, already scoped to the user (missing and forbidden are the same 404)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.db.models.query import MAX_GET_RESULTS
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from authority.matching.evaluate import Example
from authority.models import EnforcementItem
from enforcement.access import Scope, access_or_404, scope_for
from enforcement.compiled import DATE_MARK, MARK, MOMENT_MARK, TEXT_MARK, Compiled, marks, rows_of
from enforcement.maps import MapQuery, Marker
from enforcement.models import Unit, User
from enforcement.people import name_people, with_people_named

from . import clock
from .models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseOfficer,
    Complaint,
    ComplaintLabel,
    DocumentRequest,
    Evidence,
    OnSiteRecord,
)
from .rules import can_file_complaint, can_generate_document, can_handle_cases
from .workflow import FINISHED, Stage


def complaints_for(
    *, user: User, status: str = "", query: str = "", town: Unit | None = None
) -> QuerySet[Complaint]:
    qs = Complaint.objects.for_user(user).select_related(
        "town", "label", "label__item", "label__second_item", "label__labelled_by"
    )
    if status:
        qs = qs.filter(match_status=status)
    if town is not None:
        qs = qs.filter(town=town)
    if query:
        qs = qs.filter(
            Q(text__icontains=query) | Q(external_id__icontains=query) | Q(address__icontains=query)
        )
    return qs.order_by("-received_at", "-pk")


def with_raw_match_result(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Each complaint's stored match result as the database's JSON text (`match_result_json`), not decoded: an
    API list passes it into its answer as it is (`ComplaintSerializer.get_match_result`)."""
    return qs.defer("match_result").annotate(match_result_json=Cast("match_result", TextField()))


def complaint_get_for(*, user: User, pk: int | str) -> Complaint:
    return access_or_404(
        Complaint.objects.for_user(user).select_related(
            "town", "created_by", "label", "label__item", "label__second_item", "label__labelled_by"
        ),
        pk=pk,
    )


def complaint_label_of(complaint: Complaint) -> ComplaintLabel | None:
    try:
        return complaint.label
    except ComplaintLabel.DoesNotExist:
        return None


def complaint_labels(
    *, district_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[ComplaintLabel]:
    """The labels of a district's complaints received from `since` up to `until` (exclusive), oldest first
    (a system read: the evaluation and the export; the page scopes them with `for_user`)."""
    qs = ComplaintLabel.objects.filter(district_id=district_id)
    if since is not None:
        qs = qs.filter(complaint__received_at__gte=_day_start(since))
    if until is not None:
        qs = qs.filter(complaint__received_at__lt=_day_start(until))
    return qs.select_related("complaint", "item", "second_item").order_by("complaint__received_at", "pk")


def labels_for(*, user: User) -> QuerySet[ComplaintLabel]:
    """The labels of the complaints the user sees, oldest first."""
    return (
        ComplaintLabel.objects.for_user(user, shared=False)
        .select_related("complaint", "item", "second_item")
        .order_by("complaint__received_at", "pk")
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def labelled_examples(district_id: int, since: dt.date | None, until: dt.date | None) -> list[Example]:
    """The labels as the evaluation's examples: id (ticket or number), language, text, expected codes."""
    return [
        Example(
            id=label.complaint.external_id or f"complaint-{label.complaint_id}",
            lang=label.lang or "?",
            text=label.complaint.text,
            expected=tuple(label.codes),
        )
        for label in complaint_labels(district_id=district_id, since=since, until=until)
    ]


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
    return _filtered(Case.objects.for_user(user), f, user_id=user.pk, day=_due_day(f))


def _due_day(f: CaseFilters) -> dt.date | None:
    """The day a deadline filter compares with: today for "overdue", the last day for "due within"."""
    if f.due_within is None:
        return None
    return timezone.localdate() + dt.timedelta(days=max(f.due_within, 0))


def _filtered(qs: QuerySet[Case], f: CaseFilters, *, user_id: Any, day: Any) -> QuerySet[Case]:
    """The filters of `cases_for` on `qs` (`day`: `_due_day`'s, or a mark where compiled)."""
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.item_id:
        qs = qs.filter(item_id=f.item_id)
    if f.town_id:
        qs = qs.filter(town_id=f.town_id)
    if f.due_within is not None and f.due_within < 0:  # "overdue": as the home counts them
        qs = qs.filter(overdue_q(day))
    elif f.due_within is not None:
        qs = qs.filter(next_due__lte=day)
    if f.mine:
        qs = qs.filter(officers__officer=user_id, officers__recused_at__isnull=True)
    if f.query:
        qs = qs.filter(
            Q(number__icontains=f.query)
            | Q(title__icontains=f.query)
            | Q(party_name__icontains=f.query)
            | Q(party_identifier=f.query)
        )
    return qs


def encode_cursor(case: Case) -> str:
    return _cursor(case.created_at, case.pk)


def _cursor(created_at: dt.datetime, pk: int) -> str:
    return f"{created_at.isoformat()}_{pk}"


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
    parse starts from the top.

    Read by SQL compiled once per process for each scope and each set of filters present
    (enforcement.compiled; issue 18: building and compiling the query was about a third of the built list
    page), the filters' values, the user's id and the cursor at marks. A search (free text; its ILIKE is the
    cost) and a department's scope (guardian's shares, read per request) go through the ORM, as does the
    scope of nobody."""
    f = filters or CaseFilters()
    scope = scope_for(user)
    if not scope.authenticated or scope.department_ids or f.query:
        rows = list(_case_list_query(_below_cursor(cases_for(user=user, filters=f), after), size))
    else:
        shape, values = _list_shape(f, user, _decode_cursor(after), size)
        rows = _case_list_compiled(scope, shape).objects(*values)
    has_next = len(rows) > size
    rows = rows[:size]
    return CasePage(rows, encode_cursor(rows[-1]) if has_next and rows else "", has_next)


def _case_list_query(qs: QuerySet[Case], size: int) -> QuerySet[Case]:
    return (
        qs.select_related("town", "item").only(*CASE_LIST_FIELDS).order_by("-created_at", "-pk")[: size + 1]
    )


@dataclass(frozen=True)
class _ListShape:
    """What the case list's SQL is built from besides the scope: the filters present, the page's size."""

    filters: CaseFilters  # marks in the places of the values present
    cursor: bool
    size: int


_USER_MARK, _ITEM_MARK, _TOWN_MARK, _CURSOR_MARK = marks(4)


def _list_shape(
    f: CaseFilters, user: User, cursor: tuple[dt.datetime, int] | None, size: int
) -> tuple[_ListShape, list[Any]]:
    """The list's shape and the values for its marks, in the order `_case_list_compiled` takes them."""
    marked = CaseFilters(
        stage=TEXT_MARK if f.stage else "",
        item_id=_ITEM_MARK if f.item_id else None,
        town_id=_TOWN_MARK if f.town_id else None,
        due_within=None if f.due_within is None else (-1 if f.due_within < 0 else 0),
        mine=f.mine,
    )
    day = _due_day(f)
    values = [
        *([f.stage] if f.stage else []),
        *([f.item_id] if f.item_id else []),
        *([f.town_id] if f.town_id else []),
        *([day] if day is not None else []),
        *([user.pk] if f.mine else []),
        *(cursor or ()),
    ]
    return _ListShape(marked, cursor is not None, size), values


@functools.lru_cache(maxsize=512)
def _case_list_compiled(scope: Scope, shape: _ListShape) -> Compiled[Case]:
    """`case_page_for`'s query for this scope and shape, with marks for the values `_list_shape` gives."""
    f = shape.filters
    day = DATE_MARK if f.due_within is not None else None
    qs = _filtered(Case.objects.in_towns_of(scope), f, user_id=_USER_MARK, day=day)
    if shape.cursor:
        qs = _cursor_filter(qs, MOMENT_MARK, _CURSOR_MARK)
    present = (
        *([f.stage] if f.stage else []),
        *([f.item_id] if f.item_id else []),
        *([f.town_id] if f.town_id else []),
        *([day] if day is not None else []),
        *([_USER_MARK] if f.mine else []),
        *([MOMENT_MARK, _CURSOR_MARK] if shape.cursor else []),
    )
    return Compiled(_case_list_query(qs, shape.size), marks=present)


def _below_cursor(qs: QuerySet[Case], after: str) -> QuerySet[Case]:
    decoded = _decode_cursor(after)
    if decoded is None:
        return qs
    return _cursor_filter(qs, *decoded)


def _cursor_filter(qs: QuerySet[Case], moment: Any, pk: Any) -> QuerySet[Case]:
    # The plain `<=` lets PostgreSQL seek the index to the cursor; the OR alone is applied as a filter after a
    # scan from the top of the town (bench/case_list_bench.py: page 1,000 went from 25.7 ms to 6.3 ms).
    return qs.filter(created_at__lte=moment).filter(
        Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)
    )


# What a row of the API's case list shows, as plain values (CaseListItemSerializer's fields): the town's and
# the item's columns come through the same joins as CASE_LIST_FIELDS, without a model object per row.
CASE_ROW_VALUES = (
    "id",
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
    "version",
    "town_id",
    "town__code",
    "town__name_zh",
    "town__name_en",
    "item_id",
    "item__code",
    "item__name_zh",
    "item__name_en",
    "item__domain",
)


@dataclass(frozen=True)
class CaseRowsPage:
    rows: list[dict[str, Any]]  # CASE_ROW_VALUES of each case
    next_cursor: str
    has_next: bool


def case_rows_page_for(
    *, user: User, filters: CaseFilters | None = None, after: str = "", size: int = CASE_PAGE_SIZE
) -> CaseRowsPage:
    """`case_page_for`'s page (the same cases, order and cursor) as CASE_ROW_VALUES per case: the API writes
    its rows from these, without making three model objects a row (issue 18: most of the list's time)."""
    qs = _below_cursor(cases_for(user=user, filters=filters), after)
    rows = list(qs.order_by("-created_at", "-pk").values(*CASE_ROW_VALUES)[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if has_next and rows else None
    return CaseRowsPage(rows, _cursor(last["created_at"], last["id"]) if last else "", has_next)


def case_get_for(*, user: User, pk: int | str) -> Case:
    """The case with what its page needs, or 404 when it does not exist or the user may not see it.

    Read by SQL compiled once per process for each scope (enforcement.compiled; issue 18: compiling the query
    and the officers' was two thirds of a built GET /api/cases/<id>/), into the same objects the queryset
    gives. A department's scope adds the cases shared with it, which guardian reads per request: read through
    the ORM, as is the scope of nobody (an empty queryset)."""
    scope = scope_for(user)
    if not scope.authenticated or scope.department_ids:
        return access_or_404(_case_with_people(user), pk=pk)
    value = _an_id(pk)
    return _case_read(_case_compiled(scope).objects(value) if value is not None else [])


def _case_read(found: list[Case]) -> Case:
    """The one case a compiled case query found (404 for none), with its people named and its officers, as
    the ORM's queryset with its prefetch gives it."""
    if not found:
        raise Http404
    if len(found) > 1:  # as QuerySet.get; never for a primary key
        raise Case.MultipleObjectsReturned
    case = name_people(found, *CASE_PEOPLE)[0]
    officers = _officers_compiled().objects(case.pk)
    for row in officers:
        row.case = case  # as the prefetch sets it
    # What prefetch_related leaves: the related manager's queryset holding the rows.
    held = case.officers._apply_rel_filters(_officers())  # type: ignore[attr-defined]
    held._result_cache, held._prefetch_done = officers, True
    case._prefetched_objects_cache = {"officers": held}  # type: ignore[attr-defined]
    return case


def _an_id(pk: int | str) -> int | None:
    """The primary key as the ORM would look it up, or None where its lookup finds nothing (not a number, or
    beyond the column's range) or fails (404 either way, as access_or_404 answers)."""
    field = Case._meta.pk
    assert field is not None
    try:
        value = field.get_prep_value(pk)
    except (ValueError, TypeError):
        return None
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    if not isinstance(value, int) or (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


def _officers() -> QuerySet[CaseOfficer]:
    return CaseOfficer.objects.select_related("officer")


@functools.lru_cache(maxsize=512)
def _case_compiled(scope: Scope) -> Compiled[Case]:
    """The case query of `case_get_for` for this scope (all it holds of the user), as QuerySet.get compiles
    it, with MARK for the case's id."""
    named = with_people_named(
        Case.objects.in_towns_of(scope).select_related(*CASE_RELATED),
        *CASE_PEOPLE,
    )
    return Compiled(named.filter(pk=MARK).order_by()[:MAX_GET_RESULTS])


@functools.cache
def _officers_compiled() -> Compiled[CaseOfficer]:
    """The query prefetch_related runs for one case's officers, with MARK for the case's id."""
    return Compiled(_officers().filter(case__in=[MARK]))


def case_page_get_for(*, user: User, pk: int | str) -> Case:
    """`case_get_for`, and whether the case has document requests its page shows (`has_requests_shown`, an
    EXISTS in the case's own query): the page reads them only then, and nearly every case has none (the case
    page's 11th query, issue 18). Compiled once per scope as `case_get_for`'s query is, with a mark for the
    moment failed requests are shown from."""
    since = clock.now() - REQUEST_FAILURE_SHOWN
    scope = scope_for(user)
    if not scope.authenticated or scope.department_ids:
        return access_or_404(_case_page_query(_case_with_people(user), since), pk=pk)
    value = _an_id(pk)
    if value is None:
        return _case_read([])
    return _case_read(_case_page_compiled(scope).objects(value, since))


def _case_page_query(cases: QuerySet[Case], since: dt.datetime) -> QuerySet[Case]:
    shown = DocumentRequest.objects.filter(_requests_shown(since), case=OuterRef("pk"))
    return cases.annotate(has_requests_shown=Exists(shown))


@functools.lru_cache(maxsize=512)
def _case_page_compiled(scope: Scope) -> Compiled[Case]:
    """The case query of `case_page_get_for` for this scope, as QuerySet.get compiles it, with MARK for the
    case's id and MOMENT_MARK for the moment failed requests are shown from."""
    named = with_people_named(
        Case.objects.in_towns_of(scope).select_related(*CASE_RELATED),
        *CASE_PEOPLE,
    )
    query = _case_page_query(named, MOMENT_MARK).filter(pk=MARK).order_by()[:MAX_GET_RESULTS]
    return Compiled(query, marks=(MARK, MOMENT_MARK))


def _case_with_people(user: User) -> QuerySet[Case]:
    return with_people_named(
        Case.objects.for_user(user)
        .select_related(*CASE_RELATED)
        .prefetch_related(Prefetch("officers", queryset=_officers())),
        *CASE_PEOPLE,
    )


CASE_RELATED = ("town", "district", "item", "subject")


REQUEST_FAILURE_SHOWN = dt.timedelta(minutes=30)  # a failed document request stays on the case page this long


def _requests_shown(since: dt.datetime) -> Q:
    return Q(status=DocumentRequest.Status.PENDING) | Q(
        status=DocumentRequest.Status.FAILED, finished_at__gte=since
    )


def document_requests_shown(case: Case) -> list[DocumentRequest]:
    """The case's document requests still pending, and those that failed lately, in the order asked; none
    read when the case came from `case_page_get_for` without any."""
    if not getattr(case, "has_requests_shown", True):
        return []
    since = clock.now() - REQUEST_FAILURE_SHOWN
    return list(case.document_requests.filter(_requests_shown(since)).order_by("requested_at", "pk"))


# Who filed, decided and reviewed the case: the page and the API name them (enforcement.people: by name,
# without joining their rows; PostgreSQL planned an 8-table join for every case page and API answer).
CASE_PEOPLE = ("created_by", "decided_by", "reviewed_by")


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return with_people_named(case.events.order_by("at", "pk"), "actor")


def case_timeline_rows(case: Case) -> list[CaseEvent]:
    """`case_timeline` read, through its query compiled once (the case's id at its mark)."""
    return rows_of(case, name_people(_timeline_compiled().objects(case.pk), "actor"), "case")


@functools.cache
def _timeline_compiled() -> Compiled[CaseEvent]:
    return Compiled(with_people_named(CaseEvent.objects.filter(case=MARK).order_by("at", "pk"), "actor"))


APPROVAL_STAGES = ("filing_review", "deciding", "executed", "closed")


# What waits for a supervisor's approval (the queue below, and the home page's count of it).
AWAITING_APPROVAL = Q(stage__in=APPROVAL_STAGES) & ~Q(stage="closed", archived_on__isnull=False)


def awaiting_approval_for(*, user: User) -> QuerySet[Case]:
    """Supervisor queue: filings to approve, decisions to make, cases to close and archive."""
    return (
        Case.objects.for_user(user, shared=False)
        .filter(AWAITING_APPROVAL)
        .select_related("town", "item")
        .only(*CASE_LIST_FIELDS)
        .order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")
    )


def my_open_cases_for(*, user: User) -> QuerySet[Case]:
    """Open cases the user handles (not recused), in the towns they work for."""
    return (
        my_open_case_rows_for(user=user)
        .select_related("town", "item")
        .distinct()
        .order_by("next_due", "created_at")
    )


def my_open_case_rows_for(*, user: User) -> QuerySet[Case]:
    """The same cases, to count with `Count("pk", distinct=True)`: without DISTINCT on the queryset, which an
    aggregate wraps whole in a subquery (every column of the case, sorted: 24 ms of the home page's
    PostgreSQL time for 48 cases, issue 18)."""
    return my_open_case_rows_in(scope_for(user), user.pk)


def my_open_case_rows_in(scope: Scope, user_id: Any) -> QuerySet[Case]:
    """`my_open_case_rows_for` of the user with this id and scope (the id may be a mark, enforcement.compiled:
    `for_user(user, shared=False)` is `in_towns_of` the user's scope)."""
    return (
        Case.objects.in_towns_of(scope)
        .open()
        .filter(officers__officer=user_id, officers__recused_at__isnull=True)
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
    case: Case, factors: Sequence[str] | None = None, *, on: dt.date | None = None, cached: bool = False
) -> Any:
    """The discretion benchmark's recommendation for the case's facts (None without an item). `cached`: the
    benchmark and the district's circumstances and rules from the cache (discretion.selectors.item_reference,
    for the case page and the API's case; decisions read them afresh)."""
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
    return recommend(case.item, facts, cached=cached)


def record_list_for(case: Case) -> list[OnSiteRecord]:
    """The case's on-site and inquiry records (the case was read through case_get_for), in time order: a
    query compiled once, the case's id at its mark."""
    return rows_of(case, _records_compiled().objects(case.pk), "case")


@functools.cache
def _records_compiled() -> Compiled[OnSiteRecord]:
    records = OnSiteRecord.objects.filter(case=MARK).select_related("officer_1", "officer_2", "pdf")
    return Compiled(records.order_by("started_at", "pk"))


def case_evidence_rows(case: Case) -> list[Evidence]:
    """The case's evidence as its page lists it (with who uploaded it), oldest first: compiled once."""
    return rows_of(case, _evidence_compiled().objects(case.pk), "case")


@functools.cache
def _evidence_compiled() -> Compiled[Evidence]:
    evidence = Evidence.objects.filter(case=MARK).select_related("uploaded_by")
    return Compiled(evidence.order_by("uploaded_at", "pk"))


def case_document_rows(case: Case) -> list[CaseDocument]:
    """The case's documents as its page lists them (by kind, the latest version first): compiled once."""
    return rows_of(case, _documents_compiled().objects(case.pk), "case")


@functools.cache
def _documents_compiled() -> Compiled[CaseDocument]:
    documents = CaseDocument.objects.filter(case=MARK).select_related("generated_by")
    return Compiled(documents.order_by("kind", "-version"))


@dataclass
class ItemChoice:
    """An item an officer may pick for a complaint: from the engine's reading of the search words (with the
    words that led to it) or from the catalog's names and codes."""

    code: str
    name_zh: str
    name_en: str
    terms: list[str]
    checked: bool = False


def label_item_choices(
    *, complaint: Complaint, query: str, keep: Sequence[str] = (), limit: int = 8
) -> list[ItemChoice]:
    """Items of the complaint's district for the officer's search: the ones already ticked (`keep`) first,
    then what the engine reads in the words typed, then names and codes that contain them."""
    from authority.matching.selectors import match_for_town

    base = EnforcementItem.objects.filter(district_id=complaint.district_id, is_active=True)
    out: dict[str, ItemChoice] = {}
    for item in base.filter(code__in=list(keep)[:2]).order_by("code"):
        out[item.code] = ItemChoice(item.code, item.name_zh, item.name_en, [], checked=True)
    query = query.strip()[:100]
    if query:
        outcome = match_for_town(
            text=query, town=complaint.town, on=timezone.localdate(), limit=limit, with_weak=True
        )
        for m in [*outcome.matched, *outcome.weak]:
            if m.item.code not in out and len(out) < limit + len(keep):
                out[m.item.code] = ItemChoice(m.item.code, m.item.name_zh, m.item.name_en, m.candidate.terms)
        literal = base.filter(
            Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        ).order_by("code")[:limit]
        for item in literal:
            if item.code not in out and len(out) < limit + len(keep):
                out[item.code] = ItemChoice(item.code, item.name_zh, item.name_en, [])
    return list(out.values())


@dataclass
class LabelMonth:
    """How the engine's suggestions, as the officers saw them, compared with their labels in one month."""

    month: dt.date
    labelled: int = 0
    with_items: int = 0
    top1: int = 0
    top3: int = 0
    none: int = 0
    none_right: int = 0
    false_none: int = 0

    def ratio(self, part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def top1_rate(self) -> float | None:
        return self.ratio(self.top1, self.with_items)

    @property
    def top3_rate(self) -> float | None:
        return self.ratio(self.top3, self.with_items)

    @property
    def none_rate(self) -> float | None:
        return self.ratio(self.none_right, self.none)

    @property
    def false_none_rate(self) -> float | None:
        return self.ratio(self.false_none, self.with_items)


@dataclass
class LabelFigures:
    months: list[LabelMonth]
    # (officer's item or NO_ITEM, its name, the engine's first instead or "", its name, times)
    confusions: list[tuple[str, str, str, str, int]]


NO_ITEM = "-"  # in a confusion: the officer said no item of the list applies


def label_figures(*, user: User, months: int = 12) -> LabelFigures:
    """Per month of receipt (the last `months`), the labelled complaints the user may see: how often the
    engine's first suggestion at the time was the officer's item, how often it was in the first three, and
    "no match" right and wrong; and the most frequent confusions."""
    from collections import Counter

    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        ComplaintLabel.objects.for_user(user, shared=False)
        .filter(complaint__received_at__gte=_day_start(start))
        .values_list("complaint__received_at", "verdict", "item__code", "second_item__code", "suggested")
    )
    by_month: dict[dt.date, LabelMonth] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    for received, verdict, code, second, suggested in rows:
        month = timezone.localtime(received).date().replace(day=1)
        m = by_month.setdefault(month, LabelMonth(month))
        m.labelled += 1
        first = suggested[0] if suggested else ""
        if verdict == ComplaintLabel.Verdict.NONE:
            m.none += 1
            m.none_right += not suggested
            if first:
                confusions[(NO_ITEM, first)] += 1
            continue
        codes = [c for c in (code, second) if c]
        m.with_items += 1
        m.top1 += first in codes
        m.top3 += bool(set(suggested[:3]) & set(codes))
        m.false_none += not suggested
        if first not in codes:
            confusions[(codes[0], first)] += 1
    top = [(e, g, n) for (e, g), n in confusions.most_common(10)]
    wanted = {c for e, g, _ in top for c in (e, g) if c and c != NO_ITEM}
    names = {
        i.code: i.name
        for i in EnforcementItem.objects.filter(district_id__in=scope_for(user).district_ids, code__in=wanted)
    }
    return LabelFigures(
        sorted(by_month.values(), key=lambda m: m.month, reverse=True),
        [(e, names.get(e, ""), g, names.get(g, ""), n) for e, g, n in top],
    )


# --- the town map -------------------------------------------------------------------------------------------


def case_map_markers(user: User, query: MapQuery) -> list[Marker]:
    """Cases with a place, as the case list scopes them (their towns; a department what was transferred to
    it), newest first: at most one more than the limit (that one says more exist)."""
    qs = cases_for(user=user, filters=CaseFilters(stage=query.stage)).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    if query.state == "open":
        qs = qs.exclude(stage__in=FINISHED)
    elif query.state == "closed":
        qs = qs.filter(stage__in=FINISHED)
    labels = dict(Stage.choices)
    rows = qs.order_by("-created_at", "-pk").values(
        "pk", "number", "title", "stage", "latitude", "longitude", "created_at"
    )[: query.limit + 1]
    return [
        Marker(
            kind="case",
            id=row["pk"],
            lat=row["latitude"],
            lng=row["longitude"],
            title=f"{row['number'] or gettext('Lead %(id)s') % {'id': row['pk']}} {row['title']}",
            stage=row["stage"],
            stage_label=str(labels.get(row["stage"], row["stage"])),
            open=row["stage"] not in FINISHED,
            url=reverse("cases:case", args=[row["pk"]]),
            on=timezone.localtime(row["created_at"]).date().isoformat(),
        )
        for row in rows
    ]


def document_request_get_for(*, user: User, case_pk: int, pk: int) -> tuple[Case, DocumentRequest]:
    """A document asked for (being generated, done or failed) with its case: 404 where the case is not the
    user's or the request not the case's, PermissionDenied for who may see the case but not make its
    documents. The page's poll and the API's status answer through here."""
    case = case_get_for(user=user, pk=case_pk)
    if not can_generate_document(user, case):
        raise PermissionDenied
    return case, get_object_or_404(DocumentRequest.objects.select_related("document"), case=case, pk=pk)


def overdue_q(today: dt.date) -> Q:
    """Cases past the deadline they work against, as `deadline_rows` counts them (the home's counts and the
    team view agree). `next_due` is kept when a step changes the case, so a notice's reply period that ran
    out is still its `next_due`: that date was the party's to reply by, not the team's to meet; the case is
    overdue only once its decision deadline passes too."""
    reply_ran_out = Q(stage=Stage.NOTIFIED, next_due=F("reply_due")) & (
        Q(decision_due__isnull=True) | Q(decision_due__gte=today)
    )
    return Q(next_due__lt=today) & ~reply_ran_out
