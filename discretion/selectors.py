"""Reads of benchmarks, scoped to the user, and the loaders that turn rows into the plain specs `recommend`
uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.held import Held, held_or_cached
from enforcement.memo import remembered
from enforcement.models import District, User
from enforcement.public_cache import public_version

from .history import HistoryQuery, party_history
from .models import Benchmark, BenchmarkEntry, BenchmarkTier, DiscretionPolicy, LocalFactor
from .recommend import Recommendation, Snapshot
from .specs import BenchmarkSpec, Facts, ItemSpec, Policy, entry_spec, item_spec, tier_spec
from .vocabulary import STANDARD_FACTOR_MAP, FactorSpec

AnyUser = User | AnonymousUser | None


# --- rows to specs ------------------------------------------------------------------------------------------


def benchmark_spec(benchmark: Benchmark) -> BenchmarkSpec:
    return BenchmarkSpec(
        scale=benchmark.scale,
        tiers=tuple(tier_spec(t) for t in benchmark.tiers.all()),
        entries=tuple(entry_spec(e) for e in benchmark.entries.all()),
        id=benchmark.pk,
        version=benchmark.version,
        status=benchmark.status,
        is_generated=benchmark.is_generated,
        confirmed=benchmark.confirmed,
        valid_from=benchmark.valid_from,
        document_number=benchmark.document_number,
        document_title=benchmark.document_title,
        item_version=benchmark.item_version,
    )


@remembered(lambda district_id: district_id)
def policy_for(district_id: int | None) -> Policy:
    row = DiscretionPolicy.objects.filter(district_id=district_id).first() if district_id else None
    if row is None:
        return Policy()
    return Policy(
        repeat_window_months=row.repeat_window_months,
        limitation_years=row.limitation_years,
        limitation_years_grave=row.limitation_years_grave,
        max_only_lighter_pct=row.max_only_lighter_pct,
        max_only_normal_low_pct=row.max_only_normal_low_pct,
        max_only_normal_high_pct=row.max_only_normal_high_pct,
        span_lighter_pct=row.span_lighter_pct,
        span_heavier_pct=row.span_heavier_pct,
        reduced_floor_pct=row.reduced_floor_pct,
    )


def local_factor_spec(row: LocalFactor) -> FactorSpec:
    return FactorSpec(
        row.code, row.name_zh, row.name_en, row.effect, row.legal_basis, row.conditions, local=True
    )


@remembered(lambda district_id, item_id=None: (district_id, item_id))
def factor_catalog(district_id: int | None, item_id: int | None = None) -> dict[str, FactorSpec]:
    """Standard circumstances plus the district's active local ones (those for other items left out)."""
    catalog = dict(STANDARD_FACTOR_MAP)
    if district_id:
        rows = LocalFactor.objects.filter(district_id=district_id, is_active=True)
        rows = (
            rows.filter(Q(item__isnull=True) | Q(item_id=item_id))
            if item_id
            else rows.filter(item__isnull=True)
        )
        for row in rows:
            catalog.setdefault(row.code, local_factor_spec(row))
    return catalog


# --- which version applies ----------------------------------------------------------------------------------


def _with_rows(qs: QuerySet[Benchmark]) -> QuerySet[Benchmark]:
    return qs.select_related("item", "item__district").prefetch_related(
        Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("rank")),
        Prefetch("entries", queryset=BenchmarkEntry.objects.order_by("position", "pk")),
    )


@remembered(lambda item: item.pk)
def _benchmarks_in_force_ever(item: EnforcementItem) -> list[Benchmark]:
    """The item's published versions (latest valid-from first) and its generated defaults (oldest first)."""
    return list(
        _with_rows(
            Benchmark.objects.filter(
                item=item, status__in=[Benchmark.Status.PUBLISHED, Benchmark.Status.GENERATED]
            )
        ).order_by("-valid_from", "-version", "pk")
    )


