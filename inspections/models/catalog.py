"""The published inspection-item list (检查事项清单) with its items and check points, and the units' versioned
checklists (ChecklistTemplate)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem
from enforcement.models import District, Unit, User

from ..workflow import Scenario


class InspectionList(models.Model):
    """检查事项清单: a district's list of inspection items as published on a date (a new list replaces it)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=120, blank=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("empty: not published")
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, help_text=_("first day no longer in force")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection-item list (检查事项清单)")
        verbose_name_plural = _("inspection-item lists")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(published_on__isnull=False, withdrawn_on__gt=models.F("published_on")),
                name="inspection_list_dates",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.published_on is not None
            and self.published_on <= day
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


def lists_in_force_on(day: dt.date) -> Q:
    """For InspectionList rows: published on or before `day` and not yet withdrawn."""
    return Q(published_on__isnull=False, published_on__lte=day) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
    )


class InspectionItem(models.Model):
    """检查事项: one thing a body may inspect, with its basis and whether it is a high-risk field."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        OFF_SITE = "off_site", _("Off site (documents, remote monitoring)")

    inspection_list = models.ForeignKey(
        InspectionList, on_delete=models.PROTECT, related_name="items", verbose_name=_("list")
    )
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    inspecting_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspecting body"),
        help_text=_(
            "the department or town that inspects this item; empty: any body holding the enforcement items"
        ),
    )
    legal_basis = models.TextField(_("legal basis"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.ON_SITE)
    enterprise_related = models.BooleanField(_("concerns businesses (涉企)"), default=True)
    high_risk = models.BooleanField(
        _("high-risk field"),
        default=False,
        help_text=_("safety fields with their own cap (more visits, spaced apart)"),
    )

    class Meta:
        verbose_name = _("inspection item (检查事项)")
        verbose_name_plural = _("inspection items")
        ordering = ["inspection_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection_list", "code"], name="inspection_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class CheckPoint(models.Model):
    """检查要点: what to look at, tied to the enforcement item a failure would breach."""

    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, related_name="points", verbose_name=_("inspection item")
    )
    code = models.CharField(_("code"), max_length=40)
    text_zh = models.CharField(_("what to check (Chinese)"), max_length=500)
    text_en = models.CharField(_("what to check (English)"), max_length=500, blank=True)
    enforcement_item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        related_name="check_points",
        verbose_name=_("enforcement item breached"),
    )
    legal_basis = models.TextField(_("legal basis"))
    note_on_fail = models.BooleanField(_("a failure needs a note"), default=True)
    photo_on_fail = models.BooleanField(_("a failure needs a photo"), default=False)

    class Meta:
        verbose_name = _("check point (检查要点)")
        verbose_name_plural = _("check points")
        ordering = ["item", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="check_point_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text_zh}"


class ChecklistTemplate(models.Model):
    """A unit's checklist for a scenario (执法监管"一件事"). Versions are rows; a published version is never
    edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In use")
        RETIRED = "retired", _("Retired")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    scenario = models.CharField(_("scenario"), max_length=32, choices=Scenario.choices)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    points = models.ManyToManyField(CheckPoint, through="TemplatePoint", related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["unit", "scenario", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "scenario", "version"], name="checklist_template_version_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "scenario"],
                condition=Q(status="active"),
                name="checklist_template_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class TemplatePoint(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="rows")
    point = models.ForeignKey(CheckPoint, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "point"], name="template_point_unique")]

    def __str__(self) -> str:
        return f"{self.template_id}:{self.point_id}"
