"""Planning: the registry's inspection profile of a subject (type, risk level, place) and the units' annual
plans (年度检查计划) with their lines."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.models import District, Subject, Unit, User

from ..workflow import Scenario
from .catalog import InspectionItem


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class SubjectProfile(models.Model):
    """What inspections need to know of a subject of the core registry beyond its name, code and address: its
    type (the scenario its checklists follow), its risk level and where it is."""

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="inspection_profile", verbose_name=_("subject")
    )
    subject_type = models.CharField(_("type of business or place"), max_length=32, choices=Scenario.choices)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subject profile")
        verbose_name_plural = _("subject profiles")
        indexes = [models.Index(fields=["subject_type", "risk_level"])]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.subject_type}/{self.risk_level}"


class AnnualPlan(models.Model):
    """A unit's annual inspection plan (年度检查计划): which subjects or types of subject, under which items
    of the published list, how often and in which months. Approved by the unit's head; the plan calendar reads
    it."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan", "Draft")
        APPROVED = "approved", _("Approved")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("annual inspection plan")
        verbose_name_plural = _("annual inspection plans")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="inspection_one_plan_per_unit_year")
        ]

    def __str__(self) -> str:
        return self.title


class AnnualPlanEntry(models.Model):
    """One line of an annual plan: one subject, or every subject of a type in a town, visited
    `visits_per_year` times in the listed months, under the listed items."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("subject")
    )
    subject_type = models.CharField(
        _("type of business or place"), max_length=32, choices=Scenario.choices, blank=True
    )
    town = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("town")
    )
    items = models.ManyToManyField(InspectionItem, related_name="+", verbose_name=_("inspection items"))
    visits_per_year = models.PositiveSmallIntegerField(_("visits a year"), default=1)
    months = models.JSONField(_("months"), default=list)

    class Meta:
        verbose_name = _("annual plan line")
        verbose_name_plural = _("annual plan lines")
        ordering = ["plan_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject__isnull=False) & Q(subject_type=""))
                | (Q(subject__isnull=True) & ~Q(subject_type="")),
                name="inspection_plan_entry_subject_or_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.subject_id or self.subject_type}"