def benchmark_in_force(item: EnforcementItem, on: dt.date | None = None) -> Benchmark | None:
    """The published version with the latest valid-from on or before `on`; else the generated default (if
    any)."""
    day = on or timezone.localdate()
    versions = _benchmarks_in_force_ever(item)
    published = next(
        (
            b
            for b in versions
            if b.status == Benchmark.Status.PUBLISHED and b.valid_from is not None and b.valid_from <= day
        ),
        None,
    )
    if published is not None:
        return published
    return min(
        (b for b in versions if b.status == Benchmark.Status.GENERATED), key=lambda b: b.pk, default=None
    )


def snapshot_for(item: EnforcementItem, on: dt.date | None = None, *, cached: bool = False) -> Snapshot:
    """What `compute` needs for `item` on `on`. `cached`: the benchmarks, circumstances and policy come from
    `item_reference` (no query while nothing of the discretion and authority apps changed)."""
    if cached:
        reference = item_reference(item)
        if reference is not None:
            return reference.snapshot(item_spec(item), on or timezone.localdate())
    benchmark = benchmark_in_force(item, on)
    spec = item_spec(item)
    return Snapshot(
        item=spec,
        benchmark=benchmark_spec(benchmark) if benchmark is not None else None,
        factors=factor_catalog(item.district_id, item.pk),
        policy=policy_for(item.district_id),
    )


@dataclass(frozen=True)
class ItemReference:
    """An item's benchmark versions (as `_benchmarks_in_force_ever` orders them), its district's
    circumstances and policy: the part of a snapshot that does not depend on the day."""

    versions: tuple[tuple[str, dt.date | None, int, BenchmarkSpec], ...]  # status, valid_from, pk, spec
    factors: dict[str, FactorSpec]
    policy: Policy

    def snapshot(self, item: ItemSpec, day: dt.date) -> Snapshot:
        """The same choice as `benchmark_in_force`: the published version with the latest valid-from on or
        before the day, else the oldest generated default."""
        published = Benchmark.Status.PUBLISHED
        chosen = next(
            (
                spec
                for status, valid_from, _pk, spec in self.versions
                if status == published and valid_from is not None and valid_from <= day
            ),
            None,
        )
        if chosen is None:
            chosen = min(
                (
                    (pk, spec)
                    for status, _valid, pk, spec in self.versions
                    if status == Benchmark.Status.GENERATED
                ),
                key=lambda pair: pair[0],
                default=(0, None),
            )[1]
        return Snapshot(item=item, benchmark=chosen, factors=self.factors, policy=self.policy)


# The references this process read last, under the public pages' version token (enforcement.public_cache:
# replaced by any change of a model of the authority or discretion apps, signals and audited services alike).
HELD_REFERENCES = 256
_held_references: Held[str, ItemReference] = Held(HELD_REFERENCES)


def item_reference(item: EnforcementItem) -> ItemReference | None:
    """The item's `ItemReference`, from this process or the cache while the version token stands; read (5
    queries) and stored otherwise. None when the cache gives no token (Redis down): the caller reads."""
    version = public_version()
    if not version:
        return None
    return held_or_cached(
        _held_references,
        f"discretion-reference:{connection.settings_dict['NAME']}:{version}:{item.pk}",
        lambda: ItemReference(
            versions=tuple(
                (b.status, b.valid_from, b.pk, benchmark_spec(b)) for b in _benchmarks_in_force_ever(item)
            ),
            factors=factor_catalog(item.district_id, item.pk),
            policy=policy_for(item.district_id),
        ),
        kind=ItemReference,
        ttl=3600,
    )


# Recommendations worked out, by everything `compute` reads (issue 18: a case's page and the API's case work
# out the same one for every request): the reference data's token, the item as it is now, the day and the
# facts with the party's history. Shared between requests: read only (Recommendation is frozen).
_held_recommendations: Held[tuple[Any, ...], Recommendation] = Held(1024)


