"""Reads of the authority list. `who_enforces` is the one question every part of the product asks.

The catalog, grants, approved adjustments and each town's list as of a date are public (公示); drafts and the
usage evaluation are scoped by `rules.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from enforcement.memo import remembered
from enforcement.models import District, Unit, User

from .models import Adjustment, AuthorityGrant, EnforcementItem, EnforcementItemVersion, GrantKind
from .rules import can_manage_authority


def grants_active_on(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


@dataclass(frozen=True)
class Holder:
    """Who enforces an item in a town on a date.

    `town` is set when the town holds it (kind statutory / empowered / delegated); then `acting_name` is the
    name the decision is made in: the town's own for statutory and empowered items, the delegating
    department's for delegated ones (arts 20-21). Otherwise `department` is the district department
    responsible, and the town should whistle.
    """

    item: EnforcementItem
    on: dt.date
    town: Unit | None = None
    grant: AuthorityGrant | None = None
    department: Unit | None = None

    @property
    def town_holds(self) -> bool:
        return self.grant is not None

    @property
    def kind(self) -> str:
        return self.grant.kind if self.grant else ""

    @property
    def acting_unit(self) -> Unit | None:
        if self.grant is None:
            return self.department
        if self.grant.kind == GrantKind.DELEGATED:
            return self.grant.delegating_department
        return self.town

    @property
    def acting_name(self) -> str:
        unit = self.acting_unit
        return unit.organ_name if unit else ""

    def explain(self) -> str:
        if self.grant is not None:
            if self.grant.kind == GrantKind.DELEGATED:
                return _("%(town)s enforces this item under delegation, in the name of %(dept)s.") % {
                    "town": self.town,
                    "dept": self.grant.delegating_department,
                }
            return _("%(town)s holds this item (%(kind)s).") % {
                "town": self.town,
                "kind": self.grant.get_kind_display(),
            }
        if self.department is not None:
            if self.town is None:
                return _("%(dept)s enforces this item.") % {"dept": self.department}
            return _(
                "%(town)s does not hold this item on %(date)s; %(dept)s does. Whistle to that department."
            ) % {"town": self.town, "date": self.on, "dept": self.department}
        return _("Nobody in the district is recorded as holding this item on %(date)s.") % {"date": self.on}


@remembered(lambda item: item.pk)
def responsible_department(item: EnforcementItem) -> Unit | None:
    """The district department that keeps an item no town holds: its recorded holder, else the domain's
    department."""
    if item.default_holder_id is not None:
        return item.default_holder
    return (
        Unit.objects.filter(
            district_id=item.district_id, kind=Unit.Kind.DEPARTMENT, domain=item.domain, is_active=True
        )
        .order_by("code")
        .first()
    )


def who_enforces(item: EnforcementItem, town: Unit | None, on: dt.date) -> Holder:
    """The town (with kind and acting name) if it holds `item` on `on`, else the responsible department.

    A town of another district never holds the item. Cases filed before a recovery stay with the town: callers
    ask with the date of the act being decided (for filing, the filing date), not today.
    """
    if town is not None and town.district_id == item.district_id:
        grant = next((g for g in _grants_to_town(item, town) if g.active_on(on)), None)
        if grant is not None:
            return Holder(item=item, on=on, town=town, grant=grant)
    return Holder(item=item, on=on, town=town, department=responsible_department(item))


def who_enforces_many(items: list[EnforcementItem], town: Unit | None, on: dt.date) -> dict[int, Holder]:
    """`who_enforces` for several items of one town in two queries at most (the town's grants of those items,
    then the district's departments when an item has no recorded holder), as a match answers for all its
    candidates."""
    grants: dict[int, list[AuthorityGrant]] = defaultdict(list)
    if town is not None:
        own = [i.pk for i in items if i.district_id == town.district_id]
        if own:
            for held in (
                AuthorityGrant.objects.filter(item_id__in=own, town=town)
                .select_related("delegating_department")
                .order_by("-valid_from")
            ):
                held.town = town  # the same town for every grant: no join
                grants[held.item_id].append(held)
    holders: dict[int, Holder] = {}
    orphans: list[EnforcementItem] = []
    for item in items:
        grant = next((g for g in grants.get(item.pk, []) if g.active_on(on)), None)
        if grant is not None:
            holders[item.pk] = Holder(item=item, on=on, town=town, grant=grant)
        elif item.default_holder_id is not None:
            holders[item.pk] = Holder(item=item, on=on, town=town, department=item.default_holder)
        else:
            orphans.append(item)
    if orphans:
        departments: dict[tuple[int, str], Unit] = {}
        for unit in Unit.objects.filter(
            district_id__in={i.district_id for i in orphans}, kind=Unit.Kind.DEPARTMENT, is_active=True
        ).order_by("-code"):
            departments[(unit.district_id, unit.domain)] = unit  # the lowest code wins, as in the single read
        for item in orphans:
            department = departments.get((item.district_id, item.domain))
            holders[item.pk] = Holder(item=item, on=on, town=town, department=department)
    return holders


@remembered(lambda item, town: (item.pk, town.pk))
def _grants_to_town(item: EnforcementItem, town: Unit) -> list[AuthorityGrant]:
    """Every grant of the item to the town, the latest start first (the first grant and each adjustment
    since)."""
    return list(
        AuthorityGrant.objects.filter(item=item, town=town)
        .select_related("delegating_department", "town")
        .order_by("-valid_from")
    )


def town_holds(item: EnforcementItem, town: Unit, on: dt.date) -> bool:
    return who_enforces(item, town, on).town_holds


def town_items_on(town: Unit, on: dt.date) -> QuerySet[AuthorityGrant]:
    """A town's authority list as of a date (its grants then in force)."""
    return (
        AuthorityGrant.objects.filter(grants_active_on(on), town=town)
        .select_related("item", "delegating_department", "granted_by")
        .order_by("kind", "item__domain", "item__code")
    )


def items_held_by(town: Unit, on: dt.date) -> QuerySet[EnforcementItem]:
    """The items a town may enforce on a date, e.g. for an item picker when filing a case."""
    held = AuthorityGrant.objects.filter(grants_active_on(on), town=town, item=OuterRef("pk"))
    return EnforcementItem.objects.filter(Exists(held)).order_by("domain", "code")


# --- the catalog --------------------------------------------------------------------------------------------


def catalog_items(
    *,
    district: District | None,
    q: str = "",
    domain: str = "",
    kind: str = "",
    held_by: str = "",
    on: dt.date | None = None,
) -> QuerySet[EnforcementItem]:
    """Items of a district's catalog (None: every district), searched in Chinese and English (name, code,
    conduct, legal basis); `on`: only items already in the catalog that day."""
    items = EnforcementItem.objects.filter(is_active=True).select_related("default_holder")
    if district is not None:
        items = items.filter(district=district)
    if on is not None:
        items = items.annotate(first_in_force=Min("versions__valid_from")).filter(first_in_force__lte=on)
    for word in q.split():
        items = items.filter(
            Q(code__icontains=word)
            | Q(name_zh__icontains=word)
            | Q(name_en__icontains=word)
            | Q(description_zh__icontains=word)
            | Q(legal_basis__icontains=word)
            | Q(rule_broken__icontains=word)
            | Q(penalty_clause__icontains=word)
        )
    if domain:
        items = items.filter(domain=domain)
    if kind:
        items = items.filter(kind=kind)
    if held_by:
        items = items.filter(held_by=held_by)
    return items.order_by("domain", "code")


def item_version_on(item: EnforcementItem, on: dt.date) -> EnforcementItemVersion | None:
    """The content of an item as it stood on a date (the latest version in force then)."""
    return item.versions.filter(valid_from__lte=on).order_by("-valid_from", "-version").first()


def holdings_on(district: District, on: dt.date) -> dict[int, list[AuthorityGrant]]:
    """item id -> the grants in force on a date across the district's towns."""
    result: dict[int, list[AuthorityGrant]] = defaultdict(list)
    grants = (
        AuthorityGrant.objects.filter(grants_active_on(on), item__district=district)
        .select_related("town", "delegating_department")
        .order_by("town__code")
    )
    for grant in grants:
        result[grant.item_id].append(grant)
    return result


def district_towns(district: District) -> QuerySet[Unit]:
    return Unit.objects.filter(district=district, kind=Unit.Kind.TOWN, is_active=True).order_by("code")


def district_for(user: User | None, code: str = "") -> District | None:
    """The district a page is about: the one asked for, else the user's, else the only (or first) one."""
    if code:
        return District.objects.filter(code=code).first()
    if user is not None and user.unit is not None:
        return user.unit.district
    return District.objects.order_by("code").first()


# --- history ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of a town's change history: an item started or stopped being held on a date."""

    on: dt.date
    grant: AuthorityGrant
    started: bool  # False: the grant ended (recovered, delegation term over, or kind changed)

    @property
    def document(self) -> str:
        if self.started:
            return self.grant.source_document
        return (
            self.grant.ended_by.document_number
            if self.grant.ended_by is not None
            else self.grant.source_document
        )

    @property
    def adjustment(self) -> Adjustment | None:
        return self.grant.granted_by if self.started else self.grant.ended_by


def town_history(town: Unit, *, until: dt.date | None = None, limit: int | None = None) -> list[Change]:
    """Every change to a town's list, newest first: grants that began, and grants that ended (the day
    after).

    With `limit`, the database gives only the latest `limit` starts and the latest `limit` ends, which hold
    the latest `limit` changes (the home page shows 8 of a history that only grows, issue 18)."""
    grants = AuthorityGrant.objects.filter(town=town).select_related(
        "item", "delegating_department", "granted_by", "ended_by"
    )
    if limit:
        starts = grants.filter(valid_from__lte=until) if until is not None else grants
        ends = grants.filter(valid_to__isnull=False)
        if until is not None:
            ends = ends.filter(valid_to__lt=until)  # ended the day after valid_to, on or before `until`
        latest = {g.pk: g for g in starts.order_by("-valid_from", "-item__code")[:limit]}
        latest.update((g.pk, g) for g in ends.order_by("-valid_to", "-item__code")[:limit])
        grants = list(latest.values())  # type: ignore[assignment]
    changes: list[Change] = []
    for grant in grants:
        if until is None or grant.valid_from <= until:
            changes.append(Change(grant.valid_from, grant, True))
        if grant.valid_to is not None:
            ended = grant.valid_to + dt.timedelta(days=1)
            if until is None or ended <= until:
                changes.append(Change(ended, grant, False))
    changes.sort(key=lambda c: (c.on, c.started, c.grant.item.code), reverse=True)
    return changes[:limit] if limit else changes


_TOWN_LIST_VERSION_SQL = """
SELECT
  (SELECT count(*) FROM {grants} WHERE town_id = %(t)s),
  (SELECT max(id) FROM {grants} WHERE town_id = %(t)s),
  (SELECT count(valid_to) FROM {grants} WHERE town_id = %(t)s),
  (SELECT max(valid_to) FROM {grants} WHERE town_id = %(t)s),
  (SELECT count(*) FROM {items} WHERE district_id = %(d)s),
  (SELECT max(updated_at) FROM {items} WHERE district_id = %(d)s),
  (SELECT sum(version) FROM {items} WHERE district_id = %(d)s),
  (SELECT count(*) FROM {units} WHERE district_id = %(d)s AND is_active),
  (SELECT max(id) FROM {units} WHERE district_id = %(d)s)
"""


def town_list_version(town: Unit) -> str:
    """What the town's published list is made of, in one query: its grants (a new one, an ended one), the
    catalog of its district (an item added or revised) and the district's towns. The page's cache is keyed by
    it."""
    sql = _TOWN_LIST_VERSION_SQL.format(
        grants=AuthorityGrant._meta.db_table,
        items=EnforcementItem._meta.db_table,
        units=Unit._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"t": town.pk, "d": town.district_id})
        row = cursor.fetchone()
    return hashlib.sha256(repr(tuple(str(v) for v in row or ())).encode()).hexdigest()[:16]


