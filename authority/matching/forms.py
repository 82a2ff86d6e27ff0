from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authority.models import LexiconEntry, MatchRule
from enforcement.forms import restrict_choices
from enforcement.models import Unit

from .api.serializers import MAX_TEXT


class TryForm(forms.Form):
    """The try-it box and the as-you-type partial: a description, a town of the user's district and a date."""

    text = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "class": "form-control",
                "placeholder": _("e.g. 楼下烧烤摊天天占道经营，油烟很大 / someone is blocking the fire exit"),
            }
        ),
    )
    town = forms.ModelChoiceField(
        label=_("Town"),
        queryset=Unit.objects.none(),
        required=True,
        widget=forms.Select(attrs={"class": "form-select"}),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose a town of your district.")},
    )
    date = forms.DateField(
        label=_("Date of the conduct"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages={"invalid": _("Enter a valid date.")},
    )

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", towns)

    def clean_date(self) -> Any:
        return self.cleaned_data.get("date") or timezone.localdate()


class RuleForm(forms.ModelForm):
    class Meta:
        model = MatchRule
        fields = ["kind", "pattern", "weight", "note"]
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select"}),
            "pattern": forms.TextInput(attrs={"class": "form-control"}),
            "weight": forms.NumberInput(
                attrs={"class": "form-control", "step": "0.1", "min": "0.1", "max": "5"}
            ),
            "note": forms.TextInput(attrs={"class": "form-control"}),
        }
        help_texts = {
            "pattern": _(
                "Keyword: a word that points to this item (电瓶车, fire exit). Phrase: words that must all "
                "appear, joined by + (充电+楼道). Regular expression: on the normalised text. Excluding "
                "word: when it appears, this item is not proposed."
            ),
            "weight": _("1 is a strong hint on its own; 0.3 to 0.6 a supporting one."),
        }


class LexiconForm(forms.ModelForm):
    class Meta:
        model = LexiconEntry
        fields = ["term", "canonical", "lang", "note"]
        widgets = {
            "term": forms.TextInput(attrs={"class": "form-control"}),
            "canonical": forms.TextInput(attrs={"class": "form-control"}),
            "lang": forms.Select(
                choices=[
                    ("zh", "中文 zh"),
                    ("en", "English en"),
                    ("de", "Deutsch de"),
                    ("fr", "Français fr"),
                    ("es", "Español es"),
                    ("ar", "العربية ar"),
                    ("ko", "한국어 ko"),
                    ("ja", "日本語 ja"),
                ],
                attrs={"class": "form-select"},
            ),
            "note": forms.TextInput(attrs={"class": "form-control"}),
        }
        help_texts = {
            "term": _("What people say: 电瓶车, 摆地摊, street vendor."),
            "canonical": _(
                "The legal wording it stands for, as the catalog says it; several separated by | "
                "(电动自行车|非机动车). "
                "A single - means the word stands for nothing and hides the words inside it "
                "(吵架 is not 吵). "
                "~ means the text is about no item (praise, debts, family matters), ~service a question "
                "about services, ~polite thanks; ~|工资 makes the word the conduct of an item whose name or "
                "description says 工资, and about no item where none does. ?路边 marks a place, time or "
                "people: it supports an item the conduct points to but never finds one alone."
            ),
        }


class AskForm(forms.Form):
    """The public question "who enforces this?" in one's own words: what happened, in which town, when."""

    q = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. 夜市摆摊 / someone is burning rubbish")}
        ),
    )
    town = forms.ModelChoiceField(
        label=_("Town"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose a town of this district.")},
    )
    on = forms.DateField(
        label=_("Date of the act"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", towns)
