"""Read-only admin views of whistles: every change goes through the services (audited), i.e. the app's pages
and API."""

from typing import Any

from django.contrib import admin

from .models import (
    DeadlinePolicy,
    Notification,
    WhistleAlert,
    WhistleAssignment,
    WhistleEvent,
    WhistleRequest,
    WhistleReturn,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = WhistleAssignment
    extra = 0
    readonly_fields = (
        "department",
        "status",
        "cycle",
        "sent_at",
        "check_in_due",
        "acknowledged_at",
        "handled_at",
        "rating",
        "return_count",
    )
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WhistleRequest)
class WhistleRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "town", "urgency", "reason", "status", "raised_at"]
    list_filter = ["status", "urgency", "reason", "town"]
    search_fields = ["title", "description", "address"]
    inlines = [AssignmentInline]


@admin.register(WhistleAssignment)
class WhistleAssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "whistle",
        "department",
        "status",
        "cycle",
        "check_in_due",
        "acknowledged_at",
        "return_count",
        "rating",
    ]
    list_filter = ["status", "department"]


@admin.register(WhistleReturn)
class WhistleReturnAdmin(ReadOnlyAdmin):
    list_display = ["id", "assignment", "reason", "decision", "returned_at", "decided_at"]
    list_filter = ["reason", "decision"]


@admin.register(WhistleEvent)
class WhistleEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "whistle", "kind", "at", "actor"]
    list_filter = ["kind"]


@admin.register(WhistleAlert)
class WhistleAlertAdmin(ReadOnlyAdmin):
    list_display = ["id", "assignment", "cycle", "step", "level", "notified", "created_at"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "district",
        "urgency",
        "check_in_minutes",
        "on_site_minutes",
        "handle_minutes",
        "updated_at",
    ]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
