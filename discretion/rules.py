"""Who may do what with benchmarks.

Everyone signed in within a district reads its benchmarks (drafts too: officers see what is coming).
Supervisors maintain drafts (a department's supervisor only for its own domain); the district administrator
(区司法局) also publishes, confirms generated defaults and withdraws versions, since a benchmark is a
published district document.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from authority.models import EnforcementItem
from enforcement.models import Role, Unit, User
from enforcement.rules import is_district_admin_of

from .models import Benchmark

AnyUser = User | AnonymousUser | None


def can_view_benchmarks(user: AnyUser, district_id: int) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and user.unit is not None
        and user.unit.district_id == district_id
    )


def can_maintain_item_benchmark(user: AnyUser, item: EnforcementItem) -> bool:
    if not isinstance(user, User) or not user.is_active or user.unit is None:
        return False
    if is_district_admin_of(user, item.district_id):
        return True
    if not user.has_role(Role.SUPERVISOR) or user.unit.district_id != item.district_id:
        return False
    if user.unit.kind == Unit.Kind.DEPARTMENT:
        return user.unit.domain == item.domain
    return user.unit.kind == Unit.Kind.TOWN


def can_edit_benchmark(user: AnyUser, benchmark: Benchmark) -> bool:
    return benchmark.editable and can_maintain_item_benchmark(user, benchmark.item)


def can_publish_benchmark(user: AnyUser, benchmark: Benchmark) -> bool:
    return benchmark.editable and is_district_admin_of(user or AnonymousUser(), benchmark.item.district_id)


def can_withdraw_benchmark(user: AnyUser, benchmark: Benchmark) -> bool:
    return benchmark.status == Benchmark.Status.PUBLISHED and is_district_admin_of(
        user or AnonymousUser(), benchmark.item.district_id
    )


def can_discard_benchmark(user: AnyUser, benchmark: Benchmark) -> bool:
    return benchmark.status == Benchmark.Status.DRAFT and can_maintain_item_benchmark(user, benchmark.item)


def can_maintain_district(user: AnyUser, district_id: int) -> bool:
    """Bulk work over a district's tables (import, generate missing defaults, local circumstances)."""
    if (
        not isinstance(user, User)
        or not user.is_active
        or user.unit is None
        or user.unit.district_id != district_id
    ):
        return False
    return user.has_role(Role.DISTRICT_ADMIN) or user.has_role(Role.SUPERVISOR)


def can_change_policy(user: AnyUser, district_id: int) -> bool:
    return is_district_admin_of(user or AnonymousUser(), district_id)
