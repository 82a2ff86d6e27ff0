"""The period a dashboard shows: the last month and how many months (the page's form and the API's query)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement import clock

from .selectors import Period

MONTH_CHOICES = [(3, _("3 months")), (6, _("6 months")), (12, _("12 months"))]
DEFAULT_MONTHS = 6


class PeriodForm(forms.Form):
    end = forms.CharField(
        label=_("Last month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    months = forms.TypedChoiceField(
        label=_("Months"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_end(self) -> dt.date | None:
        text = (self.cleaned_data.get("end") or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11."))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def period(self) -> Period:
        """The period asked for; the default (the last six months to this one) for what is not valid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or clock.today()
        return Period.ending(end, data.get("months") or DEFAULT_MONTHS)