def recommendation_held(item: EnforcementItem, facts: Facts) -> Recommendation:
    """`compute` for `item` on `facts`, with the snapshot `snapshot_for(..., cached=True)` gives and the
    party's history filled in (as `recommend(..., cached=True)` does), held in this process under the
    reference data's token with the item's spec, the day and the facts: the same answer, worked out once.
    Worked out every time when the cache gives no token or a fact cannot be a key."""
    from .recommend import compute

    version = public_version()
    facts = facts_with_history(facts, district_id=item.district_id)
    key: tuple[Any, ...] | None = None
    if version:
        spec = item_spec(item)
        key = (connection.settings_dict["NAME"], version, item.pk, repr(spec), _facts_key(facts))
        try:
            held = _held_recommendations.get(key)
        except TypeError:  # a value of the facts or the item that cannot be a key
            key, held = None, None
        if held is not None:
            return held
    recommendation = compute(snapshot_for(item, on=facts.on, cached=True), facts)
    if key is not None:
        _held_recommendations.put(key, recommendation)
    return recommendation


def _facts_key(facts: Facts) -> tuple[Any, ...]:
    """The facts as a key. Values by their repr: 1, True and Decimal("1.00") are equal as keys but not as
    what an explanation prints."""
    return (
        facts.on,
        tuple(sorted((name, repr(value)) for name, value in facts.values.items())),
        facts.factors,
        facts.act_date,
        facts.discovered_on,
        facts.history,
        facts.subject_id,
        facts.identifier,
    )


def facts_with_history(facts: Facts, *, district_id: int) -> Facts:
    """Fill in the party's history from the registered providers when the facts name a party but carry
    none."""
    if facts.history is not None:
        return facts
    identifier = facts.identifier
    if facts.subject_id is not None and not identifier:
        from enforcement.models import Subject

        identifier = (
            Subject.objects.filter(pk=facts.subject_id).values_list("identifier", flat=True).first() or ""
        )
    history = party_history(
        HistoryQuery(
            district_id=district_id,
            before=facts.act_date or facts.on,
            subject_id=facts.subject_id,
            identifier=identifier,
        )
    )
    return replace(facts, history=history, identifier=identifier) if history is not None else facts


# --- scoped reads -------------------------------------------------------------------------------------------


def districts_visible_to(user: AnyUser) -> frozenset[int]:
    return scope_for(user).district_ids


def items_for(*, user: AnyUser) -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(
        district_id__in=districts_visible_to(user), is_active=True
    ).select_related("district")


def benchmarks_for(*, user: AnyUser) -> QuerySet[Benchmark]:
    """Every version of every benchmark of the user's district (drafts included: officers read, maintainers
    edit)."""
    return Benchmark.objects.filter(item__district_id__in=districts_visible_to(user)).select_related(
        "item", "item__district"
    )


def benchmark_get_for(*, user: AnyUser, pk: Any) -> Benchmark:
    from enforcement.access import access_or_404

    return access_or_404(_with_rows(benchmarks_for(user=user)), pk=pk)


def item_get_for(*, user: AnyUser, pk: Any) -> EnforcementItem:
    from enforcement.access import access_or_404

    return access_or_404(items_for(user=user), pk=pk)


