"""What cases add to other apps, registered in CasesConfig.ready():

- discretion: the party's earlier violations (art 33 "first violation", repeat offences), from decided cases;
- authority: item use per town (filed cases and on-the-spot decisions) for the empowered-items evaluation;
- the core's origins: a form opened from a case page (a whistle: `/whistles/new/?case=<id>`) is prefilled from
  the case, without cases and whistles importing each other (enforcement/origins.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from authority.usage import UsageCount
from discretion.history import HistoryQuery
from discretion.specs import PriorViolation
from enforcement.compiled import DATE_MARK, MARK, MARK_2, TEXT_MARK, Compiled
from enforcement.models import District, User
from enforcement.origins import Origin, register_origin

from .models import Case
from .workflow import DECIDED_STAGES


def earlier_violations(query: HistoryQuery) -> list[PriorViolation]:
    """Cases decided against the party in any town of the district before `query.before`.

    Read by SQL compiled once per process for each way the party is named (enforcement.compiled; issue 18:
    building and compiling this query was a fifth of a built GET /api/cases/<id>/)."""
    by_subject, by_identifier = query.subject_id is not None, bool(query.identifier)
    if not (by_subject or by_identifier):
        return []
    values = [
        *([query.subject_id] if by_subject else []),
        *([query.identifier] if by_identifier else []),
        query.district_id,
        query.before,
    ]
    return [
        PriorViolation(
            decided_on=r["decided_on"],
            item_code=r["item__code"],
            item_id=r["item_id"],
            penalised=bool(r["penalty_kinds"]),
            town_id=r["town_id"],
            reference=r["number"],
        )
        for r in _violations(by_subject, by_identifier).rows(*values)
        if r["decided_on"] is not None  # always: decided before a date
    ]


def _violations_query(
    subject_id: int | None, identifier: str, district_id: int, before: Any
) -> QuerySet[Any]:
    party = Q()
    if subject_id is not None:
        party |= Q(subject_id=subject_id)
    if identifier:
        party |= Q(party_identifier=identifier)
    return (
        Case.objects.filter(
            party,
            district_id=district_id,
            stage__in=DECIDED_STAGES,
            decided_on__lt=before,
            item__isnull=False,
        )
        .values("decided_on", "item__code", "item_id", "fine", "penalty_kinds", "town_id", "number")
        .order_by("decided_on")
    )


@functools.lru_cache(maxsize=8)
def _violations(by_subject: bool, by_identifier: bool) -> Compiled[Any]:
    """`_violations_query` compiled with marks for the party, the district and the date."""
    marks = (
        *((MARK,) if by_subject else ()),
        *((TEXT_MARK,) if by_identifier else ()),
        MARK_2,
        DATE_MARK,
    )
    queryset = _violations_query(
        MARK if by_subject else None, TEXT_MARK if by_identifier else "", MARK_2, DATE_MARK
    )
    return Compiled(queryset, marks)


def case_usage(district: District, start: dt.date, end: dt.date) -> dict[tuple[int, int], UsageCount]:
    """(item, town) -> cases filed (or decided on the spot) between start and end."""
    used_on = Q(filed_on__range=(start, end)) | Q(procedure="simple", decided_on__range=(start, end))
    rows = (
        Case.objects.filter(used_on, district=district, item__isnull=False)
        .values("item_id", "town_id")
        .annotate(n=Count("pk"), last=Max("filed_on"), last_simple=Max("decided_on"))
    )
    return {
        (r["item_id"], r["town_id"]): UsageCount(
            r["n"],
            max(d for d in (r["last"], r["last_simple"]) if d) if (r["last"] or r["last_simple"]) else None,
        )
        for r in rows
    }


def resolve_case(user: User, case_id: str) -> Origin:
    from .selectors import case_get_for

    case = case_get_for(user=user, pk=int(case_id))
    return Origin(
        label=case.reference,
        url=case.get_absolute_url(),
        title=case.title,
        address=case.place,
        description=case.description,
        item_id=case.item_id,
    )


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from authority.usage import UsageSource, register_usage_source
    from discretion.history import register_history_provider

    register_history_provider(earlier_violations, key="cases")
    register_usage_source(UsageSource(key="cases", label=_("Penalty cases"), fn=case_usage))
    register_origin("case", resolve_case)
