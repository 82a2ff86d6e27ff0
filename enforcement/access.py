"""The one scoping layer every read goes through.

`scope_for(user)` says which units' work a user may see; `TownOwnedQuerySet.for_user(user)` applies it to any
model that carries its town, adding the objects shared with the user's department through django-guardian.
`access_or_404` fetches and authorises in one step: missing and forbidden look the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_group, remove_perm

from .models import Role, Unit, User
from .officers import officer_towns

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    authenticated: bool = False
    district_ids: frozenset[int] = frozenset()
    town_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    district_admin: bool = False

    def town_q(self, field: str = "town") -> Q:
        """Rows owned by a town this user works for (or any town of their district, for administrators)."""
        if not self.authenticated:
            return Q(pk__in=[])
        if self.district_admin:
            return Q(**{f"{field}__district_id__in": self.district_ids})
        if self.town_ids:
            return Q(**{f"{field}_id__in": self.town_ids})
        return Q(pk__in=[])


NO_SCOPE = Scope()


def scope_for(user: User | AnonymousUser | None, on: dt.date | None = None) -> Scope:
    """Cached per user object (one request) for today; computed afresh for another date."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    assert isinstance(user, User)
    day = on or timezone.localdate()
    cache_key = f"_scope_{day.isoformat()}"
    cached: Scope | None = getattr(user, cache_key, None)
    if cached is not None:
        return cached
    unit = user.unit
    departments: set[int] = set()
    districts: set[int] = set()
    if unit is not None:
        districts.add(unit.district_id)
        if unit.kind == Unit.Kind.DEPARTMENT:
            departments.add(unit.pk)
    scope = Scope(
        authenticated=True,
        district_ids=frozenset(districts),
        town_ids=frozenset(officer_towns(user, day)),
        department_ids=frozenset(departments),
        district_admin=user.has_role(Role.DISTRICT_ADMIN) and bool(districts),
    )
    setattr(user, cache_key, scope)
    return scope


def share_with_unit(obj: models.Model, unit: Unit, perm: str = "view") -> None:
    """Grant a unit (all its members) a per-object permission, e.g. a department invited to one case."""
    assign_perm(f"{obj._meta.app_label}.{perm}_{obj._meta.model_name}", unit.group, obj)


def unshare_with_unit(obj: models.Model, unit: Unit, perm: str = "view") -> None:
    remove_perm(f"{obj._meta.app_label}.{perm}_{obj._meta.model_name}", unit.group, obj)


def shared_with(user: User, model: type[models.Model], perm: str = "view") -> models.QuerySet[Any]:
    """Objects of `model` shared with the user's unit through guardian (ids only, for use in a subquery)."""
    if user.unit is None:
        return model._default_manager.none()
    codename = f"{perm}_{model._meta.model_name}"
    return get_objects_for_group(user.unit.group, f"{model._meta.app_label}.{codename}", klass=model).values(
        "pk"
    )


class TownOwnedQuerySet(models.QuerySet[M]):
    """For models with a `town` foreign key. Subclasses may set `town_field` to a path."""

    town_field = "town"

    def for_user(self, user: User | AnonymousUser | None, *, shared: bool = True) -> Self:
        scope = scope_for(user)
        if not scope.authenticated:
            return self.none()
        q = scope.town_q(self.town_field)
        if shared and scope.department_ids:
            assert isinstance(user, User)
            q |= Q(pk__in=shared_with(user, self.model))
        return self.filter(q)


def access_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; missing and forbidden both raise 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
