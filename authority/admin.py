"""Read-mostly admin for the authority list. Changes go through imports and adjustments (audited), so grants
and versions are read-only here: the admin is for looking, not for rewriting history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from enforcement.admin import ReadOnlyAdmin

from .models import Adjustment, AdjustmentLine, AuthorityGrant, EnforcementItem, EnforcementItemVersion


class VersionInline(admin.TabularInline):
    model = EnforcementItemVersion
    extra = 0
    readonly_fields = ("version", "valid_from", "source", "created_at", "created_by")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EnforcementItem)
class EnforcementItemAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name_zh",
        "domain",
        "kind",
        "held_by",
        "fine_min",
        "fine_max",
        "version",
        "district",
    ]
    list_filter = ["district", "domain", "kind", "held_by"]
    search_fields = ["code", "name_zh", "name_en", "legal_basis"]
    inlines = [VersionInline]


@admin.register(AuthorityGrant)
class AuthorityGrantAdmin(ReadOnlyAdmin):
    list_display = [
        "town",
        "item",
        "kind",
        "valid_from",
        "valid_to",
        "source_document",
        "delegating_department",
    ]
    list_filter = ["kind", "town"]
    search_fields = ["item__code", "item__name_zh", "source_document"]
    date_hierarchy = "valid_from"


class LineInline(admin.TabularInline):
    model = AdjustmentLine
    extra = 0
    readonly_fields = ("action", "item", "town", "kind", "delegating_department", "scope", "valid_to")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "title", "district", "effective_from", "status", "decided_by"]
    list_filter = ["status", "district"]
    search_fields = ["title", "document_number"]
    inlines = [LineInline]
