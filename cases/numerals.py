"""Numbers as Chinese legal documents write them: amounts in capital numerals (大写), counts of days in
words, dates as 2026年12月6日. Independent of the active language: the documents are always Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

# --- amounts in words ---------------------------------------------------------------------------------------

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_capital(group: int) -> str:
    """1..9999 in capital numerals, with one 零 for each run of inner zeros (1005: 壹仟零伍)."""
    out = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGITS[digit] + SMALL_UNITS[position]
    return out


def _integer_capital(number: int) -> str:
    if number == 0:
        return "零"
    groups: list[int] = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    out = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out += "零"
        out += _group_capital(group) + GROUP_UNITS[index]
        pending_zero = group % 10 == 0
    return out


def yuan_in_capitals(amount: Decimal | int | str) -> str:
    """An amount of yuan in Chinese capital numerals (大写), as on a bank slip or a decision.

    1234.50 → 壹仟贰佰叁拾肆元伍角整; 1005 → 壹仟零伍元整; 200 → 贰佰元整; 0.05 → 伍分;
    16409.02 → 壹万陆仟肆佰零玖元零贰分.
    整 follows 元 or 角, never 分 (人民银行《正确填写票据和结算凭证的基本规定》)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("negative amount")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    out = _integer_capital(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out


LOWER_DIGITS = "〇一二三四五六七八九"


def chinese_count(number: int) -> str:
    """A small count in ordinary Chinese numerals, as laws write periods: 5 → 五, 15 → 十五, 60 → 六十."""
    if not 0 <= number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return LOWER_DIGITS[ones]
    return ("" if tens == 1 else LOWER_DIGITS[tens]) + "十" + (LOWER_DIGITS[ones] if ones else "")


def yuan_figures(amount: Decimal | None) -> str:
    """1234.5 → 1,234.50 (no unit; the templates say 元)."""
    if amount is None:
        return ""
    return f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def document_amount(amount: Decimal | int | str) -> str:
    """An amount as a formal document writes it: 人民币5,000.00元（大写：伍仟元整）."""
    return f"人民币{yuan_figures(Decimal(str(amount)))}元（大写：{yuan_in_capitals(amount)}）"


def chinese_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"
