from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from .models import (
    AuditEvent,
    CalendarDay,
    Certificate,
    District,
    FenceWarning,
    Secondment,
    Subject,
    Unit,
    User,
)


@admin.register(User)
class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records that change only through the services (and their audit), never by hand in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "unit", "is_active"]
    list_filter = ["unit__kind", "unit", "is_active"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Zhifa", {"fields": ["full_name", "phone", "unit"]}))


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["code", "name_zh", "name_en"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name_zh", "kind", "district", "domain", "is_active"]
    list_filter = ["kind", "district"]


admin.site.register(Certificate)
admin.site.register(Secondment)
admin.site.register(Subject)
admin.site.register(FenceWarning)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "is_working_day", "name", "source")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