def item_grant_history(item: EnforcementItem) -> QuerySet[AuthorityGrant]:
    return item.grants.select_related("town", "delegating_department", "granted_by", "ended_by").order_by(
        "town__code", "valid_from"
    )


# --- adjustments --------------------------------------------------------------------------------------------


def adjustments_visible_to(user: User | None, district: District) -> QuerySet[Adjustment]:
    """Published decisions for everyone; drafts too for the district's administrators."""
    adjustments = Adjustment.objects.filter(district=district).select_related(
        "district", "created_by", "decided_by"
    )
    if user is None or not can_manage_authority(user, district):
        adjustments = adjustments.exclude(status=Adjustment.Status.DRAFT)
    return adjustments.order_by("-effective_from", "-pk")


def adjustment_lines(adjustment: Adjustment) -> QuerySet:
    return adjustment.lines.select_related("item", "town", "delegating_department").order_by(
        "action", "item__code", "town__code"
    )


class ItemNotHeld(ValidationError):
    """Raised by `require_town_holds`: the town may not act on the item that day; `holder.department` is whom
    to whistle to."""

    def __init__(self, holder: Holder):
        self.holder = holder
        super().__init__(holder.explain(), code="item_not_held")


def require_town_holds(item: EnforcementItem, town: Unit, on: dt.date) -> Holder:
    """For filing and deciding: the Holder when the town holds the item on `on`, else ItemNotHeld (a 400 in
    the API with the suggestion to whistle to the responsible department)."""
    holder = who_enforces(item, town, on)
    if not holder.town_holds:
        raise ItemNotHeld(holder)
    return holder
