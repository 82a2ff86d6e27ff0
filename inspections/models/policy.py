"""The frequency caps as district data (arts 29-30) and the white list."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models import District, Subject, User


class FrequencyPolicy(models.Model):
    """Frequency caps of one district (arts 29-30). Without a row the defaults below apply: other regions'
    published numbers (巴中, 卫健) until Chongqing's are loaded."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    routine_per_year = models.PositiveSmallIntegerField(
        _("routine visits a year per body and business"), default=1
    )
    high_risk_per_year = models.PositiveSmallIntegerField(_("visits a year in high-risk fields"), default=8)
    high_risk_min_days = models.PositiveSmallIntegerField(
        _("days between visits in high-risk fields"), default=30
    )
    quiet_first_day = models.PositiveSmallIntegerField(_("quiet days from (day of month)"), default=1)
    quiet_last_day = models.PositiveSmallIntegerField(
        _("quiet days until (day of month; 0: none)"), default=20
    )
    no_code_filing_working_days = models.PositiveSmallIntegerField(
        _("working days to file a visit without a code"), default=3
    )
    immediate_warn_at = models.PositiveSmallIntegerField(
        _("on-the-spot visits by one body to one business within 30 days that raise a warning"), default=3
    )
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inspection frequency policy")
        verbose_name_plural = _("inspection frequency policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_last_day__lte=31) & Q(quiet_first_day__gte=1), name="frequency_quiet_days"
            )
        ]

    def __str__(self) -> str:
        return f"caps of district {self.district_id}"


class WhiteListEntry(models.Model):
    """白名单: a business with clean years gets a period without routine visits."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"))
    basis = models.CharField(_("basis"), max_length=300, help_text=_("e.g. two years without a penalty"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("white-list entry")
        verbose_name_plural = _("white list")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="white_list_dates")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.valid_from}–{self.valid_to}"
