"""Whistle requests (街乡吹哨、部门报到): a town calls district departments; each department's response is an
assignment with deadlines; returns (退回) are kept with their reason and reviewed by the district."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from authority.models import EnforcementItem
from enforcement.access import TownOwnedQuerySet, scope_for
from enforcement.choices import ChoiceLabels
from enforcement.models import District, Unit, User

from .workflow import AlertLevel, Reason, ReturnReason, Status, Step, Urgency, WhistleStatus


class WhistleQuerySet(TownOwnedQuerySet["WhistleRequest"]):
    def visible_to(self, user: User | AnonymousUser | None) -> WhistleQuerySet:
        """The raising town's team (and officers seconded to it), the departments it was sent to, the district
        administrator. A department sees a whistle because it is a target, never through its town."""
        scope = scope_for(user)
        if not scope.authenticated:
            return self.none()
        q = scope.town_q("town")
        if scope.department_ids:
            q |= Q(
                pk__in=WhistleAssignment.objects.filter(department_id__in=scope.department_ids).values(
                    "whistle_id"
                )
            )
        return self.filter(q)


class WhistleRequest(ChoiceLabels, models.Model):
    """吹哨: one problem a town cannot (or should not) handle alone, sent to one or more district
    departments."""

    class OriginType(models.TextChoices):
        NONE = "", _("None")
        CASE = "case", _("Case")
        INSPECTION = "inspection", _("Inspection")
        COMPLAINT = "complaint", _("Complaint")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    town = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="whistles",
        limit_choices_to={"kind": Unit.Kind.TOWN},
        verbose_name=_("raising town"),
    )
    raised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(pgettext_lazy("whistle", "raised at"), default=timezone.now)
    title = models.CharField(_("problem in brief"), max_length=200)
    description = models.TextField(_("what is happening"))
    reason = models.CharField(_("why the town whistles"), max_length=20, choices=Reason.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    address = models.CharField(_("place"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="whistles",
        verbose_name=_("enforcement item"),
    )
    # A case or inspection that raised it. Those apps fill this in through the raise form's GET parameters.
    origin_type = models.CharField(_("raised from"), max_length=16, choices=OriginType.choices, blank=True)
    origin_id = models.CharField(_("origin id"), max_length=64, blank=True)
    origin_label = models.CharField(_("origin"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistle request (吹哨)")
        verbose_name_plural = _("whistle requests")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="whistle_coordinates_pair_in_range",
            ),
            models.CheckConstraint(
                condition=Q(origin_type="") | ~Q(origin_id=""), name="whistle_origin_has_id"
            ),
        ]
        indexes = [
            models.Index(fields=["town", "-raised_at"]),
            models.Index(fields=["district", "status", "-raised_at"]),
            models.Index(fields=["origin_type", "origin_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"W{timezone.localtime(self.raised_at):%Y}-{self.pk or 0:05d}"


class WhistleAssignment(ChoiceLabels, models.Model):
    """One department's part of a whistle: check in (报到), go on site, handle; or return with a reason."""

    whistle = models.ForeignKey(WhistleRequest, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="whistle_assignments",
        limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
        verbose_name=_("department"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)
    cycle = models.PositiveSmallIntegerField(
        _("times sent"), default=1, help_text=_("2 after one overruled return")
    )
    sent_at = models.DateTimeField(_("sent at"))
    check_in_due = models.DateTimeField(_("check in by"))
    on_site_due = models.DateTimeField(_("on site by"))
    handle_due = models.DateTimeField(_("handled by"))
    remind_before = models.DurationField(_("remind before a deadline"))
    escalate_after = models.DurationField(_("escalate after a deadline"))
    # The next time the deadline sweep has to look at this row (a reminder or escalation is due); null: never.
    alert_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    on_site_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handling_note = models.TextField(_("what was done"), blank=True)
    department_case_ref = models.CharField(
        _("case opened by the department"),
        max_length=120,
        blank=True,
        help_text=_("its document number, if any"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)

    class Meta:
        verbose_name = _("department assignment (报到单)")
        verbose_name_plural = _("department assignments")
        ordering = ["whistle", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="whistle_department_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="assignment_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(check_in_due__lte=models.F("on_site_due"))
                & Q(on_site_due__lte=models.F("handle_due")),
                name="assignment_deadlines_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "alert_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.whistle.reference} → {self.department}"

    def due_of(self, step: str) -> dt.datetime:
        return {
            Step.CHECK_IN: self.check_in_due,
            Step.ON_SITE: self.on_site_due,
            Step.HANDLE: self.handle_due,
        }[Step(step)]

    def done_at(self, step: str) -> dt.datetime | None:
        return {
            Step.CHECK_IN: self.acknowledged_at,
            Step.ON_SITE: self.on_site_at,
            Step.HANDLE: self.handled_at,
        }[Step(step)]


class WhistleReturn(models.Model):
    """退回: a department sends a whistle back. Never silent: a reason from the list, an explanation, a
    review."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting the district's review")
        OVERRULED = "overruled", _("Overruled: re-sent to the department")
        UPHELD = "upheld", _("Upheld")
        WITHDRAWN = "withdrawn", _("Whistle withdrawn before review")

    assignment = models.ForeignKey(WhistleAssignment, on_delete=models.CASCADE, related_name="returns")
    cycle = models.PositiveSmallIntegerField(_("times sent"))
    reason = models.CharField(_("reason"), max_length=32, choices=ReturnReason.choices)
    note = models.TextField(_("explanation"))
    from_status = models.CharField(_("returned from"), max_length=16, choices=Status.choices)
    returned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("returned at"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(pgettext_lazy("return review", "decided at"), null=True, blank=True)
    decision_note = models.TextField(pgettext_lazy("return review", "decision note"), blank=True)

    class Meta:
        verbose_name = _("return (退回)")
        verbose_name_plural = _("returns")
        ordering = ["returned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "cycle"], name="one_return_per_cycle"),
            models.CheckConstraint(condition=~Q(note=""), name="return_needs_explanation"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.reason}"


class WhistleEvent(ChoiceLabels, models.Model):
    """The whistle's timeline: one row per thing that happened, at the time it happened. The audit trail holds
    the same changes hash-chained; this table is what the whistle page and the assessment read."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Whistle raised")
        SENT = "sent", _("Sent to the department")
        ACKNOWLEDGED = "acknowledged", _("Checked in (报到)")
        ON_SITE = "on_site", _("On site / handling")
        HANDLED = "handled", _("Reported as handled")
        CONFIRMED = "confirmed", _("Confirmed and rated by the town")
        REOPENED = "reopened", _("Reopened by the town")
        RETURNED = "returned", _("Returned (退回)")
        OVERRULED = "overruled", _("Return overruled, re-sent")
        UPHELD = "upheld", _("Return upheld")
        CANCELLED = "cancelled", _("Withdrawn by the town")
        PHOTO = "photo", _("Photo added")
        ALERT = "alert", _("Deadline alert")
        CLOSED = "closed", _("Whistle closed")

    whistle = models.ForeignKey(WhistleRequest, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(
        WhistleAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(pgettext_lazy("whistle event", "note"), blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("whistle event")
        verbose_name_plural = _("whistle events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["whistle", "at"])]

    def __str__(self) -> str:
        return f"{self.whistle_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def photo_upload_path(instance: WhistlePhoto, filename: str) -> str:
    # The name comes from us, never from the upload: the extension follows the detected format.
    ext = filename.rsplit(".", 1)[-1].lower()
    now = timezone.localtime()
    return f"whistles/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class WhistlePhoto(models.Model):
    """A photo of the problem (from the town) or of the result (from a department). Served only through a view
    that checks the viewer may see the whistle."""

    whistle = models.ForeignKey(WhistleRequest, on_delete=models.CASCADE, related_name="photos")
    assignment = models.ForeignKey(
        WhistleAssignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        help_text=_("set when a department added it"),
    )
    file = models.FileField(_("file"), upload_to=photo_upload_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="of the stored (re-encoded) file")
    original_sha256 = models.CharField(
        max_length=64, blank=True, default="", help_text="of the file as received"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("whistle photo")
        verbose_name_plural = _("whistle photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.whistle_id}: {self.file.name}"


class WhistleAlert(models.Model):
    """A reminder or escalation that was due for one step of one assignment in one sending cycle. The unique
    key makes the deadline sweep idempotent: a retried task finds the row and does nothing."""

    assignment = models.ForeignKey(WhistleAssignment, on_delete=models.CASCADE, related_name="alerts")
    cycle = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=16, choices=Step.choices)
    level = models.CharField(max_length=16, choices=AlertLevel.choices)
    created_at = models.DateTimeField()
    notified = models.BooleanField(default=True, help_text=_("false when a later level superseded it"))

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "cycle", "step", "level"], name="whistle_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} c{self.cycle} {self.step} {self.level}"


class DeadlinePolicy(models.Model):
    """A district's deadlines for one urgency, overriding the defaults in
    `whistles.workflow.DEFAULT_DEADLINES`."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    check_in_minutes = models.PositiveIntegerField(_("check in within (minutes)"))
    on_site_minutes = models.PositiveIntegerField(_("on site within (minutes)"))
    handle_minutes = models.PositiveIntegerField(_("handled within (minutes)"))
    remind_before_minutes = models.PositiveIntegerField(_("remind this many minutes before a deadline"))
    escalate_after_minutes = models.PositiveIntegerField(_("escalate this many minutes after a deadline"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("whistle deadline policy")
        verbose_name_plural = _("whistle deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["district", "urgency"], name="deadline_policy_once"),
            models.CheckConstraint(
                condition=Q(check_in_minutes__gt=0)
                & Q(on_site_minutes__gte=models.F("check_in_minutes"))
                & Q(handle_minutes__gte=models.F("on_site_minutes")),
                name="deadline_policy_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district.code} {self.urgency}"


class Notification(ChoiceLabels, models.Model):
    """An in-app notification. Stored as a kind and parameters so it reads in the recipient's language;
    external senders (SMS, e-mail) registered in `whistles.notifications` get it once, recorded in
    `deliveries`, retried with backoff while one of them fails."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="whistle_notifications")
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    whistle = models.ForeignKey(
        WhistleRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        WhistleAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.JSONField(default=dict, blank=True, help_text=_("sender key -> time delivered"))
    # External delivery is a small work queue on the row itself: due (null: nothing left to send, or given
    # up), claimed by one worker until a moment (a conditional UPDATE decides who), attempts counted for the
    # backoff.
    delivery_due_at = models.DateTimeField(null=True, blank=True)
    delivery_claimed_until = models.DateTimeField(null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=300, blank=True)
    # Notifications of other apps (enforcement.notifications): one per recipient and key, however often the
    # step that sends it is retried. Empty for the whistles' own, which their workflow already sends once.
    key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["delivery_due_at"],
                condition=Q(delivery_due_at__isnull=False),
                name="notification_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"
