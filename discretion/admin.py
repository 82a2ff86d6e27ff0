"""Read-only admin views: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from enforcement.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Benchmark, BenchmarkEntry, BenchmarkTier, DiscretionPolicy, LocalFactor


class TierInline(ReadOnlyInline):
    model = BenchmarkTier
    readonly_fields = (
        "level",
        "conditions_text",
        "conditions",
        "match",
        "penalty_kinds",
        "fine_min",
        "fine_max",
    )
    fields = readonly_fields


class EntryInline(ReadOnlyInline):
    model = BenchmarkEntry
    readonly_fields = ("kind", "conditions_text", "conditions", "required_factors", "measures")
    fields = readonly_fields


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyAdmin):
    list_display = ["item", "version", "status", "is_generated", "valid_from", "document_number"]
    list_filter = ["status", "is_generated", "item__domain"]
    search_fields = ["item__code", "item__name_zh", "document_number"]
    inlines = [TierInline, EntryInline]


@admin.register(LocalFactor)
class LocalFactorAdmin(ReadOnlyAdmin):
    list_display = ["district", "code", "name_zh", "effect", "item", "is_active"]


@admin.register(DiscretionPolicy)
class DiscretionPolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "district",
        "repeat_window_months",
        "limitation_years",
        "span_lighter_pct",
        "span_heavier_pct",
    ]
