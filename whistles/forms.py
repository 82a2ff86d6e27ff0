"""Forms for the whistle pages. They check shape and give clear messages; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from authority.forms import ItemChoiceField
from authority.models import EnforcementItem
from enforcement.forms import restrict_choices
from enforcement.maps import PointField, point_initial, point_split
from enforcement.models import Unit

from .models import WhistleRequest
from .photos import MAX_PHOTOS_PER_UPLOAD, check_photo
from .workflow import Reason, ReturnReason, Urgency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "class": "form-control"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = (
            [single(d, initial) for d in data]
            if isinstance(data, list | tuple)
            else ([single(data, initial)] if data else [])
        )
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS_PER_UPLOAD:
            raise ValidationError(_("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD})
        for upload in files:
            check_photo(upload)
        return files


class DepartmentsField(forms.ModelMultipleChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def _text_attrs(**extra: Any) -> dict[str, Any]:
    return {"class": "form-control", **extra}


class WhistleRaiseForm(forms.Form):
    town = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Raising town"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label=_("Problem in brief"),
        max_length=200,
        widget=forms.TextInput(
            attrs=_text_attrs(placeholder=_("e.g. Oil fumes from a restaurant on Daping Main Street"))
        ),
    )
    description = forms.CharField(
        label=_("What is happening"), widget=forms.Textarea(attrs=_text_attrs(rows=4))
    )
    reason = forms.ChoiceField(
        label=_("Why the town whistles"),
        choices=Reason.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    item = ItemChoiceField(
        label=_("Enforcement item (if known)"),
        queryset=EnforcementItem.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    departments = DepartmentsField(
        label=_("Departments to call"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one department to whistle to.")},
    )
    address = forms.CharField(
        label=_("Place"),
        max_length=300,
        widget=forms.TextInput(attrs=_text_attrs(placeholder=_("Street and number, landmark"))),
    )
    location = PointField()  # the inputs `latitude` and `longitude` under a map (enforcement.maps)
    photos = MultiplePhotoField(label=_("Photos"), help_text=_("JPEG, PNG or WebP, up to 10 MB each."))
    origin_type = forms.ChoiceField(
        choices=WhistleRequest.OriginType.choices, required=False, widget=forms.HiddenInput
    )
    origin_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        towns: QuerySet[Unit],
        items: QuerySet[EnforcementItem],
        departments: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial = point_initial(self.initial)
        restrict_choices(self, "town", towns)
        if towns.count() == 1:
            self.fields["town"].widget = forms.HiddenInput()
            self.fields["town"].initial = towns.first()
        restrict_choices(self, "item", items)
        restrict_choices(self, "departments", departments)

    def clean(self) -> dict[str, Any]:
        data = point_split(super().clean() or {})
        if bool(data.get("origin_type")) != bool(data.get("origin_id")):
            data["origin_type"], data["origin_id"] = "", ""
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=_text_attrs(rows=2)))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Explanation"), min_length=5, widget=forms.Textarea(attrs=_text_attrs(rows=3))
    )


class HandleForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), min_length=5, widget=forms.Textarea(attrs=_text_attrs(rows=3))
    )
    case_ref = forms.CharField(
        label=_("Case opened by the department (document number)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs=_text_attrs()),
    )
    photos = MultiplePhotoField(label=_("Photos of the result"))


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for returning"),
        choices=[("", "—"), *ReturnReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Explanation"),
        min_length=5,
        widget=forms.Textarea(attrs=_text_attrs(rows=3)),
        help_text=_(
            "The town and the district administrator will read this. Returns are counted in the assessment."
        ),
    )


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs=_text_attrs(rows=2))
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rating = data.get("rating")
        if rating is not None and rating <= 2 and len((data.get("comment") or "").strip()) < 5:
            self.add_error("comment", _("Say what was wrong when you rate 1 or 2."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw"), min_length=5, widget=forms.Textarea(attrs=_text_attrs(rows=2))
    )


class AddDepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Unit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, departments: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "department", departments)


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(label=_("Photos"), required=True)
    caption = forms.CharField(
        label=_("Caption"), required=False, max_length=200, widget=forms.TextInput(attrs=_text_attrs())
    )


class DeadlinePolicyForm(forms.Form):
    check_in_minutes = forms.IntegerField(
        label=_("Check in within (minutes)"), min_value=1, widget=forms.NumberInput(attrs=_text_attrs())
    )
    on_site_minutes = forms.IntegerField(
        label=_("On site within (minutes)"), min_value=1, widget=forms.NumberInput(attrs=_text_attrs())
    )
    handle_minutes = forms.IntegerField(
        label=_("Handled within (minutes)"), min_value=1, widget=forms.NumberInput(attrs=_text_attrs())
    )
    remind_before_minutes = forms.IntegerField(
        label=_("Remind before (minutes)"), min_value=0, widget=forms.NumberInput(attrs=_text_attrs())
    )
    escalate_after_minutes = forms.IntegerField(
        label=_("Escalate after (minutes)"), min_value=1, widget=forms.NumberInput(attrs=_text_attrs())
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b, c = data.get("check_in_minutes"), data.get("on_site_minutes"), data.get("handle_minutes")
        if a is not None and b is not None and c is not None and not a <= b <= c:
            raise ValidationError(_("Deadlines must not get shorter: check in ≤ on site ≤ handled."))
        return data


class AssessmentPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=_text_attrs(type="date"))
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs=_text_attrs(type="date"))
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The period ends before it starts."))
        return data
