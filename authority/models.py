"""一张清单定权责: the enforcement-item catalog, which town holds which item when, and adjustments to that
list.

History is never overwritten. An item's content changes create a new `EnforcementItemVersion`; a town's
holding is a dated `AuthorityGrant` that an adjustment may end (recovery) but never deletes, so the list as of
any date can be reproduced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enforcement.choices import ChoiceLabels
from enforcement.domains import Domain
from enforcement.models import District, Unit, User

from .penalties import FineBasis, FineRange, fine_range


class GrantKind(models.TextChoices):
    STATUTORY = "statutory", _("Statutory (法定)")
    EMPOWERED = "empowered", _("Empowered (赋权)")
    DELEGATED = "delegated", _("Delegated (委托)")


class CatalogHolder(models.TextChoices):
    """Who holds an item according to the catalog: every town of the district (or the towns named at import),
    or the district department for its domain."""

    TOWN = "town", _("Towns")
    DISTRICT = "district", _("District department")


class EnforcementItem(ChoiceLabels, models.Model):
    """执法事项: one power, "对……的行政处罚". Identified by (district, code); carries its current content."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="items", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices)
    rule_broken = models.TextField(_("rule broken (违则)"), blank=True)
    penalty_clause = models.TextField(_("penalty clause (罚则)"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description_zh = models.TextField(_("description of the conduct"), blank=True)
    penalty_kinds = models.JSONField(_("penalty kinds"), default=list, blank=True)
    fine_min = models.DecimalField(
        _("minimum fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("maximum fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # A fine by multiples (倍数): "处违法所得二倍以上十倍以下罚款"; fine_min / fine_max then hold the clause's
    # fixed range for amounts below `fine_multiple_from` (or none), and the case's range is computed from what
    # the officer records.
    fine_basis = models.CharField(
        _("fine given as"), max_length=8, choices=FineBasis.choices, default=FineBasis.AMOUNT
    )
    fine_multiple_min = models.DecimalField(
        _("lowest multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    fine_multiple_max = models.DecimalField(
        _("highest multiple"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    fine_multiple_from = models.DecimalField(
        _("multiples apply from (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("below this amount of gains or value the fixed range applies; empty: from any amount"),
    )
    default_holder = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_items",
        limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
        verbose_name=_("holder by default (district department)"),
    )
    kind = models.CharField(
        _("list kind"),
        max_length=16,
        choices=GrantKind.choices,
        default=GrantKind.EMPOWERED,
        help_text=_("the kind with which towns hold the item (the import's kind column)"),
    )
    held_by = models.CharField(
        _("catalog holder"), max_length=16, choices=CatalogHolder.choices, default=CatalogHolder.TOWN
    )
    delegation_scope = models.TextField(_("delegation scope"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("in the catalog"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("enforcement item (执法事项)")
        verbose_name_plural = _("enforcement items")
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="item_code_unique_in_district"),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True)
                | Q(fine_max__isnull=True)
                | Q(fine_max__gte=models.F("fine_min")),
                name="item_fine_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(fine_multiple_min__isnull=True)
                | Q(fine_multiple_max__isnull=True)
                | Q(fine_multiple_max__gte=models.F("fine_multiple_min")),
                name="item_fine_multiples_ordered",
            ),
        ]
        indexes = [models.Index(fields=["district", "domain"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh

    def fine_range(self, values: Mapping[str, object] | None = None) -> FineRange:
        """The statutory fine range for a case with these recorded amounts (`gains_yuan`, `value_yuan`)."""
        return fine_range(
            fine_min=self.fine_min,
            fine_max=self.fine_max,
            basis=self.fine_basis,
            multiple_min=self.fine_multiple_min,
            multiple_max=self.fine_multiple_max,
            multiple_from=self.fine_multiple_from,
            values=values,
        )


class EnforcementItemVersion(models.Model):
    """A snapshot of an item's content. Version 1 is the item as first imported; each change adds one."""

    item = models.ForeignKey(EnforcementItem, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("import file or editor"))
    valid_from = models.DateField(_("in force from"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="item_version_unique")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version}"


class Adjustment(ChoiceLabels, models.Model):
    """调整: a dated decision that grants items to towns and/or recovers others. Takes effect once
    approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="adjustments")
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=120)
    document_date = models.DateField(_("document date"))
    effective_from = models.DateField(_("effective from"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("adjustment (调整)")
        verbose_name_plural = _("adjustments")
        ordering = ["-effective_from", "-pk"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"


class AdjustmentLine(ChoiceLabels, models.Model):
    """One change in an adjustment: grant an item to a town (with kind), or recover it from a town."""

    class Action(models.TextChoices):
        GRANT = "grant", _("Grant")
        RECOVER = "recover", _("Recover (收回)")

    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="lines")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    item = models.ForeignKey(EnforcementItem, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": Unit.Kind.TOWN}
    )
    kind = models.CharField(_("grant kind"), max_length=16, choices=GrantKind.choices, blank=True)
    delegating_department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
    )
    scope = models.TextField(_("delegation scope"), blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("end of a delegation term"))

    class Meta:
        verbose_name = _("adjustment line")
        verbose_name_plural = _("adjustment lines")
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "item", "town"], name="adjustment_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.item.code} → {self.town.code}"


class AuthorityGrant(ChoiceLabels, models.Model):
    """A town holds an item of a kind from a date (until a date, or open-ended). Never deleted; recovery ends
    it."""

    town = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="grants",
        limit_choices_to={"kind": Unit.Kind.TOWN},
        verbose_name=_("town"),
    )
    item = models.ForeignKey(
        EnforcementItem, on_delete=models.PROTECT, related_name="grants", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GrantKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("last day held; empty: open-ended")
    )
    source_document = models.CharField(_("source document"), max_length=120, blank=True)
    source_date = models.DateField(_("document date"), null=True, blank=True)
    delegating_department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
        verbose_name=_("delegating department"),
    )
    scope = models.TextField(_("delegation scope"), blank=True)
    granted_by = models.ForeignKey(
        Adjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="grants_made"
    )
    ended_by = models.ForeignKey(
        Adjustment, on_delete=models.PROTECT, null=True, blank=True, related_name="grants_ended"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("authority grant")
        verbose_name_plural = _("authority grants")
        ordering = ["town", "item__code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="grant_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(kind="delegated") & Q(delegating_department__isnull=False))
                | (~Q(kind="delegated") & Q(delegating_department__isnull=True)),
                name="grant_delegator_iff_delegated",
            ),
        ]
        indexes = [
            models.Index(fields=["town", "item", "valid_from"]),
            models.Index(fields=["item", "valid_from"]),
        ]

    def __str__(self) -> str:
        return f"{self.town.code}:{self.item.code} {self.kind} {self.valid_from}–{self.valid_to or '…'}"

    def active_on(self, day: dt.date) -> bool:
        """In force on `day` (the same test as `selectors.grants_active_on`, on a loaded row)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class MatchRule(models.Model):
    """A curated matching rule for one item (keywords, phrases, synonyms, regexes, excluding words,
    weights)."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keyword")
        PHRASE = "phrase", _("Phrase")
        REGEX = "regex", _("Regular expression")
        EXCLUDE = "exclude", _("Excluding word")

    item = models.ForeignKey(EnforcementItem, on_delete=models.CASCADE, related_name="match_rules")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.KEYWORD)
    pattern = models.CharField(_("pattern"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("matching rule")
        verbose_name_plural = _("matching rules")
        constraints = [models.UniqueConstraint(fields=["item", "kind", "pattern"], name="match_rule_unique")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.kind}:{self.pattern}"


# The built-in lexicon's notes begin with the round of work that wrote the row ("issue 15 round 8: ar (wages
# owed)", "mzh6: ..."): a tag for its builders, not for a supervisor reading the table, who sees the rest.
_BUILDER_TAG = re.compile(
    r"^\s*(?:issue \d+(?: round \d+| concept layer)?|m(?:zh|en|fx)\d+)\s*[:：]\s*", re.I
)


class LexiconEntry(models.Model):
    """The shared domain lexicon: an everyday, dialect or English word and the legal vocabulary it stands
    for."""

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("empty: all districts"),
    )
    term = models.CharField(_("everyday word"), max_length=120)
    canonical = models.CharField(
        _("legal vocabulary"), max_length=200, help_text=_("one or more terms separated by |")
    )
    lang = models.CharField(_("language"), max_length=8, default="zh")
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("lexicon entry")
        verbose_name_plural = _("lexicon entries")
        constraints = [
            models.UniqueConstraint(fields=["district", "term", "lang"], name="lexicon_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    @property
    def shown_note(self) -> str:
        """The note as the lexicon page shows it: without the builders' tag of the built-in rows."""
        return _BUILDER_TAG.sub("", self.note)
