from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enforcement.domains import Domain
from enforcement.forms import restrict_choices
from enforcement.models import District, Unit
from enforcement.spreadsheets import check_spreadsheet_upload

from .models import Adjustment, AdjustmentLine, CatalogHolder, EnforcementItem, GrantKind

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
SELECT = {"class": "form-select form-select-sm"}
TEXT = {"class": "form-control form-control-sm"}


def _blank(choices: list[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _active_items(district: District) -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(district=district, is_active=True).order_by("domain", "code")


def _active_towns(district: District) -> QuerySet[Unit]:
    return Unit.objects.filter(district=district, kind=Unit.Kind.TOWN, is_active=True).order_by("code")


def _filter(label: Any, choices: list[tuple[str, Any]], everything: Any) -> forms.ChoiceField:
    """An optional choice in a filter bar whose empty choice means "all of them"."""
    return forms.ChoiceField(
        label=label, required=False, choices=_blank(choices, everything), widget=forms.Select(attrs=SELECT)
    )


class ItemChoiceField(forms.ModelChoiceField[EnforcementItem]):
    """An enforcement item shown as its code and name."""

    def label_from_instance(self, obj: EnforcementItem) -> str:
        return f"{obj.code} {obj.name}"


class CatalogSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={**TEXT, "type": "search", "placeholder": _("name, code, conduct or law (中文 / English)")}
        ),
    )
    domain = _filter(_("Domain"), Domain.choices, _("All domains"))
    kind = _filter(_("Kind"), GrantKind.choices, _("All kinds"))
    holder = _filter(_("Holder"), CatalogHolder.choices, _("Towns and departments"))
    on = forms.DateField(label=_("As of"), required=False, widget=DATE)


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("As of"), required=False, widget=DATE)


class WhoEnforcesForm(forms.Form):
    item = ItemChoiceField(
        label=_("Item"), queryset=EnforcementItem.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    town = forms.ModelChoiceField(
        label=_("Town"), queryset=Unit.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    on = forms.DateField(label=_("Date of the act"), required=False, widget=DATE)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "item", _active_items(district))
        restrict_choices(self, "town", _active_towns(district))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalog file (CSV or XLSX)"),
        help_text=_(
            "Columns: code,name_zh,name_en,kind,domain,legal_basis,description_zh,fine_min,fine_max,holder"
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-sm", "accept": ".csv,.xlsx"}
        ),
    )
    effective = forms.DateField(
        label=_("Effective from"), required=False, widget=DATE, help_text=_("empty: today")
    )
    document = forms.CharField(
        label=_("Document number"), required=False, max_length=120, widget=forms.TextInput(attrs=TEXT)
    )
    towns = forms.ModelMultipleChoiceField(
        label=_("Towns receiving holder=town items"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("none ticked: every town of the district"),
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "towns", _active_towns(district))

    def clean_file(self) -> Any:
        return check_spreadsheet_upload(self.cleaned_data["file"])


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = Adjustment
        fields = ["title", "document_number", "document_date", "effective_from", "note"]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "document_number": forms.TextInput(attrs={**TEXT, "placeholder": "渝中府发〔2026〕1号"}),
            "document_date": DATE,
            "effective_from": DATE,
            "note": forms.Textarea(attrs={**TEXT, "rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_date"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("document_date")
            and data.get("effective_from")
            and data["effective_from"] < data["document_date"]
        ):
            self.add_error("effective_from", _("The effective date cannot be before the document date."))
        return data


class AdjustmentLineForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=AdjustmentLine.Action.choices, widget=forms.Select(attrs=SELECT)
    )
    item = ItemChoiceField(
        label=_("Item"), queryset=EnforcementItem.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    towns = forms.ModelMultipleChoiceField(
        label=_("Towns"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(
        label=_("Kind of grant"),
        required=False,
        choices=_blank(GrantKind.choices, _("(recovery: none)")),
        widget=forms.Select(attrs=SELECT),
    )
    delegating_department = forms.ModelChoiceField(
        label=_("Delegating department"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.Select(attrs=SELECT),
        help_text=_("delegation only: the town acts in this department's name"),
    )
    scope = forms.CharField(
        label=_("Delegation scope"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    valid_to = forms.DateField(
        label=_("Delegation ends"),
        required=False,
        widget=DATE,
        help_text=_("end of a delegation term; empty: open-ended"),
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "item", _active_items(district))
        restrict_choices(self, "towns", _active_towns(district))
        restrict_choices(
            self,
            "delegating_department",
            Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT, is_active=True).order_by(
                "code"
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == AdjustmentLine.Action.GRANT:
            if not data.get("kind"):
                self.add_error("kind", _("Choose the kind of grant."))
            elif data["kind"] == GrantKind.DELEGATED:
                if not data.get("delegating_department"):
                    self.add_error(
                        "delegating_department", _("A delegation needs the delegating department.")
                    )
                if not (data.get("scope") or "").strip():
                    self.add_error("scope", _("A delegation needs its scope."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


PERIODS = [3, 6, 12, 24, 36]


class UsageFilterForm(forms.Form):
    """The period is the `months` months that end on `on` (default: the last 12 months up to today)."""

    on = forms.DateField(label=_("Period ends on"), required=False, widget=DATE)
    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=None,
        initial=12,
        choices=[(n, n) for n in PERIODS],  # labelled in __init__, in the request's language
        widget=forms.Select(attrs=SELECT),
    )
    town = forms.ModelChoiceField(
        label=_("Town"),
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=_("All my towns"),
        widget=forms.Select(attrs=SELECT),
    )
    kind = _filter(_("Kind"), GrantKind.choices, _("All kinds"))
    domain = _filter(_("Domain"), Domain.choices, _("All domains"))
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("total", _("Most used first")), ("code", _("By code"))],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", towns)
        self.fields["on"].initial = timezone.localdate()
        months = self.fields["months"]
        assert isinstance(months, forms.TypedChoiceField)
        months.choices = [(n, gettext("last %(n)s months") % {"n": n}) for n in PERIODS]


class _IdListField(forms.Field):
    """Several ids from checkboxes of the same name."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose items from the list.")) from None


class ProposeRecoveryForm(forms.Form):
    """建议收回: the zombie items chosen on the usage page, and the period they were judged on."""

    items = _IdListField(
        label=_("Items"), error_messages={"required": _("Choose at least one zombie item to recover.")}
    )
    on = forms.DateField(required=False)
    months = forms.IntegerField(required=False, min_value=1, max_value=60)
