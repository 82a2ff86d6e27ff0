"""Reads of the authority list. `who_enforces` is the one question every part of the product asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enforcement.models import Unit

from .models import AuthorityGrant, EnforcementItem, GrantKind


def grants_active_on(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


@dataclass(frozen=True)
class Holder:
    """Who enforces an item in a town on a date.

    `town` is set when the town holds it (kind statutory / empowered / delegated); then `acting_name` is the name the
    decision is made in: the town's own for statutory and empowered items, the delegating department's for delegated
    ones (arts 20-21). Otherwise `department` is the district department responsible, and the town should whistle.
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
        return unit.name_zh if unit else ""

    def explain(self) -> str:
        if self.grant is not None:
            if self.grant.kind == GrantKind.DELEGATED:
                return _("%(town)s enforces this item under delegation, in the name of %(dept)s.") % {
                    "town": self.town, "dept": self.grant.delegating_department}
            return _("%(town)s holds this item (%(kind)s).") % {"town": self.town, "kind": self.grant.get_kind_display()}
        if self.department is not None:
            return _("%(town)s does not hold this item on %(date)s; %(dept)s does. Whistle to that department.") % {
                "town": self.town, "date": self.on, "dept": self.department}
        return _("Nobody in the district is recorded as holding this item on %(date)s.") % {"date": self.on}


def who_enforces(item: EnforcementItem, town: Unit | None, on: dt.date) -> Holder:
    """The town (with kind and acting name) if it holds `item` on `on`, else the responsible department."""
    if town is not None:
        grant = (
            AuthorityGrant.objects.filter(grants_active_on(on), item=item, town=town)
            .select_related("delegating_department", "town")
            .order_by("-valid_from")
            .first()
        )
        if grant is not None:
            return Holder(item=item, on=on, town=town, grant=grant)
    department = item.default_holder
    if department is None:
        department = Unit.objects.filter(district_id=item.district_id, kind=Unit.Kind.DEPARTMENT, domain=item.domain).first()
    return Holder(item=item, on=on, town=town, department=department)


def town_items_on(town: Unit, on: dt.date) -> QuerySet[AuthorityGrant]:
    """A town's authority list as of a date (its grants then in force)."""
    return (
        AuthorityGrant.objects.filter(grants_active_on(on), town=town)
        .select_related("item", "delegating_department")
        .order_by("kind", "item__domain", "item__code")
    )
