"""The desk's forms: the queue's filters, a review, bulk acknowledge and the district's escalation times."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.models import FenceWarning

from .selectors import QUEUE_ALL, QUEUE_OPEN, DeskChoices, DeskFilters

S = FenceWarning.Status

OUTCOMES = [
    (S.ACKNOWLEDGED.value, _("Acknowledged: seen, nothing to add")),
    (S.JUSTIFIED.value, _("Justified: the reason given holds")),
    (S.CONFIRMED.value, _("Confirmed as a problem: ask for a follow-up")),
    (S.DISMISSED.value, _("Dismissed: the rule was wrong here")),
]


class DeskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    officer = forms.TypedChoiceField(label=_("Officer"), required=False, coerce=int, empty_value=None)
    town = forms.TypedChoiceField(label=_("Town"), required=False, coerce=int, empty_value=None)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    since = forms.DateField(
        label=pgettext_lazy("desk filter", "Raised from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("desk filter", "Raised until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data: Any, *, choices: DeskChoices) -> None:
        super().__init__(data)
        every = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (QUEUE_OPEN, _("Open (to review)")),
            *S.choices[1:],
            (QUEUE_ALL, _("All")),
        ]
        cast(forms.ChoiceField, self.fields["rule"]).choices = every + [
            (c.value, c.label) for c in choices.rules
        ]
        cast(forms.ChoiceField, self.fields["officer"]).choices = every + [
            (p.pk, p.get_full_name()) for p in choices.officers
        ]
        cast(forms.ChoiceField, self.fields["town"]).choices = every + [(t.pk, str(t)) for t in choices.towns]
        cast(forms.ChoiceField, self.fields["severity"]).choices = every + list(FenceWarning.Severity.choices)

    def filters(self) -> DeskFilters:
        """The filters asked for; a value that is not on offer is dropped (the form says so)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return DeskFilters(
            status=data.get("status") or QUEUE_OPEN,
            rule=data.get("rule") or "",
            officer_id=data.get("officer"),
            town_id=data.get("town"),
            severity=data.get("severity") or "",
            since=data.get("since"),
            until=data.get("until"),
        )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when justifying or dismissing."),
    )
    follow_up = forms.CharField(
        label=_("Follow-up asked"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when confirming: what the officer or the town must do."),
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


MAX_BULK = 500


def ticked_ids(values: list[str]) -> list[int]:
    """The warning ids ticked for bulk acknowledge (anything else is ignored; at most MAX_BULK)."""
    return sorted({int(v) for v in values if v.isdigit() and len(v) < 19})[:MAX_BULK]


class GroupForm(forms.Form):
    """A gathered line of the desk (one rule's prompts in one town), to acknowledge at once."""

    group_rule = forms.CharField(max_length=100)
    group_town = forms.IntegerField(min_value=1)


class EscalationForm(forms.Form):
    warning_hours = forms.IntegerField(
        label=_("Open warnings go to the district office after (hours)"), min_value=1, max_value=8760
    )
    city_hours = forms.IntegerField(
        label=_("Escalations the district leaves open reach the city after (hours)"),
        min_value=1,
        max_value=8760,
    )
