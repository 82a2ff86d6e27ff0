"""The one scoping layer every read goes through.

`scope_for(user)` says which units' work a user may see; `TownOwnedQuerySet.for_user(user)` applies it to any
model that carries its town, adding the objects shared with the user's department through django-guardian.
`access_or_404` fetches and authorises in one step: missing and forbidden look the same.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_group, remove_perm

from .held import Held, already_read, forget, prefetch_keys, remember, version_token
from .models import ROLES_FROM_CACHE, District, Role, Unit, User
from .officers import officer_towns
from .units import attach_held_unit

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    authenticated: bool = False
    district_ids: frozenset[int] = frozenset()
    town_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    district_admin: bool = False
    # A city supervisor or administrator: reads every town of `district_ids` (the city's districts), like a
    # district administrator does one district; writes nothing through this (their roles grant no action on
    # a case). A scope cached before this field existed unpickles with the class default.
    city_wide: bool = False
    # A district administrator's: every unit of their districts, whose rows of the audit trail they read
    # (enforcement.selectors.audit_events_for), kept with the scope (issue 18: a query per audit request
    # otherwise). None: not worked out (not an administrator, or a scope cached before this field existed).
    district_unit_ids: frozenset[int] | None = None

    @property
    def reads_districts(self) -> bool:
        """Whether the scope reads whole districts (administrators, the city) rather than its towns."""
        return self.district_admin or self.city_wide

    def town_q(self, field: str = "town", district_field: str | None = None) -> Q:
        """Rows owned by a town this user works for (or any town of their district, for administrators). A
        model that keeps its district in a column of its own names it (`district_field`): an administrator's
        rows are then read on that column's index instead of through a join to every town (issue 18: a
        district's case list at a million cases went from seconds to milliseconds)."""
        if not self.authenticated:
            return Q(pk__in=[])
        if self.reads_districts:
            if district_field is not None:
                return Q(**{f"{district_field}_id__in": self.district_ids})
            return Q(**{f"{field}__district_id__in": self.district_ids})
        if self.town_ids:
            return Q(**{f"{field}_id__in": self.town_ids})
        return Q(pk__in=[])


NO_SCOPE = Scope()


SCOPE_TTL = 3600


def _version_key() -> str:
    # The database's name: test processes share one Redis, each with its own database and the same ids.
    return f"scope:{connection.settings_dict['NAME']}:version"


def _scope_key(user_pk: int, day: dt.date) -> str:
    return f"scope:{connection.settings_dict['NAME']}:{user_pk}:{day.isoformat()}"


def scope_changed(**_kwargs: Any) -> None:
    """Every cached scope is stale (a role, a unit or a secondment changed): a new version token, so entries
    written under an older one are recomputed. Connected in EnforcementConfig.ready() to the writes that
    change a scope. Replaced at once and again after the commit: a request that read the old rows while the
    change was not yet committed may have stored its scope under the token set at once."""
    _new_scope_version()
    transaction.on_commit(_new_scope_version)


def _new_scope_version() -> None:
    cache.set(_version_key(), uuid.uuid4().hex, None)
    forget([_version_key()])


def scope_version() -> str | None:
    """The current version token of the scopes (None: the cache is down): a key for anything cached that a
    change of roles, units or secondments makes stale."""
    return version_token(_version_key())


