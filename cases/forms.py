"""Input of penalty cases: the lead form and one small form per workflow action.

Pages and the API validate with the same forms, so a field's rules and messages are written once. Forms check
shape (required, type, range); the legal checks need the case and the database and live in `checks.py`, called
by `lifecycle.case_act`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem
from authority.penalties import PARTICULAR_KINDS, PenaltyKind
from enforcement.forms import BootstrapFormMixin, restrict_choices, set_choices
from enforcement.maps import PointField, point_initial, point_split
from enforcement.models import Unit, User
from enforcement.widget_markup import WIDGET_MARKUP

from .models import Case, PartyKind, Source
from .review import POINT_KEYS as REVIEW_KEYS
from .review import POINT_RESULTS as REVIEW_POINT_RESULTS
from .review import POINTS as REVIEW_POINTS
from .workflow import Action

MAX_FINE = Decimal("100000000")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(
    label: Any, *, required: bool = True, initial_today: bool = False, help_text: Any = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        help_text=help_text,
        initial=timezone.localdate if initial_today else None,
    )


def _text(
    label: Any, *, required: bool = True, rows: int = 3, max_length: int = 4000, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_FINE,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _kinds(label: Any = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("Penalty"), choices=PenaltyKind.choices, widget=forms.CheckboxSelectMultiple
    )


def _fine_with_kinds(
    form: forms.Form, data: dict[str, Any] | None, field: str, missing: Any
) -> dict[str, Any]:
    """A fine needs its amount; without the fine among the penalties an amount typed by mistake is dropped."""
    data = data if data is not None else form.cleaned_data
    if PenaltyKind.FINE in (data.get("penalty_kinds") or []):
        if data.get(field) in (None, ""):
            form.add_error(field, missing)
    else:
        data[field] = None
    return data


# A choice outside the user's scope gets the same answer as one that does not exist, and the answer never
# echoes the value: the API resolves usernames and item ids before the form sees them, so Django's "%(value)s
# is not one of the available choices" would tell another district's user id or item code apart from a name
# that exists nowhere.
NOT_AN_ITEM_HERE = _("Not an enforcement item of your district's catalog.")
NOT_AN_OFFICER_HERE = _("Not an officer of this town's team.")


class ItemChoice(forms.ModelChoiceField[EnforcementItem]):
    default_error_messages = {"invalid_choice": NOT_AN_ITEM_HERE}

    def label_from_instance(self, obj: EnforcementItem) -> str:
        return f"{obj.code} {obj.name}"


class OfficerChoice(forms.ModelMultipleChoiceField[User]):
    default_error_messages = {"invalid_choice": NOT_AN_OFFICER_HERE, "invalid_pk_value": NOT_AN_OFFICER_HERE}

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class LeadOfficerChoice(forms.ModelChoiceField[User]):
    default_error_messages = {"invalid_choice": NOT_AN_OFFICER_HERE}


class CaseForm(BootstrapFormMixin, forms.Form):
    """A lead (线索) and, until the notice is served, its details."""

    town = forms.ModelChoiceField(label=_("Town"), queryset=Unit.objects.none(), to_field_name="code")
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.PATROL)
    title = forms.CharField(label=_("Cause / brief facts (案由/简要案情)"), max_length=200)
    description = _text(
        _("What happened"),
        rows=5,
        help_text=_("The facts as found: the system suggests the enforcement item as you type."),
    )
    findings = _text(
        _("Facts found (认定的违法事实)"),
        required=False,
        rows=5,
        max_length=4000,
        help_text=_(
            "What the investigation proved, as the notice and the decision will state it: "
            "who, when, where, what. "
            "Fixed when the notice is served."
        ),
    )
    item = ItemChoice(
        label=_("Enforcement item"),
        empty_label=_("Not chosen yet"),
        queryset=EnforcementItem.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Confirm a suggestion, or choose one. Needed before filing."),
    )
    place = forms.CharField(label=_("Place"), max_length=300)
    location = PointField()  # the inputs `latitude` and `longitude` under a map (enforcement.maps)
    act_on = _date(_("Date of the act"), initial_today=True)
    act_continuing = forms.BooleanField(label=_("The act continues (or continued) over time"), required=False)
    act_ended_on = _date(_("Continuing act ended on"), required=False, help_text=_("Empty while it goes on."))
    discovered_on = _date(_("Discovered on"), initial_today=True)
    harm_to_life_or_finance = forms.BooleanField(
        label=_("The act harmed life, health or financial safety"),
        required=False,
        help_text=_("Extends the limitation period from 2 to 5 years (art 36)."),
    )
    party_kind = forms.ChoiceField(
        label=_("Party is a"), choices=PartyKind.choices, initial=PartyKind.PERSON, widget=forms.RadioSelect
    )
    party_name = forms.CharField(label=_("Party name"), max_length=200, required=False)
    party_identifier = forms.CharField(
        label=_("ID number / unified social credit code"), max_length=32, required=False
    )
    party_age = forms.IntegerField(label=_("Age (persons)"), required=False, min_value=0, max_value=130)
    party_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    party_contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    party_address = forms.CharField(label=_("Party address"), max_length=300, required=False)
    officers = OfficerChoice(
        label=_("Handling officers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two officers with valid certificates before filing (art 42)."),
    )

    def __init__(
        self,
        *args: Any,
        towns: list[Unit],
        items: QuerySet[EnforcementItem] | None = None,
        officers: QuerySet[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial = point_initial(self.initial)
        restrict_choices(self, "town", Unit.objects.filter(pk__in=[t.pk for t in towns]).order_by("code"))
        if len(towns) == 1:
            self.fields["town"].initial = towns[0].code
        if items is not None:
            restrict_choices(self, "item", items)
        if officers is not None:
            restrict_choices(self, "officers", officers)

    def clean(self) -> dict[str, Any]:
        data = point_split(super().clean() or {})
        today = timezone.localdate()
        act_on, ended, discovered = data.get("act_on"), data.get("act_ended_on"), data.get("discovered_on")
        if act_on and act_on > today:
            self.add_error("act_on", _("The act cannot be in the future."))
        if discovered and discovered > today:
            self.add_error("discovered_on", _("Discovery cannot be in the future."))
        if act_on and discovered and discovered < act_on:
            self.add_error("discovered_on", _("The act was discovered before it happened?"))
        if ended and not data.get("act_continuing"):
            data["act_ended_on"] = None
        elif ended and act_on and ended < act_on:
            self.add_error("act_ended_on", _("A continuing act cannot end before it began."))
        if data.get("party_kind") == PartyKind.ORGANISATION:
            data["party_age"] = None
        return data


# --- one form per action ------------------------------------------------------------------------------------


class ActionForm(BootstrapFormMixin, forms.Form):
    """Every action carries the case's version: a form opened before someone else acted is refused, not
    applied."""

    default_renderer = WIDGET_MARKUP  # the case page's forms: their plain widgets written without templates
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.fields["version"].initial = case.version


class ReasonForm(ActionForm):
    note = _text(_("Reason"), rows=3)


class CorrectionForm(ActionForm):
    correction_due = _date(_("Correct by"))
    basis = forms.ChoiceField(
        label=_("Basis"),
        choices=[
            ("art33_shall", _("Minor, corrected in time, no harm: no penalty (art 33, shall)")),
            ("art33_first", _("First violation, minor harm, corrected in time: no penalty (art 33, may)")),
        ],
    )
    note = _text(_("Education given (教育记录)"), rows=3)

    def clean_correction_due(self) -> dt.date:
        day = self.cleaned_data["correction_due"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The deadline to correct cannot be in the past."))
        return day


class CheckedForm(ActionForm):
    checked_on = _date(_("Checked on"), initial_today=True)
    note = _text(_("What was found on the follow-up check"), rows=2)


def _particulars(kind: str) -> forms.CharField:
    return forms.CharField(
        label=format_lazy("{}: {}", PenaltyKind(kind).label, PARTICULAR_KINDS[kind]),
        required=False,
        max_length=300,
        help_text=_("Printed in the document after the penalty's name."),
    )


# One text per kind that a decision must spell out (authority.penalties.PARTICULAR_KINDS): particulars_<kind>.
PenaltyParticularsForm = type(
    "PenaltyParticularsForm",
    (forms.Form,),
    {f"particulars_{kind}": _particulars(kind) for kind in PARTICULAR_KINDS} | {"__module__": __name__},
)
PARTICULAR_FIELDS = tuple(f"particulars_{kind}" for kind in PARTICULAR_KINDS)
CONTENT_FIELDS = (
    "illegal_gains",
    "goods_value",
    "confiscated_property",
    "confiscated_value",
    *PARTICULAR_FIELDS,
)


# PenaltyParticularsForm is built with type() from PARTICULAR_KINDS: mypy cannot take it as a base class.
class PenaltyContentForm(ActionForm, PenaltyParticularsForm):  # type: ignore[valid-type, misc]
    """What a proposed or decided penalty says beyond its kinds and fine: the amounts found (the bases of a
    fine by multiples and of a confiscation), the property confiscated, and the particulars of the heavier
    kinds. Which of them a penalty needs is a legal check (`checks.content_problems`); here what a kind not
    chosen would carry is dropped."""

    illegal_gains = _money(
        _("Illegal gains (违法所得, yuan)"),
        required=False,
        help_text=_("Needed to confiscate them, and where the fine is a multiple of them."),
    )
    goods_value = _money(
        _("Value of the goods (货值金额, yuan)"),
        required=False,
        help_text=_("Needed where the fine is a multiple of the value of the goods or of the business."),
    )
    confiscated_property = _text(
        _("Illegal property confiscated (what, how many)"), required=False, rows=2, max_length=1000
    )
    confiscated_value = _money(_("Value of the property confiscated (yuan)"), required=False)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is not None and not self.is_bound:  # what the notice said, for the decision to confirm
            for name in ("illegal_gains", "goods_value", "confiscated_property", "confiscated_value"):
                self.fields[name].initial = getattr(case, name)
            for kind, text in (case.penalty_particulars or {}).items():
                if f"particulars_{kind}" in self.fields:
                    self.fields[f"particulars_{kind}"].initial = text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("penalty_kinds") or [])
        if PenaltyKind.CONFISCATE_PROPERTY not in chosen:
            data["confiscated_property"], data["confiscated_value"] = "", None
        for kind in PARTICULAR_KINDS:
            if kind not in chosen:
                data[f"particulars_{kind}"] = ""
        return data


class NoticeForm(PenaltyContentForm):
    """The notice of the proposed penalty (告知, art 44): the facts found, the circumstances (grouped by legal
    effect on the page, the recommendation recomputed as they are ticked), the penalty and its reasons."""

    field_order = [
        "findings",
        "factors",
        "penalty_kinds",
        "proposed_fine",
        "deviation_reason",
        *CONTENT_FIELDS,
        "served_on",
    ]

    findings = _text(
        _("Facts found (认定的违法事实)"),
        required=False,  # the API may leave them to what was drafted during the investigation
        rows=5,
        help_text=_("As the notice and the decision will state them. Fixed once the notice is served."),
    )
    penalty_kinds = _kinds(_("Proposed penalty"))
    proposed_fine = _money(_("Proposed fine (yuan)"), required=False)
    suggested_fine = forms.DecimalField(required=False, widget=forms.HiddenInput)
    deviation_reason = _text(
        _("Reason for departing from the benchmark (裁量理由)"),
        required=False,
        rows=2,
        help_text=_("Required when the penalty is outside the recommended tier (art 34)."),
    )
    factors = forms.MultipleChoiceField(
        label=_("Circumstances found"), required=False, widget=forms.CheckboxSelectMultiple
    )
    served_on = _date(_("Notice served on"), initial_today=True)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        set_choices(self, "factors", factor_choices(case))
        if case is not None and not self.is_bound:
            from .document_text import findings_draft

            self.fields["findings"].initial = case.findings or findings_draft(case)
            if case.facts.get("factors"):
                self.fields["factors"].initial = case.facts["factors"]

    def clean(self) -> dict[str, Any]:
        return _fine_with_kinds(
            self, super().clean(), "proposed_fine", _("Give the amount of the proposed fine.")
        )


class StatementForm(ActionForm):
    made_on = _date(_("Made on"), initial_today=True)
    note = _text(_("The party's statement or defence (陈述申辩)"), rows=4)
    accepted = forms.BooleanField(label=_("The defence is accepted in whole or in part"), required=False)


class HearingRequestForm(ActionForm):
    requested_on = _date(_("Requested on"), initial_today=True)


class HearingScheduleForm(ActionForm):
    hearing_on = _date(_("Hearing date"))
    place_of_hearing = forms.CharField(label=_("Hearing place"), max_length=200)


class HearingHeldForm(ActionForm):
    held_on = _date(_("Held on"), initial_today=True)
    note = _text(_("Hearing record summary"), rows=4)


class SubmitForm(ActionForm):
    major = forms.BooleanField(
        label=_("Major public interest, or complex (needs legal review, art 58)"), required=False
    )
    fence_reason = forms.CharField(
        label=_("Reason to go on despite the warning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when a fence warns (e.g. no evidence on file for the legal review)."),
    )


def _review_point(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=REVIEW_POINT_RESULTS,
        widget=forms.RadioSelect,
        required=False,
    )


# The legal review checklist (cases.review.POINTS): point_<key> passed/raised, point_<key>_note.
ReviewPointsForm = type(
    "ReviewPointsForm",
    (forms.Form,),
    {
        name: field
        for key, label, _short, _question in REVIEW_POINTS
        for name, field in (
            (f"point_{key}", _review_point(label)),
            (
                f"point_{key}_note",
                forms.CharField(
                    label=_("Note"),
                    required=False,
                    max_length=1000,
                    widget=forms.TextInput(attrs={"placeholder": _("Note (required if raised)")}),
                ),
            ),
        )
    }
    | {"__module__": __name__},
)


class ReviewForm(ActionForm, ReviewPointsForm):  # type: ignore[valid-type, misc]
    """The legal review (法制审核, art 58): each point of the checklist passed or raised with a note, and the
    opinion."""

    note = _text(_("Review opinion"), rows=3)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is not None and not self.is_bound:
            for key, point in (case.review_checklist or {}).items():
                if f"point_{key}" in self.fields:
                    self.fields[f"point_{key}"].initial = "passed" if point.get("ok") else "raised"
                    self.fields[f"point_{key}_note"].initial = point.get("note", "")
        self.order_fields(
            [*(n for key in REVIEW_KEYS for n in (f"point_{key}", f"point_{key}_note")), "note"]
        )


class DecisionForm(PenaltyContentForm):
    field_order = [
        "penalty_kinds",
        "fine",
        *CONTENT_FIELDS,
        "deviation_reason",
        "collective_discussion",
        "decided_on",
    ]

    penalty_kinds = _kinds()
    fine = _money(_("Fine (yuan)"), required=False)
    deviation_reason = _text(
        _("Reason for departing from the benchmark"),
        required=False,
        rows=3,
        help_text=_("Required when the penalty is outside the recommended tier (art 34)."),
    )
    collective_discussion = _text(
        _("Collective discussion by the agency's leaders (date, who, conclusion)"),
        required=False,
        rows=2,
        help_text=_("Required for major or complex cases (art 57)."),
    )
    decided_on = _date(_("Decided on"), initial_today=True)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is not None and not self.is_bound:  # the notice's penalty and reason, to confirm or lighten
            self.fields["penalty_kinds"].initial = list(case.proposed_kinds or [])
            self.fields["fine"].initial = case.proposed_fine
            self.fields["deviation_reason"].initial = case.deviation_reason

    def clean(self) -> dict[str, Any]:
        return _fine_with_kinds(self, super().clean(), "fine", _("Give the amount of the fine."))


class NoPenaltyForm(ActionForm):
    basis = forms.ChoiceField(
        label=_("Basis"),
        choices=[
            ("art33_shall", _("Minor, corrected in time, no harm (art 33)")),
            ("art33_first", _("First violation, corrected in time (art 33)")),
            ("under_14", _("Under 14 (art 30)")),
            ("insufficient_evidence", _("Facts not established")),
            ("limitation", _("Time-barred (art 36)")),
        ],
    )
    note = _text(_("Reason"), rows=3)


class ServiceForm(ActionForm):
    served_on = _date(_("Served on"), initial_today=True)
    method = forms.ChoiceField(
        label=_("Service method"),
        choices=[
            ("direct", _("In person (直接送达)")),
            ("left", _("Left at the address (留置送达)")),
            ("post", _("By post (邮寄送达)")),
            ("electronic", _("Electronically, with consent (电子送达)")),
            ("public", _("Public notice (公告送达)")),
        ],
    )


class PaymentForm(ActionForm):
    paid_on = _date(_("Paid on"), initial_today=True)
    amount = _money(_("Amount paid (yuan)"), help_text=_("The fine plus any late fee."))
    channel = forms.ChoiceField(
        label=_("Paid through"),
        choices=[
            ("bank", _("Designated bank")),
            ("online", _("Online payment")),
            ("on_spot", _("On the spot, to the officer (≤ 100 yuan)")),
        ],
    )
    receipt = forms.CharField(label=_("Receipt number"), max_length=64, required=False)


class ArchiveForm(ActionForm):
    archive_ref = forms.CharField(label=_("Archive reference"), max_length=64)


class CaseIdsField(forms.Field):
    """Case ids, from ticked boxes (a list) or a JSON array: whole numbers, at most `max_count`."""

    def __init__(self, *, max_count: int, **kwargs: Any) -> None:
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        ids = []
        for v in values:
            text = str(v).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(_("“%(value)s” is not a case id.") % {"value": text[:20]})
            ids.append(int(text))
        if not ids and self.required:
            raise forms.ValidationError(_("Tick at least one case."), code="required")
        if len(ids) > self.max_count:
            raise forms.ValidationError(
                _("At most %(n)s cases at a time.") % {"n": self.max_count}, code="too_many"
            )
        return ids


class ArchiveBatchForm(forms.Form):
    """Archiving several closed cases at once (the approvals queue, page and API)."""

    cases = CaseIdsField(label=_("Cases"), max_count=100, widget=forms.MultipleHiddenInput)
    archive_ref = forms.CharField(
        label=_("Archive reference"),
        max_length=64,
        help_text=_("The file box or volume the cases go into, e.g. 2026-城管-03."),
    )


class OnSpotForm(ActionForm):
    penalty_kinds = forms.MultipleChoiceField(
        label=_("Penalty"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (PenaltyKind.WARNING, PenaltyKind.WARNING.label),
            (PenaltyKind.FINE, PenaltyKind.FINE.label),
        ],
    )
    fine = _money(_("Fine (yuan)"), required=False)
    deviation_reason = _text(
        _("Reason for departing from the benchmark"),
        required=False,
        rows=2,
        help_text=_("Required when the penalty is outside the recommended tier (art 34)."),
    )
    paid_on_spot = forms.BooleanField(label=_("Paid on the spot"), required=False)

    def clean(self) -> dict[str, Any]:
        return _fine_with_kinds(self, super().clean(), "fine", _("Give the amount of the fine."))


class TransferForm(ActionForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Unit.objects.none(), empty_label=_("Choose the department")
    )
    note = _text(_("Reason for transfer"), rows=3)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is not None:
            restrict_choices(
                self,
                "department",
                Unit.objects.filter(
                    district_id=case.district_id, kind=Unit.Kind.DEPARTMENT, is_active=True
                ).order_by("code"),
            )
            if not self.is_bound and case.item is not None:
                from authority.selectors import responsible_department

                department = responsible_department(case.item)
                if department is not None:
                    self.fields["department"].initial = department.pk


class PauseForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            ("testing", _("Testing or inspection (检测检验)")),
            ("appraisal", _("Appraisal (鉴定)")),
            ("other", _("Other statutory pause")),
        ],
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.START_CHECK: ActionForm,
    Action.PROPOSE_FILING: ActionForm,
    Action.APPROVE_FILING: ActionForm,
    Action.REJECT_FILING: ReasonForm,
    Action.DECLINE_FILING: ReasonForm,
    Action.ORDER_CORRECTION: CorrectionForm,
    Action.CONFIRM_CORRECTION: CheckedForm,
    Action.CORRECTION_FAILED: CheckedForm,
    Action.SERVE_NOTICE: NoticeForm,
    Action.RECORD_STATEMENT: StatementForm,
    Action.WAIVE_RIGHTS: ReasonForm,
    Action.REQUEST_HEARING: HearingRequestForm,
    Action.SCHEDULE_HEARING: HearingScheduleForm,
    Action.FINISH_HEARING: HearingHeldForm,
    Action.SUBMIT_FOR_DECISION: SubmitForm,
    Action.PASS_REVIEW: ReviewForm,
    Action.RETURN_REVIEW: ReviewForm,
    Action.DECIDE: DecisionForm,
    Action.DECIDE_NO_PENALTY: NoPenaltyForm,
    Action.RETURN_DECISION: ReasonForm,
    Action.SERVE_DECISION: ServiceForm,
    Action.RECORD_PAYMENT: PaymentForm,
    Action.RECORD_ENFORCEMENT: ReasonForm,
    Action.CLOSE: ActionForm,
    Action.ARCHIVE: ArchiveForm,
    Action.ON_SPOT: OnSpotForm,
    Action.TRANSFER: TransferForm,
    Action.WITHDRAW: ReasonForm,
    Action.REVOKE_DECISION: ReasonForm,
    Action.PAUSE: PauseForm,
    Action.RESUME: ActionForm,
    Action.EXTEND: ReasonForm,
}


def action_form(action: str, case: Case, data: Any = None) -> ActionForm:
    return ACTION_FORMS[action](data, case=case, prefix=None)


def factor_choices(case: Case | None) -> list[tuple[str, str]]:
    return [(code, name) for _effect, rows in factor_groups(case) for code, name in rows]


def factor_groups(case: Case | None) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The circumstances a person enters, by legal effect, heaviest first: 从重, 从轻, 减轻, 不予处罚."""
    if case is None:
        return []
    from django.utils.translation import get_language

    from discretion.selectors import factor_catalog
    from discretion.vocabulary import Effect

    lang = get_language() or "zh-hans"
    catalog = factor_catalog(case.district_id, case.item_id)
    groups = []
    for effect in (Effect.HEAVIER, Effect.LIGHTER, Effect.REDUCED, Effect.NO_PENALTY):
        rows = sorted(
            (
                (code, spec.name_for(lang))
                for code, spec in catalog.items()
                if spec.effect == effect and not spec.auto
            ),
            key=lambda row: row[1],
        )
        if rows:
            groups.append((effect.label, rows))
    return groups


class OfficersForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    officers = OfficerChoice(
        label=_("Handling officers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    lead = LeadOfficerChoice(label=_("Lead officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "officers", candidates)
        restrict_choices(self, "lead", candidates)


class DeclarationForm(BootstrapFormMixin, forms.Form):
    default_renderer = WIDGET_MARKUP
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest in this case (回避)"), required=False
    )
    note = forms.CharField(label=_("Explain the conflict"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict") and not (data.get("note") or "").strip():
            self.add_error("note", _("Explain the conflict."))
        return data
