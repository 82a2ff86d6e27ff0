"""The shared core: organisations, officers and their certificates, the audit trail, subjects, warnings."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import ChoiceLabels
from .domains import Domain

if TYPE_CHECKING:
    from collections.abc import Iterable


class BilingualNameMixin(models.Model):
    """`name` in the active language: Chinese by default, English when the UI is English."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class City(BilingualNameMixin):
    """市 (e.g. 重庆市): its justice bureau (市司法局) supervises every district; city supervisors and
    administrators see every district's warnings and figures."""

    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("city (市)")
        verbose_name_plural = _("cities")
        ordering = ["code"]


class District(BilingualNameMixin):
    """区县: owns towns, departments and its authority catalog."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("city"),
    )
    # How long a fence warning may stay open before it goes to the district office (区司法局), and how long an
    # escalation the district leaves open waits before it reaches the city: data a district administrator
    # sets, read by the escalation sweep (enforcement.services.fence_warnings_escalate).
    warning_escalation_hours = models.PositiveIntegerField(
        _("escalate open warnings to the district office after (hours)"), default=72
    )
    city_escalation_hours = models.PositiveIntegerField(
        _("escalations left open reach the city after (hours)"), default=168
    )

    class Meta:
        verbose_name = _("district (区县)")
        verbose_name_plural = _("districts")
        ordering = ["code"]


class UnitQuerySet(models.QuerySet["Unit"]):
    def towns(self) -> UnitQuerySet:
        return self.filter(kind=Unit.Kind.TOWN)

    def departments(self) -> UnitQuerySet:
        return self.filter(kind=Unit.Kind.DEPARTMENT)


class Unit(BilingualNameMixin):
    """An organisation that people work in: a town team, a district department or the district office."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town / subdistrict (镇街)")
        DEPARTMENT = "department", _("District department (区级部门)")
        DISTRICT_OFFICE = "district_office", _("District office (区司法局)")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="units", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    team_name = models.CharField(
        _("enforcement team"), max_length=200, blank=True, help_text=_("e.g. 石油路街道综合行政执法大队")
    )
    case_prefix = models.CharField(
        _("document number prefix"), max_length=40, blank=True, help_text=_("e.g. 渝中石油路执")
    )
    # The organ's legal name heads and seals its documents (执法文书); the short name is for pages.
    legal_name = models.CharField(
        _("legal name of the organ"),
        max_length=200,
        blank=True,
        help_text=_(
            "As on the seal, e.g. 重庆市渝中区石油路街道办事处; "
            "documents use it in the header and under the seal."
        ),
    )
    payment_account = models.CharField(
        _("where fines are paid"),
        max_length=300,
        blank=True,
        help_text=_(
            "Bank, account name and number printed on decisions (art 67), e.g. 中国工商银行重庆渝中支行 …"
        ),
    )
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices, blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="unit", editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["district__code", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="department") | Q(domain=""), name="unit_domain_only_for_departments"
            ),
        ]

    @property
    def is_town(self) -> bool:
        return self.kind == self.Kind.TOWN

    @property
    def organ_name(self) -> str:
        """The name documents are issued in: the legal name, else the short Chinese name."""
        return self.legal_name or self.name_zh

    @property
    def is_department(self) -> bool:
        return self.kind == self.Kind.DEPARTMENT


