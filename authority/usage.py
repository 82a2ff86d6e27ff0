"""Where items are used, for the usage evaluation (赋权事项使用效果评估).

Apps that use enforcement items register a source: cases filed, inspections that checked an item, whistles
that asked a department for an item. The evaluation adds them up per (item, town); no app here imports the
others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from enforcement.models import District


@dataclass(frozen=True)
class UsageCount:
    count: int
    last_used: dt.date | None


# (district, start, end) -> {(item_id, town_id): UsageCount}, counting uses with start <= date <= end.
UsageFn = Callable[[District, dt.date, dt.date], dict[tuple[int, int], UsageCount]]


@dataclass(frozen=True)
class UsageSource:
    key: str  # "cases", "inspections", "whistles", ...
    label: str | Promise
    fn: UsageFn
    counts_as_use: bool = True  # False for demand signals, e.g. whistles asking a department for an item


_SOURCES: dict[str, UsageSource] = {}


def register_usage_source(source: UsageSource) -> None:
    _SOURCES[source.key] = source


def usage_sources() -> list[UsageSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.key)


def unregister_usage_source(key: str) -> None:
    """Remove a source (tests register their own and clean up)."""
    _SOURCES.pop(key, None)


# --- the evaluation -----------------------------------------------------------------------------------------


class UsageStatus:
    ACTIVE = "active"  # used within the window
    NEW = "new"  # held for less than the window and not used yet: too early to judge
    NEVER = "never"  # zombie: never used since the town got it
    IDLE = "idle"  # zombie: used once, but not within the window
    UNKNOWN = "unknown"  # no source of uses is registered: nothing can be said

    ZOMBIES = frozenset({NEVER, IDLE})


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end), e.g. 2026-03-31 minus 1 -> 2026-02-28."""
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class UsageRow:
    item: Any
    town: Any
    grant: Any
    held_since: dt.date
    uses: dict[str, int]  # source key -> uses within the window
    total: int
    last_used: dt.date | None
    status: str

    @property
    def is_zombie(self) -> bool:
        return self.status in UsageStatus.ZOMBIES


@dataclass
class DemandRow:
    """A town asked a department for an item (a whistle): a signal the town may need that power."""

    item: Any
    town: Any
    count: int
    last: dt.date | None
    town_holds: bool
    department: Any


@dataclass
class UsageReport:
    district: District
    start: dt.date
    end: dt.date
    months: int
    use_sources: list[UsageSource]
    demand_sources: list[UsageSource]
    rows: list[UsageRow] = field(default_factory=list)
    demand: list[DemandRow] = field(default_factory=list)

    @property
    def has_use_sources(self) -> bool:
        return bool(self.use_sources)

    @property
    def zombies(self) -> list[UsageRow]:
        return [r for r in self.rows if r.is_zombie]

    def most_used(self, n: int = 10) -> list[UsageRow]:
        return sorted((r for r in self.rows if r.total), key=lambda r: (-r.total, r.item.code, r.town.code))[
            :n
        ]

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            [UsageStatus.ACTIVE, UsageStatus.NEW, UsageStatus.NEVER, UsageStatus.IDLE, UsageStatus.UNKNOWN], 0
        )
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def by_town(self) -> list[dict[str, Any]]:
        towns: dict[int, dict[str, Any]] = {}
        for row in self.rows:
            entry = towns.setdefault(
                row.town.pk, {"town": row.town, "held": 0, "used": 0, "zombies": 0, "uses": 0}
            )
            entry["held"] += 1
            entry["used"] += 1 if row.total else 0
            entry["zombies"] += 1 if row.is_zombie else 0
            entry["uses"] += row.total
        result = sorted(towns.values(), key=lambda e: e["town"].code)
        for entry in result:
            entry["use_rate"] = round(100 * entry["used"] / entry["held"]) if entry["held"] else 0
        return result

    def by_item(self, n: int = 15) -> list[dict[str, Any]]:
        items: dict[int, dict[str, Any]] = {}
        for row in self.rows:
            entry = items.setdefault(row.item.pk, {"item": row.item, "uses": 0, "towns": 0, "towns_using": 0})
            entry["uses"] += row.total
            entry["towns"] += 1
            entry["towns_using"] += 1 if row.total else 0
        return sorted(items.values(), key=lambda e: (-e["uses"], e["item"].code))[:n]

    def chart(self) -> dict[str, Any]:
        """Data for Chart.js: uses per item (top 15) and item status per town."""
        top = [e for e in self.by_item(15) if e["uses"]]
        towns = self.by_town()
        return {
            "items": {
                # Names, not codes: a code says nothing to a reader; the code stays in the tooltip.
                "labels": [_short(e["item"].name) for e in top],
                "titles": [f"{e['item'].name} ({e['item'].code})" for e in top],
                "uses": [e["uses"] for e in top],
            },
            "towns": {
                "labels": [town_short_name(e["town"]) for e in towns],
                "used": [e["used"] for e in towns],
                "zombies": [e["zombies"] for e in towns],
                "other": [e["held"] - e["used"] - e["zombies"] for e in towns],
            },
        }


