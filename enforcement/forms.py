from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .domains import Domain
from .models import Certificate, Secondment, Unit, User


def restrict_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Set the options of a model choice field (single or multiple), e.g. to the towns the user works for."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Set the options of a choice field (value, label), e.g. to the factors of the user's district."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    field.choices = list(choices)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class BootstrapFormMixin(_FormBase):
    """Adds Bootstrap classes to widgets and marks invalid fields; templates render with form_fields.html."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class CertificateForm(BootstrapFormMixin, forms.Form):
    holder = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Holder"))
    number = forms.CharField(max_length=40, label=_("Certificate number"))
    issuing_body = forms.CharField(max_length=120, label=_("Issuing body"), initial="重庆市人民政府")
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    domains = forms.MultipleChoiceField(
        choices=Domain.choices, required=False, label=_("Domains"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(
            self,
            "holder",
            User.objects.filter(unit__district_id=district_id, is_active=True).order_by(
                "unit__code", "username"
            ),
        )

    def clean_number(self) -> str:
        number = "".join(self.cleaned_data["number"].split())
        if Certificate.objects.filter(number=number).exists():
            raise forms.ValidationError(
                _("Certificate number %(number)s is already registered."), params={"number": number}
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("The end of validity cannot be before its start."))
        return data


class SecondmentForm(BootstrapFormMixin, forms.Form):
    officer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Officer"))
    town = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Town"))
    kind = forms.ChoiceField(choices=Secondment.Kind.choices, label=_("Kind"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(max_length=120, required=False, label=_("Document"))

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(
            self,
            "officer",
            User.objects.filter(
                unit__district_id=district_id, unit__kind=Unit.Kind.DEPARTMENT, is_active=True
            ).order_by("unit__code", "username"),
        )
        restrict_choices(self, "town", Unit.objects.filter(district_id=district_id, kind=Unit.Kind.TOWN))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form that fed it: field messages on their fields, the rest (and
    messages for fields the form does not have) above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class FenceSettingForm(BootstrapFormMixin, forms.Form):
    """A district's new setting for one fence rule, from a date: one field per parameter (typed as the
    rule's default), severity, on/off and the reason. Locked rules (the law) keep their switch and floor."""

    # ISO in every language: a browser's date input takes no other format (zh would localise it to 2026/5/1).
    effective_from = forms.DateField(
        label=_("Applies from"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    enabled = forms.BooleanField(label=_("Rule switched on"), required=False, initial=True)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    note = forms.CharField(label=_("Reason for the change"), max_length=300)

    def __init__(self, *args: Any, rule: Any, config: Any = None, **kwargs: Any) -> None:
        from .models import FenceWarning

        super().__init__(*args, **kwargs)
        self.rule = rule
        severity = self.fields["severity"]
        assert isinstance(severity, forms.ChoiceField)
        severity.choices = [("", _("The rule's default")), *FenceWarning.Severity.choices]
        current = dict(config.params) if config is not None else dict(rule.params)
        if config is not None:
            self.fields["enabled"].initial = config.enabled
            self.fields["severity"].initial = config.severity if config.severity != rule.severity else ""
        if rule.locked:
            self.fields["enabled"].disabled = True
            self.fields["enabled"].initial = True
            self.fields["enabled"].help_text = _("This rule is the law: it cannot be switched off.")
        for name, default in rule.params.items():
            value = current.get(name, default)
            field: forms.Field
            if isinstance(default, bool):
                field = forms.BooleanField(required=False, initial=value)
            elif isinstance(default, int):
                field = forms.IntegerField(min_value=0, initial=value)
            elif isinstance(default, float):
                field = forms.FloatField(min_value=0, initial=value)
            elif isinstance(default, list | tuple):
                field = forms.CharField(
                    required=False,
                    initial=", ".join(str(v) for v in value),
                    help_text=_("Separate the values with commas."),
                )
            else:
                field = forms.CharField(required=False, initial=value, max_length=200)
            field.label = rule.param_label(name)
            self.fields[f"param_{name}"] = field
        # The mixin styled the declared fields before these were added: style the parameters too.
        for name in rule.params:
            widget = self.fields[f"param_{name}"].widget
            widget.attrs.setdefault(
                "class", "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            )

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, default in self.rule.params.items():
            value = self.cleaned_data.get(f"param_{name}")
            if isinstance(default, list | tuple):
                value = [v.strip() for v in str(value or "").split(",") if v.strip()]
            out[name] = value
        return out


AUDIT_DEFAULT_DAYS = 30


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    """The audit page's filters. The dates default to the last 30 days; a cleared date is an open end."""

    actor = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Done by"))
    town = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, label=_("Town"))
    kind = forms.ChoiceField(required=False, label=_("Kind of object"))
    object = forms.CharField(
        required=False,
        max_length=120,
        label=_("Object"),
        help_text=_("A number or name, e.g. a case number"),
    )
    date_from = forms.DateField(
        required=False, label=_("Date from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("Date to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.CharField(required=False, max_length=80, label=_("Action"))

    def __init__(
        self,
        data: Any,
        *,
        people: QuerySet[User],
        towns: QuerySet[Unit],
        kinds: list[tuple[str, str]],
        today: Any,
    ) -> None:
        import datetime as dt

        data = data.copy()
        # Defaults only when the page is opened without a date at all (a cleared box means "no limit").
        if "date_from" not in data and "date_to" not in data:
            data["date_from"] = (today - dt.timedelta(days=AUDIT_DEFAULT_DAYS)).isoformat()
            data["date_to"] = today.isoformat()
        super().__init__(data)
        restrict_choices(self, "actor", people)
        restrict_choices(self, "town", towns)
        set_choices(self, "kind", [("", _("Any kind")), *kinds])
        self.fields["actor"].empty_label = _("Anyone")  # type: ignore[attr-defined]
        self.fields["town"].empty_label = _("Any town")  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = css + (
                " form-select-sm" if "form-select" in css else " form-control-sm"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class CertificateLookupForm(BootstrapFormMixin, forms.Form):
    """The portal's "verify a certificate": the number and the holder's name, both as on the certificate."""

    number = forms.CharField(max_length=40, label=_("Certificate number"))
    name = forms.CharField(max_length=100, label=_("Holder's name"))
