"""The monthly aggregates the dashboards read: one row per (town, month), recomputed from the raw tables for
just that row when something in it changes (a Celery task on commit) and all together every night."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models import District, Unit


class TownMonth(models.Model):
    """A town's figures for one calendar month (Asia/Shanghai). Counts only, and the handling times as a
    histogram of whole days: sums of rows give any district's, city's or period's figures exactly, medians
    and p90 included."""

    town = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("town"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text="the first day of the month")
    # Cases closed in the month (closed_on), filed first: handling time is closed_on - filed_on in days.
    cases_closed = models.PositiveIntegerField(default=0)
    handling_days = models.JSONField(default=dict, help_text="{days: cases}")
    steps_total = models.PositiveIntegerField(default=0, help_text="procedure steps of the cases closed")
    served_closed = models.PositiveIntegerField(default=0, help_text="closed cases whose decision was served")
    online = models.PositiveIntegerField(default=0, help_text="of those, handled fully online")
    # Decisions made in the month (decided_on) that had a benchmark recommendation.
    decisions_benchmarked = models.PositiveIntegerField(default=0)
    decisions_inside = models.PositiveIntegerField(default=0)
    # Inspections made in the month (entered_at) and the ledger's inspection visits (visited_on).
    inspections = models.PositiveIntegerField(default=0)
    joint_inspections = models.PositiveIntegerField(default=0)
    visits_saved = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    repeat_visits = models.PositiveIntegerField(default=0)
    # Whistle assignments whose handling deadline fell in the month and has passed, or that were handled.
    whistle_due = models.PositiveIntegerField(default=0)
    whistle_on_time = models.PositiveIntegerField(default=0)
    # Fence warnings raised in the month, of those confirmed as a problem; warnings resolved in the month.
    warnings_raised = models.PositiveIntegerField(default=0)
    warnings_confirmed = models.PositiveIntegerField(default=0)
    warnings_resolved = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("town's monthly figures")
        verbose_name_plural = _("towns' monthly figures")
        constraints = [models.UniqueConstraint(fields=["town", "month"], name="figures_town_month_once")]
        indexes = [models.Index(fields=["district", "month"], name="figures_district_month")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.month:%Y-%m}"


class Reconciliation(models.Model):
    """One run of the nightly recount of every row (also run when the demo is built)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} ({self.rows})"