def _short(text: str, length: int = 16) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _merge(results: list[dict[tuple[int, int], UsageCount]]) -> dict[tuple[int, int], UsageCount]:
    merged: dict[tuple[int, int], UsageCount] = {}
    for result in results:
        for key, usage in result.items():
            seen = merged.get(key)
            if seen is None:
                merged[key] = usage
            else:
                last = max((d for d in (seen.last_used, usage.last_used) if d is not None), default=None)
                merged[key] = UsageCount(seen.count + usage.count, last)
    return merged


def usage_report(
    *,
    district: District,
    end: dt.date,
    months: int = 12,
    town_ids: set[int] | None = None,
    kind: str = "",
    domain: str = "",
) -> UsageReport:
    """Per item and town held on `end`: uses within the last `months` months from each registered source, the
    last use, and a status (active, new, zombie never used / idle). Demand sources (whistles) list what towns
    asked departments for. `town_ids` None means every town of the district."""
    from .models import AuthorityGrant
    from .selectors import grants_active_on, responsible_department

    start = months_before(end, months) + dt.timedelta(days=1)
    sources = usage_sources()
    report = UsageReport(
        district=district,
        start=start,
        end=end,
        months=months,
        use_sources=[s for s in sources if s.counts_as_use],
        demand_sources=[s for s in sources if not s.counts_as_use],
    )
    grants = AuthorityGrant.objects.filter(item__district=district).select_related(
        "item", "town", "delegating_department"
    )
    if town_ids is not None:
        grants = grants.filter(town_id__in=town_ids)
    all_grants = list(grants.order_by("valid_from"))
    current = [
        g
        for g in grants.filter(grants_active_on(end))
        if (not kind or g.kind == kind) and (not domain or g.item.domain == domain)
    ]

    # Held since: follow back grants of the same pair that join without a gap (a kind change, a renewed
    # delegation).
    by_pair: dict[tuple[int, int], list[Any]] = {}
    for grant in all_grants:
        by_pair.setdefault((grant.item_id, grant.town_id), []).append(grant)

    def held_since(grant: Any) -> dt.date:
        since = grant.valid_from
        for earlier in reversed(by_pair[(grant.item_id, grant.town_id)]):
            if earlier.valid_to is not None and earlier.valid_to + dt.timedelta(days=1) == since:
                since = earlier.valid_from
        return since

    since_by_pair = {(g.item_id, g.town_id): held_since(g) for g in current}
    earliest = min(since_by_pair.values(), default=start)
    window = {s.key: s.fn(district, start, end) for s in report.use_sources}
    ever = _merge([s.fn(district, min(earliest, start), end) for s in report.use_sources])
    for grant in sorted(current, key=lambda g: (g.item.domain, g.item.code, g.town.code)):
        key = (grant.item_id, grant.town_id)
        uses = {s.key: window[s.key].get(key, UsageCount(0, None)).count for s in report.use_sources}
        total = sum(uses.values())
        last = ever.get(key, UsageCount(0, None)).last_used
        since = since_by_pair[key]
        if not report.use_sources:
            status = UsageStatus.UNKNOWN
        elif total:
            status = UsageStatus.ACTIVE
        elif since > start:
            status = UsageStatus.NEW
        elif last is None or last < since:
            status = UsageStatus.NEVER
        else:
            status = UsageStatus.IDLE
        report.rows.append(UsageRow(grant.item, grant.town, grant, since, uses, total, last, status))

    if report.demand_sources:
        from enforcement.models import Unit

        from .models import EnforcementItem

        demand = _merge([s.fn(district, start, end) for s in report.demand_sources])
        if town_ids is not None:
            demand = {k: v for k, v in demand.items() if k[1] in town_ids}
        items = EnforcementItem.objects.in_bulk({k[0] for k in demand})
        towns = Unit.objects.in_bulk({k[1] for k in demand})
        held_pairs = set(
            AuthorityGrant.objects.filter(
                grants_active_on(end), item_id__in=items, town_id__in=towns
            ).values_list("item_id", "town_id")
        )
        for (item_id, town_id), usage in sorted(demand.items(), key=lambda kv: -kv[1].count):
            item, town = items.get(item_id), towns.get(town_id)
            if item is None or town is None or item.district_id != district.pk:
                continue
            if (kind and item.kind != kind) or (domain and item.domain != domain):
                continue
            report.demand.append(
                DemandRow(
                    item,
                    town,
                    usage.count,
                    usage.last_used,
                    (item_id, town_id) in held_pairs,
                    responsible_department(item),
                )
            )
    return report


# --- per item: the heatmap and zombie items -----------------------------------------------------------------

HEAT_LEVELS = 5


