"""Cases and their intake. Complaints (投诉举报: the 12345 hotline, walk-ins) are leads that may become cases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.access import TownOwnedQuerySet
from enforcement.models import District, Unit, User


class Complaint(models.Model):
    """A citizen's complaint or report, matched to enforcement items (in bulk by a worker)."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        WALK_IN = "walk_in", _("Walk-in")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    class MatchStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be matched")
        MATCHED = "matched", _("Matched")
        NO_MATCH = "no_match", _("No enforcement item")
        FAILED = "failed", _("Matching failed")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("town"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.HOTLINE)
    external_id = models.CharField(_("ticket number"), max_length=64, blank=True)
    text = models.TextField(_("complaint"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    match_status = models.CharField(_("matching"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PENDING)
    match_result = models.JSONField(_("matching result"), null=True, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matcher_version = models.CharField(max_length=64, blank=True)

    objects = TownOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint (投诉举报)")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="complaint_ticket_once",
            )
        ]
        indexes = [models.Index(fields=["town", "-received_at"]), models.Index(fields=["match_status"])]

    def __str__(self) -> str:
        return f"{self.external_id or self.pk}: {self.text[:30]}"