class Role(models.TextChoices):
    OFFICER = "officer", _("Enforcement officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    RESPONDER = "responder", _("Department responder")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    CITY_SUPERVISOR = "city_supervisor", _("City supervisor")
    CITY_ADMIN = "city_admin", _("City administrator")


ROLE_GROUP_PREFIX = "role:"


# The scope cache (enforcement.access, above this module) registers its reader of a user's cached roles here.
ROLES_FROM_CACHE: list[Callable[[User], frozenset[str] | None]] = []


class User(AbstractUser):
    """A person who logs in. Belongs to one unit; roles are groups named `role:<role>`."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    # A city supervisor or administrator (市司法局) belongs to a city, not to a unit: a unit lies inside one
    # district, and their scope is every district of the city (enforcement.access).
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("city")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        """The name people know them by (full_name), not the login: shown wherever a person is named."""
        return self.full_name or super().get_full_name() or self.username

    @property
    def role_names(self) -> frozenset[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            for read in ROLES_FROM_CACHE:
                cached = read(self)
        if cached is None:
            names = [g.name for g in self.groups.all()] if self.pk else []
            cached = frozenset(n[len(ROLE_GROUP_PREFIX) :] for n in names if n.startswith(ROLE_GROUP_PREFIX))
            self._role_names = cached
        return cached

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    def roles_display(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.role_names]


class Secondment(ChoiceLabels, models.Model):
    """派驻/包片: a department officer works a town's cases for a period ("county-owned, town-used")."""

    class Kind(models.TextChoices):
        STATIONED = "stationed", _("Stationed (派驻)")
        ZONE = "zone", _("Zone assignment (包片)")

    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="secondments", verbose_name=_("officer")
    )
    town = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="seconded_in",
        limit_choices_to={"kind": Unit.Kind.TOWN},
        verbose_name=_("town"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATIONED)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("empty: open-ended"))
    document = models.CharField(_("document"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="secondment_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} → {self.town} ({self.start}–{self.end or '…'})"

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def certificate_verification_token() -> str:
    """The key in the certificate's QR (its public verification page): 144 random bits, not guessable and not
    derived from the number, so knowing a number opens nothing."""
    return secrets.token_urlsafe(18)


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid_on(self, day: dt.date) -> CertificateQuerySet:
        return self.filter(valid_from__lte=day, valid_to__gte=day, revoked_at__isnull=True)


class Certificate(models.Model):
    """执法证: an officer may only act while one is valid."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    holder = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    issuing_body = models.CharField(_("issuing body"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    domains = models.JSONField(_("domains"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    verification_token = models.CharField(
        _("verification token"),
        max_length=32,
        unique=True,
        default=certificate_verification_token,
        editable=False,
        help_text=_("The key in the certificate's QR code, which opens its public verification page."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement certificate (执法证)")
        verbose_name_plural = _("enforcement certificates")
        ordering = ["-valid_to"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="certificate_dates"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to


class Subject(models.Model):
    """A party or business that enforcement deals with (当事人/检查对象), shared by cases and inspections.

    Identified by unified social credit code (organisations) or ID number (persons) where known, so that
    history (first violation, repeat inspections) can be found across towns of the district.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    identifier = models.CharField(
        _("ID number / unified social credit code"), max_length=32, blank=True, db_index=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subject (当事人)")
        verbose_name_plural = _("subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "identifier"],
                condition=~Q(identifier=""),
                name="subject_identifier_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """全过程记录: one append-only, hash-chained row per change. Written in the same transaction as the
    change.

    A writer inserts its row with the content only; the linker (`enforcement.audit.audit_link`) gives it its
    place in the chain after the commit (`seq`, `prev_hash`, `hash`, set once: the trigger refuses any other
    UPDATE).
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    town = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("whose work this is"),
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # NULL, not "", until linked: many rows may wait unlinked at once, and a unique "" would let only one.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["town", "id"], name="audit_town_idx"),
            # The linker's work queue: the rows written but not yet chained (a handful at any time).
            models.Index(fields=["id"], condition=Q(hash__isnull=True), name="audit_unlinked_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.object_type}:{self.object_id}"

    @property
    def sentence(self) -> str:
        """The row as a sentence in the active language, from the catalog of actions."""
        from .audit_catalog import audit_sentence

        return audit_sentence(self)

    @property
    def action_name(self) -> str:
        """The action's catalog name (rows written before the catalog are stored under a former name)."""
        from .audit_catalog import catalog_name

        return catalog_name(self.action)


class AuditHead(models.Model):
    """The chain's last link (one row). Only the linker locks it, for the short time it links; writers never
    touch it. The verifier compares it with the last linked row (which reveals a cut-off tail)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head {self.seq}"


class AuditCheck(models.Model):
    """The result of one verification of the audit chain (nightly by beat, or on demand)."""

    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    rows = models.BigIntegerField(_("rows verified"))
    ok = models.BooleanField(_("intact"))
    first_break = models.CharField(_("first broken row"), max_length=300, blank=True)
    # A checkpoint: the last link seen by this check. A later rewrite of the chain up to here is caught by it.
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"


class FenceWarning(ChoiceLabels, models.Model):
    """电子围栏 prompt: a rule saw irregular enforcement behaviour; a supervisor reviews it.

    Feature apps register rules in `enforcement.fences`; the same (rule, key) is raised once (unique key),
    so a sweep run twice or a retried task changes nothing.
    """

    class Severity(models.TextChoices):
        PROMPT = "prompt", _("Prompt")  # shown and logged
        WARNING = "warning", _("Warning")  # the person gives a reason to go on
        BLOCK = "block", _("Block")  # refused, with the rule and the article

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        JUSTIFIED = "justified", _("Justified")
        CONFIRMED = "confirmed", _("Confirmed as a problem")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    class Escalation(models.TextChoices):
        NONE = "", _("Not escalated")
        DISTRICT = "district", _("Escalated to the district office")
        CITY = "city", _("Escalated to the city")

    rule = models.CharField(_("rule"), max_length=64)
    key = models.CharField(_("key"), max_length=200, help_text=_("what makes two raises the same warning"))
    town = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="fence_warnings", verbose_name=_("town")
    )
    # The town's district, kept on the row so district and city queues and figures need no join.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fence_warnings",
        verbose_name=_("district"),
    )
    # The person whose action or inaction the rule saw (who proposed the fine, who missed the deadline).
    officer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fence_warnings_concerning",
        verbose_name=_("officer"),
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.WARNING
    )
    message = models.CharField(_("message"), max_length=500)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    # A `warning` lets the person go on with a reason; the reason stays on the warning (and the audit trail).
    reason = models.TextField(_("reason given to proceed"), blank=True)
    reason_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    follow_up = models.TextField(_("follow-up asked"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolution_note = models.TextField(_("how it was resolved"), blank=True)
    escalation = models.CharField(
        _("escalation"), max_length=16, choices=Escalation.choices, default=Escalation.NONE, blank=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fence warning (电子围栏)")
        verbose_name_plural = _("fence warnings")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="fence_warning_once")]
        indexes = [
            models.Index(fields=["town", "status", "-raised_at"]),
            models.Index(fields=["district", "status", "-raised_at"], name="fence_district_status"),
            models.Index(fields=["officer", "status"], name="fence_officer_status"),
        ]

    def __str__(self) -> str:
        return self.message


class FenceRuleSetting(models.Model):
    """A district's parameters for one fence rule (windows, thresholds, exemptions, severity), versioned: each
    change is a new row that applies from `effective_from`; the row in force on a date is the latest one not
    after it. District administrators edit them; every change is audited."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="fence_settings", verbose_name=_("district")
    )
    rule = models.CharField(_("rule"), max_length=64)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(
        _("severity"),
        max_length=16,
        choices=FenceWarning.Severity.choices,
        blank=True,
        help_text=_("empty: the rule's default"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    effective_from = models.DateField(_("applies from"))
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("fence rule setting")
        verbose_name_plural = _("fence rule settings")
        ordering = ["district", "rule", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "rule", "effective_from"], name="fence_setting_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.effective_from}"


def role_group_names(roles: Iterable[str]) -> list[str]:
    return [f"{ROLE_GROUP_PREFIX}{r}" for r in roles]


class CalendarDay(models.Model):
    """An exception to the default week (Monday to Friday working, Saturday and Sunday rest).

    A public holiday on a weekday is a row with `is_working_day=False`; a make-up working Saturday or Sunday
    (调休上班) is a row with `is_working_day=True`. The State Council publishes each year's schedule;
    `manage.py import_holidays` loads it, and `enforcement.calendar` counts legal deadlines with it.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 春节, 春节调休上班"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("the notice that set this day, e.g. 国办发明电〔2025〕7号"),
    )

    class Meta:
        verbose_name = _("calendar day (节假日与调休)")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that asks for it (transactional
    outbox).

    Relayed to the broker after the commit; if the broker is down the row stays unsent and the relay sweep
    (beat, and the next commit that relays) sends it once the broker is back. `sent_at` is set in the
    transaction that holds the row's lock while publishing, so each message is relayed once; a crash between
    publish and commit can repeat one, which the tasks tolerate (they are idempotent)."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} {'sent' if self.sent_at else 'waiting'}"


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task (beat sends it every minute); /readyz reads it."""

    name = models.CharField(max_length=100, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class SubmissionKey(models.Model):
    """A form submission the server accepted, by the key the officer's browser gave it (the phone's outbox
    may send the same submission again after a weak signal). Written in the transaction of the action, so a
    replay finds either nothing (the action did not happen) or the action's result."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(_("submission key"), max_length=64)
    path = models.CharField(_("form address"), max_length=300)
    result_url = models.CharField(_("result"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("accepted submission")
        verbose_name_plural = _("accepted submissions")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.key} → {self.result_url}"