def heat_level(count: int, highest: int) -> int:
    """0 for no use, else 1..HEAT_LEVELS by the share of the busiest cell (so one busy town does not wash the
    others out to nothing: any use is at least level 1)."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, -(-count * HEAT_LEVELS // highest)))


def town_short_name(town: Any) -> str:
    """A column header: the town's name without the 街道/镇/乡 suffix (石油路街道 -> 石油路; "Shiyoulu
    Subdistrict" -> "Shiyoulu"). The full name goes in the header's title."""
    name = str(town.name)
    for suffix in ("街道办事处", "街道", "镇", "乡", " Subdistrict", " Sub-district", " Town", " Township"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class ItemUsage:
    """One item across the towns that hold it."""

    item: Any
    cells: dict[int, UsageRow]  # town id -> the town's row
    total: int = 0

    @property
    def towns_holding(self) -> int:
        return len(self.cells)

    @property
    def towns_using(self) -> int:
        return sum(1 for r in self.cells.values() if r.total)

    @property
    def zombie_rows(self) -> list[UsageRow]:
        return sorted((r for r in self.cells.values() if r.is_zombie), key=lambda r: r.town.code)

    @property
    def zombie_towns(self) -> list[str]:
        """Short names of the towns holding the item unused."""
        return [town_short_name(r.town) for r in self.zombie_rows]

    @property
    def is_zombie(self) -> bool:
        """No town that holds the item used it in the period, and at least one has held it long enough to
        judge (a town that got it recently is "new", not a zombie)."""
        return not self.total and bool(self.zombie_rows)

    @property
    def is_new(self) -> bool:
        return (
            not self.total
            and not self.zombie_rows
            and any(r.status == UsageStatus.NEW for r in self.cells.values())
        )

    @property
    def last_used(self) -> dt.date | None:
        return max((r.last_used for r in self.cells.values() if r.last_used), default=None)

    @property
    def kinds(self) -> list[str]:
        return sorted({r.grant.kind for r in self.cells.values()})


def items_usage(rows: list[UsageRow]) -> list[ItemUsage]:
    """The rows (item × town) folded per item, in catalog order (domain, code)."""
    items: dict[int, ItemUsage] = {}
    for row in rows:
        entry = items.setdefault(row.item.pk, ItemUsage(row.item, {}))
        entry.cells[row.town.pk] = row
        entry.total += row.total
    return sorted(items.values(), key=lambda e: (e.item.domain, e.item.code))


@dataclass
class HeatCell:
    town: Any
    row: UsageRow | None  # None: the town does not hold the item
    level: int


@dataclass
class HeatRow:
    usage: ItemUsage
    cells: list[HeatCell]


@dataclass
class HeatGroup:
    domain: str
    label: str
    total: int
    rows: list[HeatRow]


@dataclass
class HeatColumn:
    town: Any
    short: str
    total: int


@dataclass
class Heatmap:
    columns: list[HeatColumn]
    groups: list[HeatGroup]
    highest: int

    @property
    def item_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


def heatmap(items: list[ItemUsage], towns: list[Any], *, sort: str = "total", group: bool = True) -> Heatmap:
    """Rows of items (grouped by domain unless `group` is False), columns of towns; `sort` "total" puts the
    most used items first, "code" keeps catalog order."""
    from enforcement.domains import Domain

    highest = max((r.total for e in items for r in e.cells.values()), default=0)
    labels = dict(Domain.choices)

    def order(e: ItemUsage) -> tuple[Any, ...]:
        return (-e.total, e.item.code) if sort == "total" else (e.item.code,)

    def heat_row(e: ItemUsage) -> HeatRow:
        cells = []
        for town in towns:
            row = e.cells.get(town.pk)
            cells.append(HeatCell(town, row, heat_level(row.total, highest) if row else 0))
        return HeatRow(e, cells)

    groups: list[HeatGroup] = []
    if group:
        by_domain: dict[str, list[ItemUsage]] = {}
        for e in items:
            by_domain.setdefault(e.item.domain, []).append(e)
        for domain, members in by_domain.items():
            groups.append(
                HeatGroup(
                    domain,
                    str(labels.get(domain, domain)),
                    sum(e.total for e in members),
                    [heat_row(e) for e in sorted(members, key=order)],
                )
            )
        groups.sort(key=lambda g: (-g.total, g.domain) if sort == "total" else (g.domain,))
    else:
        rows = [heat_row(e) for e in sorted(items, key=order)]
        groups.append(HeatGroup("", "", sum(e.total for e in items), rows))
    columns = [
        HeatColumn(t, town_short_name(t), sum(e.cells[t.pk].total for e in items if t.pk in e.cells))
        for t in towns
    ]
    return Heatmap(columns, groups, highest)


def domain_chart(items: list[ItemUsage]) -> dict[str, Any]:
    """Chart.js data: uses per domain, labelled with the domain's name in the user's language."""
    from enforcement.domains import Domain

    labels = dict(Domain.choices)
    totals: dict[str, list[int]] = {}
    for e in items:
        entry = totals.setdefault(e.item.domain, [0, 0, 0])
        entry[0] += e.total
        entry[1] += 1
        entry[2] += 1 if e.is_zombie else 0
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return {
        "labels": [str(labels.get(d, d)) for d, _ in ordered],
        "uses": [v[0] for _, v in ordered],
        "items": [v[1] for _, v in ordered],
        "zombies": [v[2] for _, v in ordered],
    }
