"""Public pages that use the matching engine through its public function (`match_in_district`): "who enforces
this?" asked in plain words. The engine itself is not changed here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from authority.models import AuthorityGrant
from authority.selectors import district_for, district_towns, grants_active_on, responsible_department
from enforcement.models import District, Unit, User

from .selectors import match_in_district


def _district(request: HttpRequest) -> District:
    user = request.user if isinstance(request.user, User) else None
    district = district_for(user, request.GET.get("district", "")[:40])
    if district is None:
        raise Http404
    return district


ASK_MAX_CHARS = 300


@login_not_required
def ask(request: HttpRequest) -> HttpResponse:
    """ "Who enforces this?" in plain words: the matching engine (authority.matching, not a literal search)
    finds the items the words describe; each with the town that holds it (or, without a town, every town that
    does) and the district department otherwise responsible."""
    district = _district(request)
    today = timezone.localdate()
    towns = list(district_towns(district))
    text = request.GET.get("q", "").strip()[:ASK_MAX_CHARS]
    town = next((t for t in towns if t.code == request.GET.get("town", "")), None)
    rows: list[dict[str, Any]] = []
    outcome = None
    if text:
        outcome = match_in_district(text=text, district_id=district.pk, town=town, on=today, limit=6)
        items = [m.item for m in outcome.matched]
        holding: dict[int, list[Unit]] = {}
        for grant in (
            AuthorityGrant.objects.filter(grants_active_on(today), item__in=items, town__is_active=True)
            .select_related("town")
            .order_by("town__code")
        ):
            holding.setdefault(grant.item_id, []).append(grant.town)
        rows = [
            {
                "matched": m,
                "holder": m.holder,
                "towns": holding.get(m.item.pk, []),
                # A department is named for the towns that do not hold the item (none left: not named).
                "department": responsible_department(m.item)
                if len(holding.get(m.item.pk, [])) < len(towns)
                else None,
            }
            for m in outcome.matched
        ]
    context = {
        "district": district,
        "towns": towns,
        "town": town,
        "q": text,
        "outcome": outcome,
        "rows": rows,
        "today": today,
    }
    return render(request, "authority/ask.html", context)