def item_overview(items: Iterable[EnforcementItem], on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per item: the version in force, whether it is generated, a waiting draft. Few queries for a whole
    list."""
    day = on or timezone.localdate()
    items = list(items)
    ids = [i.pk for i in items]
    rows = Benchmark.objects.filter(item_id__in=ids).values(
        "pk", "item_id", "version", "status", "valid_from", "is_generated", "document_number"
    )
    by_item: dict[int, list[Any]] = {}  # the .values() rows of each item's versions
    for row in rows:
        by_item.setdefault(row["item_id"], []).append(row)
    tiers = dict(
        BenchmarkTier.objects.filter(benchmark__item_id__in=ids)
        .values_list("benchmark_id")
        .annotate(n=Count("pk"))
        .values_list("benchmark_id", "n")
    )
    overview = []
    for item in items:
        versions = by_item.get(item.pk, [])
        published = sorted(
            (
                v
                for v in versions
                if v["status"] == Benchmark.Status.PUBLISHED and v["valid_from"] and v["valid_from"] <= day
            ),
            key=lambda v: (v["valid_from"], v["version"]),
        )
        upcoming = [
            v
            for v in versions
            if v["status"] == Benchmark.Status.PUBLISHED and v["valid_from"] and v["valid_from"] > day
        ]
        generated = next((v for v in versions if v["status"] == Benchmark.Status.GENERATED), None)
        draft = next((v for v in versions if v["status"] == Benchmark.Status.DRAFT), None)
        current = published[-1] if published else generated
        overview.append(
            {
                "item": item,
                "current": current,
                "generated": current is not None and current["status"] == Benchmark.Status.GENERATED,
                "draft": draft,
                "upcoming": upcoming,
                "versions": len(versions),
                "tiers": tiers.get(current["pk"], 0) if current else 0,
            }
        )
    return overview


def district_counts(district_id: int) -> dict[str, int]:
    items = EnforcementItem.objects.filter(district_id=district_id, is_active=True)
    overview = item_overview(items)
    return {
        "items": len(overview),
        "published": sum(1 for o in overview if o["current"] and not o["generated"]),
        "generated": sum(1 for o in overview if o["generated"]),
        "missing": sum(1 for o in overview if o["current"] is None),
        "drafts": sum(1 for o in overview if o["draft"]),
    }


# --- public -------------------------------------------------------------------------------------------------


def public_districts() -> QuerySet[District]:
    return (
        District.objects.filter(items__benchmarks__status=Benchmark.Status.PUBLISHED)
        .distinct()
        .order_by("code")
    )


def public_items(district: District) -> QuerySet[EnforcementItem]:
    today = timezone.localdate()
    return (
        EnforcementItem.objects.filter(
            district=district,
            is_active=True,
            benchmarks__status=Benchmark.Status.PUBLISHED,
            benchmarks__valid_from__lte=today,
        )
        .distinct()
        .order_by("code")
    )


def public_benchmark(
    district_code: str, item_code: str, on: dt.date | None = None
) -> tuple[EnforcementItem, Benchmark]:
    """The published version in force for the public page; 404 when there is none (drafts and defaults stay
    inside)."""
    from django.http import Http404

    item = (
        EnforcementItem.objects.filter(district__code=district_code, code=item_code, is_active=True)
        .select_related("district")
        .first()
    )
    if item is None:
        raise Http404
    day = on or timezone.localdate()
    benchmark = (
        _with_rows(
            Benchmark.objects.filter(item=item, status=Benchmark.Status.PUBLISHED, valid_from__lte=day)
        )
        .order_by("-valid_from", "-version")
        .first()
    )
    if benchmark is None:
        raise Http404
    return item, benchmark


def public_versions(item: EnforcementItem) -> QuerySet[Benchmark]:
    return Benchmark.objects.filter(
        item=item, status__in=[Benchmark.Status.PUBLISHED, Benchmark.Status.WITHDRAWN]
    ).order_by("-valid_from", "-version")


def valid_until(versions: Iterable[Benchmark]) -> dict[int, dt.date]:
    """For published versions: the last day each applies (the day before the next published version takes
    effect)."""
    published = sorted(
        (v for v in versions if v.status == Benchmark.Status.PUBLISHED and v.valid_from),
        key=lambda v: (v.valid_from, v.version),
    )
    return {
        older.pk: newer.valid_from - dt.timedelta(days=1)
        for older, newer in zip(published, published[1:], strict=False)
        if newer.valid_from is not None  # always, as filtered above
    }


def benchmarks_for_export(user: AnyUser, which: str, domain: str = "") -> list[Benchmark]:
    """The benchmarks to export: `current` (the version in force per item), `published`, `draft` or `all`."""
    qs = _with_rows(benchmarks_for(user=user)).order_by("item__code", "-version")
    if domain:
        qs = qs.filter(item__domain=domain)
    if which == "published":
        return list(qs.filter(status=Benchmark.Status.PUBLISHED))
    if which == "draft":
        return list(qs.filter(status=Benchmark.Status.DRAFT))
    if which == "all":
        return list(qs)
    items = items_for(user=user)
    if domain:
        items = items.filter(domain=domain)
    ids = [o["current"]["pk"] for o in item_overview(items) if o["current"]]
    return list(qs.filter(pk__in=ids))
