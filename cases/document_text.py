"""The sentences the enforcement documents are made of, built from the case: the facts found
(认定的违法事实), the evidence list, the legal basis, the discretion paragraph of a decision and the organ the
documents are issued by.

Always Chinese (the documents are legal instruments served on the party), whatever the user's language.
"""

from __future__ import annotations

from typing import Any

from authority.models import GrantKind
from discretion.vocabulary import LEVEL_ALIASES
from enforcement.models import Unit

from .models import Case, Evidence
from .numerals import chinese_date, yuan_figures

SENTENCE_ENDS = "。！？；.!?;"
EVIDENCE_NAMES: dict[str, str] = {
    "photo": "现场照片",
    "video": "视听资料（视频）",
    "audio": "视听资料（录音）",
    "pdf": "书证",
    "record": "笔录",
}
TIER_WORDS: dict[str, str] = {level: word for word, level in LEVEL_ALIASES.items() if word != "较轻"}


def sentence(text: str) -> str:
    """One or more sentences as typed, trimmed, ending with a full stop (a clause without one gets 。)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    if text[-1] in SENTENCE_ENDS:
        return text[:-1] + "。" if text[-1] in ".;；" else text
    return text + "。"


def findings_draft(case: Case) -> str:
    """A draft of the facts found for the officer to edit: who, when, where, what; the place once only."""
    description = " ".join((case.description or "").split()).rstrip("。.；; ")
    # "当事人肖磊驾驶……" already names the party: do not put the name in front of it again.
    who = "" if case.party_name and case.party_name in description[:40] else (case.party_name or "当事人")
    when = chinese_date(case.act_on)
    if case.act_continuing and case.act_ended_on:
        when = f"{when}至{chinese_date(case.act_ended_on)}"
    place = case.place.strip()
    where = f"在{place}" if place and place not in description else ""
    head = f"{who}于{when}{where}" if who else f"{when}{where}"
    return sentence(f"{head}，{description}" if description else head)


def findings_text(case: Case) -> str:
    """The facts found as the documents state them: the recorded findings, else the draft from the lead."""
    return sentence(case.findings) or findings_draft(case)


def evidence_line(evidence: Evidence) -> str:
    """ "现场照片：门前占道（2026年11月3日）", with the label once even when the caption starts with it."""
    name = EVIDENCE_NAMES.get(evidence.kind, evidence.kind)
    caption = " ".join((evidence.caption or "").split()).rstrip("。.；;")
    for prefix in (name, name.split("（")[0], "现场照片", "照片"):
        caption = caption.removeprefix(prefix + "：").removeprefix(prefix + ":").strip()
    line = f"{name}：{caption}" if caption and caption != name else name
    taken = chinese_date(evidence.taken_at)
    return f"{line}（{taken}拍摄）" if taken and evidence.kind in ("photo", "video") else line


def evidence_lines(case: Case) -> list[str]:
    return [evidence_line(e) for e in case.evidence.order_by("uploaded_at", "pk")]


def acting_unit(case: Case) -> Unit | None:
    """The unit the case is decided in the name of: the delegating department, or the town."""
    if case.grant_kind == GrantKind.DELEGATED and case.item is not None:
        from authority.selectors import who_enforces

        unit = who_enforces(case.item, case.town, case.act_on).acting_unit
        if unit is not None:
            return unit
    return case.town


def organ_name(case: Case) -> str:
    """The organ's legal name for the header and the seal (arts 20-21: a delegated item, the delegator's)."""
    if case.acting_name and case.acting_name != case.town.name_zh:
        return case.acting_name  # recorded at filing: the town's legal name, or the delegating department's
    return case.town.organ_name


def payment_account(case: Case) -> str:
    unit = acting_unit(case)
    return (unit.payment_account if unit else "") or case.town.payment_account


def factor_names(case: Case) -> list[str]:
    from discretion.selectors import factor_catalog

    catalog = factor_catalog(case.district_id, case.item_id)
    codes = case.facts.get("factors") or []
    return [catalog[code].name_zh if code in catalog else code for code in codes]


def discretion_text(case: Case, fine: Any) -> str:
    """The decision's reasons for the amount: the benchmark tier and its range, the circumstances found,
    and the recorded reason where the penalty departs from the tier (art 34)."""
    record = case.recommendation or {}
    tier = TIER_WORDS.get(str(record.get("tier") or case.tier), "")
    parts = []
    factors = factor_names(case)
    if factors:
        parts.append(f"本案存在{'、'.join(factors)}的情节")
    if tier:
        low, high = record.get("fine_min"), record.get("fine_max")
        band = (
            f"（罚款{yuan_figures(_decimal(low))}元至{yuan_figures(_decimal(high))}元）"
            if low is not None and high is not None
            else ""
        )
        parts.append(f"依照本机关行政处罚裁量基准，本案违法情节属于“{tier}”裁量档次{band}")
    text = "，".join(parts)
    text = sentence(text) if text else ""
    reason = sentence(case.deviation_reason)
    if reason:
        text += f"裁量理由：{reason}"
    elif text and fine is not None:
        text += "本机关在该档次内确定罚款数额。"
    return text


def _decimal(value: Any) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
