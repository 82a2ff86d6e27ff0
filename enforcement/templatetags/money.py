"""`{{ amount|yuan }}` → 5,000元 and `{{ low|yuan_range:high }}` → 2,000–3,500元: the one money format
of the pages (enforcement.money)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from enforcement import money

register = template.Library()


@register.filter
def yuan(amount: Decimal | int | str | None) -> str:
    return money.yuan(amount)


@register.filter
def yuan_range(low: Decimal | int | str | None, high: Decimal | int | str | None) -> str:
    return money.yuan_range(low, high)
