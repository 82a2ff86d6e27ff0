"""Forms for the inspection pages. They check the shape of the input and say so in the user's language; the
services decide (the law's refusals come back from them onto the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enforcement.forms import BootstrapFormMixin, restrict_choices, set_choices
from enforcement.models import Unit, User
from enforcement.uploads import PHOTO_MAX_BYTES

from .models import ChecklistTemplate, CheckPoint, InspectionItem, Visit
from .services import MAX_PHOTOS_PER_ANSWER
from .workflow import Exemption, PointResult, Scenario, TaskKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ItemsField(forms.ModelMultipleChoiceField[InspectionItem]):
    def label_from_instance(self, obj: InspectionItem) -> str:
        risk = f" · {_('high-risk field')}" if obj.high_risk else ""
        return f"{obj.code} {obj.name_zh}{risk}"


class TemplatesField(forms.ModelMultipleChoiceField[ChecklistTemplate]):
    def label_from_instance(self, obj: ChecklistTemplate) -> str:
        return f"{obj.name} v{obj.version} ({obj.get_scenario_display()})"


class OfficersField(forms.ModelMultipleChoiceField[User]):
    """Each officer with their unit, and a warning when their certificate is not valid today (the service
    refuses them, with the reason, if chosen)."""

    def label_from_instance(self, obj: User) -> str:
        from enforcement import clock
        from enforcement.officers import officer_may_act

        label = f"{obj} · {obj.unit}" if obj.unit else str(obj)
        if not officer_may_act(obj, clock.today()):
            label += f" · {_('certificate not valid today')}"
        return label


class PointField(forms.ModelChoiceField[CheckPoint]):
    def label_from_instance(self, obj: CheckPoint) -> str:
        return f"{obj.item.code}-{obj.code} {obj.text_zh}"


class TaskCreateForm(BootstrapFormMixin, forms.Form):
    """Plan an inspection: who leads, which business, what type, when, with which checklists or items, and
    which departments are asked to join."""

    lead_unit = UnitField(queryset=Unit.objects.none(), label=_("Lead unit"))
    kind = forms.ChoiceField(
        choices=TaskKind.choices, label=_("Type of inspection"), initial=TaskKind.ROUTINE
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    planned_on = forms.DateField(label=_("Planned for"), widget=DATE)
    subject_identifier = forms.CharField(
        max_length=32,
        required=False,
        label=_("Unified social credit code"),
        help_text=_("A business already in the registry is found by its code."),
    )
    subject_name = forms.CharField(max_length=200, label=_("Business or place"))
    subject_address = forms.CharField(max_length=300, required=False, label=_("Address"))
    town = UnitField(queryset=Unit.objects.none(), label=_("Town where it is"))
    scenario = forms.ChoiceField(choices=[("", "—"), *Scenario.choices], required=False, label=_("Scenario"))
    headcount = forms.IntegerField(
        min_value=2, max_value=50, initial=2, label=_("People on the visit (fixed by the plan)")
    )
    exemption = forms.ChoiceField(
        choices=Exemption.choices, required=False, label=_("Exempt from the frequency cap as")
    )
    exemption_ref = forms.CharField(
        max_length=200,
        required=False,
        label=_("Exemption reference"),
        help_text=_("The complaint, request, permit application or earlier inspection."),
    )
    templates = TemplatesField(
        queryset=ChecklistTemplate.objects.none(),
        required=False,
        label=_("Our checklists"),
        widget=forms.CheckboxSelectMultiple,
    )
    items = ItemsField(
        queryset=InspectionItem.objects.none(),
        required=False,
        label=_("Items from the published inspection-item list"),
        widget=forms.CheckboxSelectMultiple,
    )
    departments = UnitsField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Departments asked to join"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        lead_units: QuerySet[Unit],
        towns: QuerySet[Unit],
        templates: QuerySet[ChecklistTemplate],
        items: QuerySet[InspectionItem],
        departments: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "lead_unit", lead_units)
        restrict_choices(self, "town", towns)
        restrict_choices(self, "templates", templates)
        restrict_choices(self, "items", items)
        restrict_choices(self, "departments", departments)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("templates") and not data.get("items"):
            self.add_error("items", _("Choose a checklist or at least one item of the published list."))
        lead = data.get("lead_unit")
        if lead is not None and any(t.unit_id != lead.pk for t in data.get("templates") or []):
            self.add_error("templates", _("A unit brings its own checklist."))
        if lead is not None and lead in (data.get("departments") or []):
            self.add_error("departments", _("The lead unit does not invite itself."))
        return data


class TemplateAddForm(BootstrapFormMixin, forms.Form):
    template = forms.ModelChoiceField(queryset=ChecklistTemplate.objects.none(), label=_("Checklist"))

    def __init__(self, *args: Any, templates: QuerySet[ChecklistTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "template", templates)


class ItemsAddForm(BootstrapFormMixin, forms.Form):
    items = ItemsField(
        queryset=InspectionItem.objects.none(), label=_("Items"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, items: QuerySet[InspectionItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "items", items)


class InviteForm(BootstrapFormMixin, forms.Form):
    department = UnitField(queryset=Unit.objects.none(), label=_("Department"))

    def __init__(self, *args: Any, departments: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "department", departments)


class OfficersForm(BootstrapFormMixin, forms.Form):
    officers = OfficersField(
        queryset=User.objects.none(), label=_("Officers on the visit"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "officers", candidates)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(BootstrapFormMixin, VersionForm):
    reason = forms.CharField(max_length=2000, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(BootstrapFormMixin, VersionForm):
    reason = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Why the visit could not wait for approval"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EnterForm(BootstrapFormMixin, VersionForm):
    with_code = forms.BooleanField(required=False, initial=True, label=_("The inspection code was shown"))
    no_code_reason = forms.CharField(
        max_length=1000,
        required=False,
        label=_("Why no code was shown"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    identifier_seen = forms.CharField(
        max_length=32,
        required=False,
        label=_("Credit code shown by the business"),
        help_text=_("From its licence or its own QR code (the two-way handshake)."),
    )


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; the services check each by its content (the core's upload policy)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS_PER_ANSWER:
            raise ValidationError(_("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS_PER_ANSWER})
        if any(f.size > PHOTO_MAX_BYTES for f in files):
            raise ValidationError(
                _("A photo may be at most %(n)d MB.") % {"n": PHOTO_MAX_BYTES // 1024 // 1024}
            )
        return files


ANSWERS = [(value, label) for value, label in PointResult.choices if value != PointResult.PENDING]


class PointForm(forms.Form):
    """One answer on the checklist (the template lays the fields out for a phone)."""

    result = forms.ChoiceField(
        choices=ANSWERS, widget=forms.RadioSelect(attrs={"class": "btn-check"}), label=_("Result")
    )
    note = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    major = forms.BooleanField(
        required=False,
        label=_("Major violation"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    rectify_by = forms.DateField(
        required=False,
        label=_("Rectify by"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    photos = PhotosField(label=_("Photos"))


class PointAddForm(BootstrapFormMixin, forms.Form):
    point = PointField(queryset=CheckPoint.objects.none(), label=_("Check point from the published list"))

    def __init__(self, *args: Any, points: QuerySet[CheckPoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "point", points)


class FinishForm(BootstrapFormMixin, VersionForm):
    present = OfficersField(
        queryset=User.objects.none(),
        label=_("Officers present who sign the record"),
        widget=forms.CheckboxSelectMultiple,
    )
    business_signatory = forms.CharField(
        max_length=100,
        required=False,
        label=_("Signed for the business by"),
        help_text=_("Name and position of the person who signed."),
    )
    business_refusal = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Or: the business refused to sign"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened, as the officers saw it."),
    )

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "present", officers)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    planned_on = forms.DateField(label=_("Re-check on"), widget=DATE)


class AcceptForm(BootstrapFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.none(),
        required=False,
        label=_("Our checklist for this visit"),
        empty_label=_("— join without a checklist of our own —"),
    )

    def __init__(self, *args: Any, templates: QuerySet[ChecklistTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "template", templates)
        # The options from the rows the caller read once: the inbox shows one form per invitation, and a model
        # field would read the templates again for each of them.
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        set_choices(
            self,
            "template",
            [("", field.empty_label), *((t.pk, field.label_from_instance(t)) for t in templates)],
        )


class DeclineForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=1000, label=_("Why we decline"), widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitForm(BootstrapFormMixin, forms.Form):
    """A visit outside an inspection task (guidance, research, publicity) still goes on the business's
    ledger."""

    purpose = forms.ChoiceField(
        choices=[c for c in Visit.Purpose.choices if c[0] != Visit.Purpose.INSPECTION], label=_("Purpose")
    )
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    town = UnitField(queryset=Unit.objects.none(), label=_("Town"))
    with_code = forms.BooleanField(required=False, initial=True, label=_("A code was shown"))
    no_code_reason = forms.CharField(max_length=1000, required=False, label=_("Why no code was shown"))

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", towns)


class SubjectSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)


class PeriodForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(required=False, label=_("From"), widget=DATE)
    end = forms.DateField(required=False, label=_("Until"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


# --- planning ----------------------------------------------------------------------------------------------

MONTHS = [(m, str(m)) for m in range(1, 13)]


class AnnualPlanForm(BootstrapFormMixin, forms.Form):
    unit = UnitField(queryset=Unit.objects.none(), label=_("Unit"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    title = forms.CharField(max_length=200, required=False, label=_("Title"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "unit", units)


class PlanEntryForm(BootstrapFormMixin, forms.Form):
    """One line of an annual plan: one business (by its credit code) or a type of business in a town."""

    subject_identifier = forms.CharField(
        max_length=32,
        required=False,
        label=_("Business (unified social credit code)"),
        help_text=_("or leave empty and choose a type of business and a town"),
    )
    subject_type = forms.ChoiceField(
        choices=[("", "—"), *Scenario.choices], required=False, label=_("Type of business")
    )
    town = UnitField(queryset=Unit.objects.none(), required=False, label=_("Town"))
    items = ItemsField(
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Items of the published list"),
    )
    visits_per_year = forms.IntegerField(min_value=1, max_value=12, initial=1, label=_("Visits a year"))
    months = forms.TypedMultipleChoiceField(
        choices=MONTHS, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Months")
    )

    def __init__(
        self, *args: Any, towns: QuerySet[Unit], items: QuerySet[InspectionItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", towns)
        restrict_choices(self, "items", items)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("subject_identifier")) == bool(data.get("subject_type")):
            raise ValidationError(_("Name either one business or a type of business, not both."))
        return data


class SubjectProfileForm(BootstrapFormMixin, forms.Form):
    subject_type = forms.ChoiceField(choices=Scenario.choices, label=_("Type of business or place"))
    risk_level = forms.ChoiceField(choices=[], label=_("Risk level"))
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, label=_("Latitude")
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, label=_("Longitude")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import RiskLevel

        super().__init__(*args, **kwargs)
        set_choices(self, "risk_level", RiskLevel.choices)


class OwnRecordForm(BootstrapFormMixin, forms.Form):
    identifier = forms.CharField(max_length=32, label=_("Your unified social credit code"))
