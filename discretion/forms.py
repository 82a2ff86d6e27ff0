"""Forms of the benchmark editor, publication, the recommendation tool, import and local circumstances."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from authority.forms import ItemChoiceField
from authority.models import EnforcementItem
from authority.penalties import PenaltyKind
from enforcement.forms import restrict_choices, set_choices
from enforcement.spreadsheets import check_spreadsheet_upload

from .conditions import ConditionError, conditions_from_json, format_conditions, parse_conditions
from .models import Benchmark
from .specs import EntrySpec, TierSpec
from .vocabulary import FACTS, LEVELS_OF_SCALE, Effect, FactKind, FactorSpec, Level, ListKind, Scale

DATE = forms.DateInput(attrs={"type": "date"})


def bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on every widget, and is-invalid on fields with errors."""
    errors = (
        getattr(form, "_errors", None) or {}
    )  # the private cache: reading form.errors would run validation
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        if name in errors:
            css += " is-invalid"
        widget.attrs["class"] = css


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def full_clean(self) -> None:
        super().full_clean()
        bootstrap(self)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        bootstrap(self)


class HeaderForm(BootstrapForm):
    scale = forms.ChoiceField(label=_("Tiers"), choices=Scale.choices)
    basis = forms.CharField(label=_("Based on"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)


class TierForm(BootstrapForm):
    level = forms.ChoiceField(label=_("Degree"), choices=[("", "—"), *Level.choices], required=False)
    conditions_text = forms.CharField(
        label=_("Conditions (情形)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.CharField(
        label=_("Structured conditions"),
        required=False,
        help_text=_("e.g. area_m2 > 10; refused_correct"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )
    match = forms.ChoiceField(
        label=_("Conditions must hold"), choices=[("all", _("all")), ("any", _("any one"))], initial="all"
    )
    penalty_kinds = forms.MultipleChoiceField(
        label=_("Penalty kinds"),
        required=False,
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fine_min = forms.DecimalField(
        label=_("Lowest fine (yuan)"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    fine_max = forms.DecimalField(
        label=_("Highest fine (yuan)"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    multiple_min = forms.DecimalField(
        label=_("Lowest multiple"),
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        help_text=_("For a fine by multiples of the illegal gains or the value of the goods (倍数)."),
    )
    multiple_max = forms.DecimalField(
        label=_("Highest multiple"), required=False, min_value=Decimal(0), max_digits=8, decimal_places=2
    )

    def __init__(
        self, *args: Any, catalog: Mapping[str, FactorSpec], kinds: list[str] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        if kinds:
            set_choices(self, "penalty_kinds", [(k, v) for k, v in PenaltyKind.choices if k in kinds])

    def clean_conditions(self) -> tuple:
        try:
            return tuple(parse_conditions(self.cleaned_data.get("conditions") or "", self.catalog))
        except ConditionError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def spec(self) -> TierSpec | None:
        data = self.cleaned_data
        if not data.get("level"):
            return None
        return TierSpec(
            level=data["level"],
            conditions_text=data.get("conditions_text") or "",
            conditions=data.get("conditions") or (),
            match=data.get("match") or "all",
            penalty_kinds=tuple(data.get("penalty_kinds") or ()),
            fine_min=data.get("fine_min"),
            fine_max=data.get("fine_max"),
            multiple_min=data.get("multiple_min"),
            multiple_max=data.get("multiple_max"),
        )


class EntryForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("List"), choices=[("", "—"), *ListKind.choices], required=False)
    conditions_text = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.CharField(
        label=_("Structured conditions"),
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )
    match = forms.ChoiceField(
        label=_("Conditions must hold"), choices=[("all", _("all")), ("any", _("any one"))], initial="all"
    )
    required_factors = forms.MultipleChoiceField(
        label=_("Required circumstances"), required=False, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.CharField(label=_("Measures instead of a penalty"), required=False, max_length=300)
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300)

    def __init__(self, *args: Any, catalog: Mapping[str, FactorSpec], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        lang = get_language() or "zh-hans"
        set_choices(
            self,
            "required_factors",
            [(f.code, f.name_for(lang)) for f in catalog.values() if not f.aggravating],
        )

    def clean_conditions(self) -> tuple:
        try:
            return tuple(parse_conditions(self.cleaned_data.get("conditions") or "", self.catalog))
        except ConditionError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def spec(self) -> EntrySpec | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return EntrySpec(
            kind=data["kind"],
            conditions_text=data.get("conditions_text") or "",
            conditions=data.get("conditions") or (),
            match=data.get("match") or "all",
            required_factors=tuple(data.get("required_factors") or ()),
            measures=data.get("measures") or "",
            legal_basis=data.get("legal_basis") or "",
        )


TierFormSet = forms.formset_factory(TierForm, extra=0, max_num=6, absolute_max=6)
EntryFormSet = forms.formset_factory(EntryForm, extra=0, max_num=12, absolute_max=12)


def tier_initial(benchmark: Benchmark) -> list[dict[str, Any]]:
    rows = [
        {
            "level": t.level,
            "conditions_text": t.conditions_text,
            "conditions": format_conditions(conditions_from_json(t.conditions)),
            "match": t.match,
            "penalty_kinds": t.penalty_kinds,
            "fine_min": t.fine_min,
            "fine_max": t.fine_max,
            "multiple_min": t.multiple_min,
            "multiple_max": t.multiple_max,
        }
        for t in benchmark.tiers.all()
    ]
    used = {r["level"] for r in rows}
    for level in LEVELS_OF_SCALE[benchmark.scale]:
        if len(rows) >= 4:
            break
        if level not in used:
            rows.append({"match": "all"})
    while len(rows) < 4:
        rows.append({"match": "all"})
    return rows


def entry_initial(benchmark: Benchmark) -> list[dict[str, Any]]:
    rows = [
        {
            "kind": e.kind,
            "conditions_text": e.conditions_text,
            "conditions": format_conditions(conditions_from_json(e.conditions)),
            "match": e.match,
            "required_factors": e.required_factors,
            "measures": e.measures,
            "legal_basis": e.legal_basis,
        }
        for e in benchmark.entries.all()
    ]
    return [*rows, {"match": "all"}, {"match": "all"}]


class PublishForm(BootstrapForm):
    document_number = forms.CharField(
        label=_("Publishing document number"), max_length=120, help_text=_("e.g. 渝中司发〔2025〕3号")
    )
    document_title = forms.CharField(label=_("Publishing document title"), max_length=300)
    document_date = forms.DateField(label=_("Document date"), required=False, widget=DATE)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(BootstrapForm):
    file = forms.FileField(label=_("Benchmark table (CSV or XLSX)"))
    publish = forms.BooleanField(label=_("Publish each table with the document in the file"), required=False)
    dry_run = forms.BooleanField(label=_("Only check, keep nothing"), required=False, initial=True)

    def clean_file(self) -> Any:
        return check_spreadsheet_upload(self.cleaned_data["file"])


class RecommendForm(BootstrapForm):
    """The facts of a case as an officer knows them; optionally a proposed penalty to compare."""

    item = ItemChoiceField(label=_("Enforcement item"), queryset=EnforcementItem.objects.none())
    on = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    act_date = forms.DateField(
        label=_("Date of the act (its end if continuing)"), required=False, widget=DATE
    )
    identifier = forms.CharField(label=_("Party ID number / credit code"), required=False, max_length=32)
    factors = forms.MultipleChoiceField(
        label=_("Circumstances"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    proposed_punish = forms.ChoiceField(
        label=_("Proposed penalty"),
        required=False,
        choices=[("", _("— not yet —")), ("yes", _("a penalty")), ("no", _("no penalty"))],
    )
    proposed_kinds = forms.MultipleChoiceField(
        label=_("Proposed penalty kinds"),
        required=False,
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_fine = forms.DecimalField(
        label=_("Proposed fine (yuan)"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    proposed_reason = forms.CharField(
        label=_("Reason for departing (art 34)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, items: QuerySet[EnforcementItem], catalog: Mapping[str, FactorSpec], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        restrict_choices(self, "item", items)
        order: dict[str, int] = {
            Effect.NO_PENALTY: 0,
            Effect.REDUCED: 1,
            Effect.LIGHTER: 2,
            Effect.HEAVIER: 3,
        }
        lang = get_language() or "zh-hans"
        set_choices(
            self,
            "factors",
            [
                (f.code, f.name_for(lang))
                for f in sorted(catalog.values(), key=lambda f: (order.get(f.effect, 9), f.code))
            ],
        )
        self.factor_specs = catalog
        for fact in FACTS:
            if fact.auto:
                continue
            name = f"fact_{fact.key}"
            label = f"{fact.label} ({fact.unit})" if fact.unit else fact.label
            if fact.kind == FactKind.NUMBER:
                self.fields[name] = forms.DecimalField(
                    label=label, required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
                )
            elif fact.kind == FactKind.BOOL:
                self.fields[name] = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))]
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *fact.choices]
                )
        bootstrap(self)

    def fact_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("fact_")]

    def factor_groups(self) -> list[tuple[str, list[Any]]]:
        groups: dict[str, list[Any]] = {}
        for widget in self["factors"]:
            spec = self.factor_specs[widget.data["value"]]
            groups.setdefault(spec.effect, []).append((widget, spec))
        return [(str(Effect(effect).label), rows) for effect, rows in groups.items()]

    def facts_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for fact in FACTS:
            raw = self.cleaned_data.get(f"fact_{fact.key}")
            if raw in (None, ""):
                continue
            values[fact.key] = (raw == "yes") if fact.kind == FactKind.BOOL else raw
        return values


class LocalFactorForm(BootstrapForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("letters, digits, _ ; e.g. near_school")
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    effect = forms.ChoiceField(label=_("Legal effect"), choices=Effect.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    conditions = forms.CharField(
        label=_("Conditions of use"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PolicyForm(BootstrapForm):
    repeat_window_months = forms.IntegerField(label=_("Repeat window (months)"), min_value=1, max_value=120)
    limitation_years = forms.IntegerField(label=_("Limitation (years)"), min_value=1, max_value=20)
    limitation_years_grave = forms.IntegerField(
        label=_("Limitation where life, health or finance was harmed (years)"), min_value=1, max_value=30
    )
    max_only_lighter_pct = forms.IntegerField(
        label=_("Only a maximum: lighter tier up to (percent)"), min_value=0, max_value=100
    )
    max_only_normal_low_pct = forms.IntegerField(
        label=_("Only a maximum: normal tier from (percent)"), min_value=0, max_value=100
    )
    max_only_normal_high_pct = forms.IntegerField(
        label=_("Only a maximum: normal tier to (percent)"), min_value=0, max_value=100
    )
    span_lighter_pct = forms.IntegerField(
        label=_("Minimum and maximum: lighter tier up to (percent of the span)"), min_value=0, max_value=100
    )
    span_heavier_pct = forms.IntegerField(
        label=_("Minimum and maximum: heavier tier from (percent of the span)"), min_value=0, max_value=100
    )
    reduced_floor_pct = forms.IntegerField(
        label=_("Reduced fine at least (percent of the statutory minimum)"), min_value=0, max_value=100
    )
