"""裁量基准: discretion benchmarks per enforcement item, versioned, with tiers, list rows and local
circumstances.

A benchmark version is a draft until published with its document and valid-from date (art 34: it must be
published); a published version is never edited again: changes make a new version. The version in force on a
date is the published one with the latest valid-from on or before it. Where an item has none, a default
generated from the statutory range stands in, marked as generated until a person confirms (publishes) it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem
from enforcement.models import District, User

from .vocabulary import LEVEL_RANK, Effect, Level, ListKind, Scale


class Benchmark(models.Model):
    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated default (not confirmed)")
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RETIRED = "retired", _("Replaced default")

    item = models.ForeignKey(
        EnforcementItem, on_delete=models.PROTECT, related_name="benchmarks", verbose_name=_("item")
    )
    version = models.PositiveIntegerField(_("version"))
    scale = models.CharField(_("tiers"), max_length=8, choices=Scale.choices, default=Scale.FOUR)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_generated = models.BooleanField(
        _("generated"),
        default=False,
        help_text=_("made from the statutory range by the common rule, not written by a person"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    document_number = models.CharField(_("publishing document number"), max_length=120, blank=True)
    document_title = models.CharField(_("publishing document title"), max_length=300, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    basis = models.TextField(
        _("based on"), blank=True, help_text=_("the higher-level benchmark or rules this table follows")
    )
    note = models.TextField(_("note"), blank=True)
    item_version = models.PositiveIntegerField(
        _("item version"), default=1, help_text=_("the item's content version it was written for")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("who confirmed a generated table"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("discretion benchmark (裁量基准)")
        verbose_name_plural = _("discretion benchmarks")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="benchmark_version_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="draft"), name="benchmark_one_draft_per_item"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="generated"), name="benchmark_one_generated_per_item"
            ),
            models.UniqueConstraint(
                fields=["item", "valid_from"],
                condition=Q(status="published"),
                name="benchmark_one_published_per_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "withdrawn"])
                | (Q(valid_from__isnull=False) & ~Q(document_number="")),
                name="benchmark_published_has_document",
            ),
        ]
        indexes = [models.Index(fields=["item", "status", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version} ({self.get_status_display()})"

    @property
    def district_id(self) -> int:
        return self.item.district_id

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.GENERATED)

    @property
    def confirmed(self) -> bool:
        return self.status == self.Status.PUBLISHED or self.confirmed_at is not None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN):
            if not self.document_number.strip():
                errors["document_number"] = _(
                    "A published benchmark needs its publishing document number (art 34)."
                )
            if self.valid_from is None:
                errors["valid_from"] = _("A published benchmark needs the date it takes effect.")
        if self.document_date and self.valid_from and self.valid_from < self.document_date:
            errors["valid_from"] = _("It cannot take effect before the document that publishes it is dated.")
        if errors:
            raise ValidationError(errors)


class BenchmarkTier(models.Model):
    """One degree of the table: the conditions that place a case in it, the penalty kinds and the fine
    range."""

    class Match(models.TextChoices):
        ALL = "all", _("all conditions")
        ANY = "any", _("any one condition")

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="tiers")
    level = models.CharField(_("degree"), max_length=16, choices=Level.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1, editable=False)
    conditions_text = models.TextField(_("conditions (情形)"))
    conditions = models.JSONField(_("structured conditions"), default=list, blank=True)
    match = models.CharField(
        _("conditions must hold"), max_length=4, choices=Match.choices, default=Match.ALL
    )
    penalty_kinds = models.JSONField(_("penalty kinds"), default=list)
    fine_min = models.DecimalField(
        _("lowest fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("highest fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # For an item fined by multiples of the gains or value (倍数): the tier's multiples.
    multiple_min = models.DecimalField(
        _("lowest multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        _("highest multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("benchmark tier")
        verbose_name_plural = _("benchmark tiers")
        ordering = ["benchmark", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["benchmark", "level"], name="benchmark_tier_level_once"),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True)
                | Q(fine_max__isnull=True)
                | Q(fine_max__gte=models.F("fine_min")),
                name="benchmark_tier_fine_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True) | Q(fine_min__gte=0),
                name="benchmark_tier_fine_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark} {self.get_level_display()}"

    def clean(self) -> None:
        from .specs import item_spec, tier_spec
        from .validation import validate_tier

        self.rank = LEVEL_RANK.get(self.level, 1)
        errors: dict[str, list[str]] = {}
        try:
            spec = tier_spec(self)
        except ValueError as exc:
            raise ValidationError({"conditions": [str(exc)]}) from exc
        for problem in validate_tier(item_spec(self.benchmark.item), spec):
            errors.setdefault(problem.field or "__all__", []).append(problem.message)
        if errors:
            raise ValidationError(errors)


class BenchmarkEntry(models.Model):
    """A row of the no-penalty, first-violation, lighter or reduced list for this item (art 33, 32)."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    conditions_text = models.TextField(_("conditions"))
    conditions = models.JSONField(_("structured conditions"), default=list, blank=True)
    match = models.CharField(
        _("conditions must hold"), max_length=4, choices=BenchmarkTier.Match.choices, default="all"
    )
    required_factors = models.JSONField(_("required circumstances"), default=list, blank=True)
    measures = models.CharField(
        _("measures instead of a penalty"), max_length=300, blank=True, help_text=_("e.g. 批评教育、责令改正")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("list row (不予处罚/首违不罚)")
        verbose_name_plural = _("list rows")
        ordering = ["benchmark", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.benchmark} {self.get_kind_display()}"


class LocalFactor(models.Model):
    """A district's own circumstance beside the standard ones (optionally for one item only)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for item"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    effect = models.CharField(_("legal effect"), max_length=16, choices=Effect.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    conditions = models.TextField(_("conditions of use"), blank=True, help_text=_("required for 减轻"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("local circumstance")
        verbose_name_plural = _("local circumstances")
        ordering = ["district", "effect", "code"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="local_factor_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class DiscretionPolicy(models.Model):
    """A district's numbers for discretion; without a row the defaults apply."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="discretion_policy")
    repeat_window_months = models.PositiveSmallIntegerField(_("repeat window (months)"), default=12)
    limitation_years = models.PositiveSmallIntegerField(_("limitation (years)"), default=2)
    limitation_years_grave = models.PositiveSmallIntegerField(
        _("limitation where life, health or finance was harmed (years)"), default=5
    )
    max_only_lighter_pct = models.PositiveSmallIntegerField(
        _("only a maximum: lighter tier up to (percent)"), default=20
    )
    max_only_normal_low_pct = models.PositiveSmallIntegerField(
        _("only a maximum: normal tier from (percent)"), default=40
    )
    max_only_normal_high_pct = models.PositiveSmallIntegerField(
        _("only a maximum: normal tier to (percent)"), default=60
    )
    span_lighter_pct = models.PositiveSmallIntegerField(
        _("minimum and maximum: lighter tier up to (percent of the span)"), default=30
    )
    span_heavier_pct = models.PositiveSmallIntegerField(
        _("minimum and maximum: heavier tier from (percent of the span)"), default=70
    )
    reduced_floor_pct = models.PositiveSmallIntegerField(
        _("reduced fine at least (percent of the statutory minimum)"), default=0
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("discretion rules of a district")
        verbose_name_plural = _("discretion rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_only_lighter_pct__lte=models.F("max_only_normal_low_pct"))
                & Q(max_only_normal_low_pct__lte=models.F("max_only_normal_high_pct"))
                & Q(max_only_normal_high_pct__lte=100)
                & Q(span_lighter_pct__lte=models.F("span_heavier_pct"))
                & Q(span_heavier_pct__lte=100)
                & Q(reduced_floor_pct__lte=100),
                name="discretion_policy_percentages_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.district)
