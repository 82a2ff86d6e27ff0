"""Read-only admin views of inspections: every change goes through the services (audited), i.e. the API and
pages."""

from django.contrib import admin

from enforcement.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    ChecklistTemplate,
    CheckPoint,
    FrequencyPolicy,
    InspectionItem,
    InspectionList,
    InspectionTask,
    TaskInvitation,
    TaskOfficer,
    TaskPoint,
    Visit,
    WhiteListEntry,
)


class InvitationInline(ReadOnlyInline):
    model = TaskInvitation
    fields = ["department", "status", "template", "reason", "responded_at"]


class OfficerInline(ReadOnlyInline):
    model = TaskOfficer
    fields = ["officer", "unit", "certificate_number"]


class PointInline(ReadOnlyInline):
    model = TaskPoint
    fields = [
        "point",
        "holder_town",
        "holder_department",
        "result",
        "major",
        "disposition",
        "case",
        "whistle",
    ]


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "exemption", "status", "lead_unit", "town", "subject", "planned_on"]
    list_filter = ["kind", "status", "exemption"]
    search_fields = ["title", "subject__name", "subject__identifier"]
    inlines = [InvitationInline, OfficerInline, PointInline]
    exclude = ["code"]  # the code is the key to the public page


@admin.register(InspectionList)
class InspectionListAdmin(ReadOnlyAdmin):
    list_display = ["title", "district", "document_number", "published_on", "withdrawn_on"]


@admin.register(InspectionItem)
class InspectionItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "inspection_list", "inspecting_unit", "high_risk"]
    search_fields = ["code", "name_zh"]


@admin.register(CheckPoint)
class CheckPointAdmin(ReadOnlyAdmin):
    list_display = ["code", "text_zh", "item", "enforcement_item"]
    search_fields = ["text_zh", "item__code"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "scenario", "version", "status"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["subject", "unit", "purpose", "visited_on", "with_code", "file_due"]
    list_filter = ["purpose", "with_code"]


admin.site.register(FrequencyPolicy, ReadOnlyAdmin)
admin.site.register(WhiteListEntry, ReadOnlyAdmin)
