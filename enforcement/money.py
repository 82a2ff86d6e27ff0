"""One way to write an amount of money on every page, list, message and API display string: figures with
thousands separators, the fen only when there are any ("5,000", "1,234.50"), then 元 / yuan: "5,000元",
"2,000–3,500元" (English: "5,000 yuan", "2,000–3,500 yuan"). Formal documents write the same figures with
both decimals and the amount in capitals beside them ("人民币5,000.00元（大写：伍仟元整）",
cases.numerals.document_amount), as a decision or a bank slip does. Amounts are Decimal yuan, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def figures(amount: Decimal | int | str | None) -> str:
    """5000 → 5,000; 1234.5 → 1,234.50; None → —."""
    if amount is None or amount == "":
        return "—"
    text = f"{Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return text[:-3] if text.endswith(".00") else text


def yuan(amount: Decimal | int | str | None) -> str:
    """5,000元 / 5,000 yuan; "—" when there is no amount."""
    if amount is None or amount == "":
        return "—"
    return _("%(amount)s yuan") % {"amount": figures(amount)}


def yuan_range(low: Decimal | int | str | None, high: Decimal | int | str | None) -> str:
    """2,000–3,500元; "up to 500元" or "from 50元" when one end is open; "—" with neither."""
    if low is not None and high is not None:
        return _("%(low)s–%(high)s yuan") % {"low": figures(low), "high": figures(high)}
    if high is not None:
        return _("up to %(high)s yuan") % {"high": figures(high)}
    if low is not None:
        return _("from %(low)s yuan") % {"low": figures(low)}
    return "—"
