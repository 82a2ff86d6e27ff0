"""The form of an on-site record (现场笔录) or an inquiry record (询问笔录) on the phone.

The questions and answers come as the repeated fields `question` and `answer` (rows added in the page by
static/cases/records.js); the signatures as PNG data URLs in hidden fields, filled from the canvases when the
form is sent. The checks that matter (officers, signatures, refusal) are the service's, so that the API gets
them too; this form only parses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.forms import BootstrapFormMixin
from enforcement.models import User

from .models import Case, OnSiteRecord
from .records import RecordInput, record_officer_choices

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


class RecordForm(BootstrapFormMixin, forms.Form):
    place = forms.CharField(label=_("Place"), max_length=200)
    started_at = forms.DateTimeField(
        label=_("Started at"),
        widget=forms.DateTimeInput(format=LOCAL_MINUTE, attrs={"type": "datetime-local"}),
    )
    ended_at = forms.DateTimeField(
        label=_("Ended at"),
        widget=forms.DateTimeInput(format=LOCAL_MINUTE, attrs={"type": "datetime-local"}),
    )
    officer_1 = OfficerChoice(label=_("First officer"), queryset=User.objects.none())
    officer_2 = OfficerChoice(label=_("Second officer"), queryset=User.objects.none())
    person_name = forms.CharField(label=_("Name of the person"), max_length=100)
    person_role = forms.ChoiceField(label=_("Role"), choices=OnSiteRecord.PersonRole.choices)
    person_id_kind = forms.ChoiceField(
        label=_("ID document"),
        choices=[("", _("None shown"))] + list(OnSiteRecord.IdKind.choices),
        required=False,
    )
    person_id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    rights_told = forms.BooleanField(
        label=_(
            "I showed my certificate and told the person their rights: to state their case and defend "
            "themselves, and to ask an officer with a conflict of interest to step aside (告知)."
        ),
        required=False,
    )
    findings = forms.CharField(
        label=_("Describe what was found: the place, the goods, sizes and measurements, photos taken"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    party_refused = forms.BooleanField(label=_("The person refuses to sign"), required=False)
    refusal_reason = forms.CharField(label=_("Reason given for refusing"), max_length=300, required=False)
    refusal_witness = forms.CharField(label=_("Witness of the refusal"), max_length=100, required=False)
    party_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    officer_1_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    officer_2_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    corrects = forms.ModelChoiceField(
        queryset=OnSiteRecord.objects.none(), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args: Any, case: Case, kind: str, **kwargs: Any) -> None:
        officers = record_officer_choices(case)
        now = timezone.localtime().replace(second=0, microsecond=0)
        kwargs.setdefault(
            "initial",
            {
                "place": case.place,
                "started_at": now,
                "ended_at": now,
                "officer_1": officers[0] if officers else None,
                "officer_2": officers[1] if len(officers) > 1 else None,
                "person_name": case.party_name,
                "person_role": OnSiteRecord.PersonRole.PARTY,
            },
        )
        super().__init__(*args, **kwargs)
        self.kind = kind
        queryset = User.objects.filter(pk__in=[o.pk for o in officers])
        self.fields["officer_1"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["officer_2"].queryset = queryset  # type: ignore[attr-defined]
        corrects = self.fields["corrects"]
        corrects.queryset = case.onsite_records.filter(kind=kind)  # type: ignore[attr-defined]
        if kind == OnSiteRecord.Kind.INQUIRY:
            del self.fields["findings"]
            self.fields["person_name"].label = _("Name of the person questioned")
        for name in ("party_signature", "officer_1_signature", "officer_2_signature"):
            self.fields[name].widget.attrs["data-signature-value"] = name
        self.questions = self._questions()

    def _questions(self) -> list[dict[str, str]]:
        if not isinstance(self.data, QueryDict):
            return [{"q": "", "a": ""}] if self.kind == OnSiteRecord.Kind.INQUIRY else []
        questions = self.data.getlist("question")
        answers = self.data.getlist("answer")
        rows = [
            {"q": q[:2000], "a": a[:4000]}
            for q, a in zip(questions, answers + [""] * (len(questions) - len(answers)), strict=False)
        ]
        return rows or [{"q": "", "a": ""}]

    def record_input(self) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            kind=self.kind,
            place=data["place"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            officer_1=data["officer_1"],
            officer_2=data["officer_2"],
            person_name=data["person_name"],
            person_role=data["person_role"],
            person_id_kind=data.get("person_id_kind", ""),
            person_id_number=data.get("person_id_number", ""),
            rights_told=data["rights_told"],
            questions=self.questions,
            findings=data.get("findings", ""),
            party_signature=data["party_signature"],
            party_refused=data["party_refused"],
            refusal_reason=data["refusal_reason"],
            refusal_witness=data["refusal_witness"],
            officer_1_signature=data["officer_1_signature"],
            officer_2_signature=data["officer_2_signature"],
            corrects=data.get("corrects"),
        )