def _user_saved(update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # a sign-in writes last_login; it changes no scope
    scope_changed()


def scope_for(user: User | AnonymousUser | None, on: dt.date | None = None) -> Scope:
    """Cached per user object (one request) for today, and across requests in this process and in the cache
    with the user's roles under a version token that every change of roles, units or secondments replaces
    (issue 18: three queries per request otherwise); computed afresh for another date."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    assert isinstance(user, User)
    day = on or timezone.localdate()
    cache_key = f"_scope_{day.isoformat()}"
    cached: Scope | None = getattr(user, cache_key, None)
    if cached is not None:
        return cached
    version, scope = _from_cache(user, day)
    attach_held_unit(user)  # the request has read the reference-data token with its scope: no round trip
    if scope is not None:
        return scope
    scope = _compute_scope(user, day)
    if version is not None:  # None: the cache is down
        entry = (version, scope, user.role_names)
        cache.set(_scope_key(user.pk, day), entry, SCOPE_TTL)
        _held_scopes.put(_scope_key(user.pk, day), entry)
    setattr(user, cache_key, scope)
    return scope


# The scopes this process last saw, by the cache's key (database, user, day): (version, scope, roles), used
# only while the version token read for the request is the same, exactly as the cache's own entry is. The
# request then reads no entry, only the token, together with the other tokens it will want (enforcement.held).
_held_scopes: Held[str, tuple[str, Scope, frozenset[str]]] = Held(4096)


def _from_cache(user: User, day: dt.date) -> tuple[str | None, Scope | None]:
    """The current version token and, when this process or the cache holds this user's scope under it, the
    scope (also put on the user object with the user's roles). One round trip, with the other tokens the
    request will read (enforcement.held.prefetch_keys)."""
    entry_key = _scope_key(user.pk, day)
    version_key = _version_key()
    held = _held_scopes.get(entry_key)
    seen, version = already_read(version_key)
    extra = [k for k in prefetch_keys(user, held[1] if held is not None else None) if not already_read(k)[0]]
    keys = [] if seen else [version_key]
    if held is None:
        keys.append(entry_key)
    keys += extra
    found = cache.get_many(keys) if keys else {}
    remember(found, [k for k in keys if k != entry_key])
    if not seen:
        version = found.get(version_key)
    if version is None:  # first use, or the token was evicted: a new one, read before the scope is
        version = version_token(version_key)
    if version is None:
        return None, None
    version = str(version)
    entry: Any = held
    if held is None or held[0] != version:
        entry = found.get(entry_key) if held is None else cache.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version:
        scope, roles = entry[1], entry[2]
        if held is not entry:
            _held_scopes.put(entry_key, entry)
        if getattr(user, "_role_names", None) is None:
            user._role_names = roles
        setattr(user, f"_scope_{day.isoformat()}", scope)
        return version, scope
    return version, None


def cached_role_names(user: User) -> frozenset[str] | None:
    """The user's roles as cached with today's scope, or None (then User.role_names reads the groups)."""
    if not user.pk or not user.is_active:
        return None
    day = timezone.localdate()
    if getattr(user, f"_scope_{day.isoformat()}", None) is None:
        _from_cache(user, day)
    return getattr(user, "_role_names", None)


CITY_ROLES = frozenset({Role.CITY_SUPERVISOR, Role.CITY_ADMIN})


def _compute_scope(user: User, day: dt.date) -> Scope:
    if user.city_id is not None and CITY_ROLES & user.role_names:
        return Scope(
            authenticated=True,
            district_ids=frozenset(
                District.objects.filter(city_id=user.city_id).values_list("pk", flat=True)
            ),
            city_wide=True,
        )
    unit = user.unit
    departments: set[int] = set()
    districts: set[int] = set()
    if unit is not None:
        districts.add(unit.district_id)
        if unit.kind == Unit.Kind.DEPARTMENT:
            departments.add(unit.pk)
    district_admin = user.has_role(Role.DISTRICT_ADMIN) and bool(districts)
    return Scope(
        authenticated=True,
        district_ids=frozenset(districts),
        town_ids=frozenset(officer_towns(user, day)),
        department_ids=frozenset(departments),
        district_admin=district_admin,
        district_unit_ids=(
            frozenset(Unit.objects.filter(district_id__in=districts).values_list("pk", flat=True))
            if district_admin
            else None
        ),
    )


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
    """For models with a `town` foreign key. Subclasses may set `town_field` to a path, and `district_field`
    to the model's own district column (kept equal to its town's district)."""

    town_field = "town"
    district_field: str | None = None

    def for_user(self, user: User | AnonymousUser | None, *, shared: bool = True) -> Self:
        scope = scope_for(user)
        if not scope.authenticated:
            return self.none()
        q = scope.town_q(self.town_field, self.district_field)
        if shared and scope.department_ids:
            assert isinstance(user, User)
            q |= Q(pk__in=shared_with(user, self.model))
        return self.filter(q)

    def in_towns_of(self, scope: Scope) -> Self:
        """`for_user` of a user with this scope, without what is shared with a department: a queryset that
        depends on nothing but the scope (for one built once per scope, enforcement.compiled)."""
        if not scope.authenticated:
            return self.none()
        return self.filter(scope.town_q(self.town_field, self.district_field))


def access_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; missing and forbidden both raise 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


ROLES_FROM_CACHE.append(cached_role_names)
