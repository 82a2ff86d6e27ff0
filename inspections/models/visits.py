"""The subject's ledger of visits, the photos of a check point's answer, and the notices made for a task."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models import District, Subject, Unit, User

from .tasks import InspectionTask, TaskPoint


class Visit(models.Model):
    """The subject's ledger: every visit by any unit, enforcement or not, with or without an inspection
    code."""

    class Purpose(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        GUIDANCE = "guidance", _("Guidance (指导)")
        RESEARCH = "research", _("Research (调研)")
        PUBLICITY = "publicity", _("Publicity (宣传)")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    task = models.ForeignKey(
        InspectionTask, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.INSPECTION
    )
    visited_on = models.DateField(_("visited on"))
    with_code = models.BooleanField(_("inspection code shown"), default=True)
    no_code_reason = models.TextField(_("why no code was shown"), blank=True)
    file_due = models.DateField(_("to be filed by"), null=True, blank=True)
    subject_identifier_seen = models.CharField(_("credit code recorded on site"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(with_code=True) | ~Q(no_code_reason=""), name="visit_no_code_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "visited_on"]),
            # a town's visits of one month, for the dashboards' refresh of that row (figures.compute)
            models.Index(fields=["town", "visited_on"], name="visit_town_day"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.visited_on}"


def inspection_file_path(instance: models.Model, filename: str) -> str:
    # The name comes from us, never from the upload: the extension follows the detected format.
    ext = filename.rsplit(".", 1)[-1].lower()
    now = timezone.localtime()
    return f"inspections/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class PointPhoto(models.Model):
    """A photo taken at one check point on site: checked by content and re-encoded under the core's upload
    policy, hashed as received and as stored (like case evidence), served only to those who may see the
    task."""

    task_point = models.ForeignKey(TaskPoint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=inspection_file_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="of the stored (re-encoded) file")
    original_sha256 = models.CharField(max_length=64, help_text="of the file as received")
    taken_at = models.DateTimeField(_("taken at (camera)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("check-point photo")
        verbose_name_plural = _("check-point photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_point_id}: {self.sha256[:12]}"


class InspectionDocument(models.Model):
    """A notice generated from a task as PDF (always Chinese): each generation is a new version, kept with its
    hash."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Inspection notice (检查通知书)")
        RECTIFICATION = "rectification", _("Rectification notice (责令整改通知书)")

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=inspection_file_path, max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("inspection document")
        verbose_name_plural = _("inspection documents")
        ordering = ["task", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "version"], name="inspection_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} v{self.version}"
