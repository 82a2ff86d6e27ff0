"""Benchmark tables as files: CSV or XLSX, one row per tier (and one per list row), the header repeated per
row.

Columns (the first row names them; the Chinese names are accepted too):

    item_code 事项编码 · item_name 事项名称 (ignored on import) · version 版本 (export only) · status 状态
    (export only) scale 档次制 (four / three) · valid_from 施行日期 · document_number 发布文号 ·
    document_title 发布文件 · document_date 文件日期 · basis 依据 · level 档次 (minor normal serious grave
    lighter heavier, or a list:
    no_penalty first_violation lighter_list reduced_list; Chinese 轻微 一般 较重 严重 从轻 从重 不予处罚 首违
    不罚从轻处罚 减轻处罚) · conditions_text 情形 · conditions 结构化条件 (e.g. `area_m2 > 10;
    refused_correct`) · match 条件关系 (all / any) · penalty_kinds 处罚种类 (codes or Chinese, separated by |
    , 、) · fine_min 罚款下限 · fine_max 罚款上限 · required_factors 必备情节 (list rows) · measures 替代措施
    · legal_basis 法律依据 · multiple_min 倍数下限 · multiple_max 倍数上限 (a tier of an item fined by
    multiples of the gains or the value)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from authority.penalties import DOCUMENT_NAMES, PenaltyKind
from enforcement.spreadsheets import check_upload_size, csv_bytes, csv_rows, xlsx_append, xlsx_rows

from .conditions import ConditionError, conditions_from_json, format_conditions, parse_conditions
from .models import Benchmark
from .specs import EntrySpec, TierSpec
from .vocabulary import LEVEL_ALIASES, LIST_ALIASES, FactorSpec, Level, ListKind, Scale

COLUMNS: list[tuple[str, str]] = [
    ("item_code", "事项编码"),
    ("item_name", "事项名称"),
    ("version", "版本"),
    ("status", "状态"),
    ("scale", "档次制"),
    ("valid_from", "施行日期"),
    ("document_number", "发布文号"),
    ("document_title", "发布文件"),
    ("document_date", "文件日期"),
    ("basis", "依据"),
    ("level", "档次"),
    ("conditions_text", "情形"),
    ("conditions", "结构化条件"),
    ("match", "条件关系"),
    ("penalty_kinds", "处罚种类"),
    ("fine_min", "罚款下限"),
    ("fine_max", "罚款上限"),
    ("required_factors", "必备情节"),
    ("measures", "替代措施"),
    ("legal_basis", "法律依据"),
    ("multiple_min", "倍数下限"),
    ("multiple_max", "倍数上限"),
]
KEYS = [k for k, _zh in COLUMNS]
HEADER_ALIASES = {zh: k for k, zh in COLUMNS} | {k: k for k in KEYS}
HEADER_FIELDS = ("scale", "valid_from", "document_number", "document_title", "document_date", "basis")
# List rows in the level column: their own words, so "lighter" (a tier) and the lighter-penalty list do not
# clash.
LIST_LEVELS = {
    "no_penalty": ListKind.NO_PENALTY,
    "first_violation": ListKind.FIRST_VIOLATION,
    "lighter_list": ListKind.LIGHTER,
    "reduced_list": ListKind.REDUCED,
}
LIST_EXPORT: dict[str, str] = {v: k for k, v in LIST_LEVELS.items()}
SCALE_ALIASES = {
    "four": Scale.FOUR,
    "4": Scale.FOUR,
    "四档": Scale.FOUR,
    "three": Scale.THREE,
    "3": Scale.THREE,
    "三档": Scale.THREE,
}
_SPLIT = re.compile(r"[|,，、;；/\s]+")


def _kind_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for kind in PenaltyKind:
        aliases[kind.value] = kind.value
        label = str(kind.label)
        inside = re.search(r"\((.*?)\)", label)
        if inside:
            aliases[inside.group(1)] = kind.value
            for part in inside.group(1).split("/"):
                aliases.setdefault(part, kind.value)
    aliases.update({name: kind for kind, name in DOCUMENT_NAMES.items()})
    aliases.update(
        {
            "暂扣": "suspend_permit",
            "暂扣许可证": "suspend_permit",
            "降低资质": "lower_qualification",
            "吊销": "revoke_permit",
            "吊销许可证": "revoke_permit",
            "停产停业": "suspend_business",
            "责令停业": "suspend_business",
            "关闭": "order_closure",
            "拆除": "demolish",
            "没收": "confiscate_property",
        }
    )
    return aliases


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ItemTable:
    """The rows of one item in a file, parsed."""

    item: EnforcementItem
    header: dict[str, Any]
    tiers: list[TierSpec] = field(default_factory=list)
    tier_rows: list[int] = field(default_factory=list)
    entries: list[EntrySpec] = field(default_factory=list)
    entry_rows: list[int] = field(default_factory=list)
    first_row: int = 0
    version: str = ""


# --- reading ------------------------------------------------------------------------------------------------


def _header_key(cell: Any) -> str | None:
    text = str(cell or "").strip().lstrip("\ufeff")
    if text in HEADER_ALIASES:
        return HEADER_ALIASES[text]
    for token in re.split(r"[\s（）()]+", text):
        if token in HEADER_ALIASES:
            return HEADER_ALIASES[token]
    return None


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {key: text}) for each non-empty data row. Raises ValueError for an unreadable file, or one
    beyond the limits of enforcement.spreadsheets (size, unzipped size, rows: checked before parsing)."""
    try:
        return _read_table(content, filename)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc


def _read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    check_upload_size(len(content))
    if filename.lower().endswith(".xlsx"):
        try:
            raw_rows = [[("" if c is None else c) for c in row] for row in xlsx_rows(content)]
        except ValueError as exc:  # openpyxl raises many kinds for a damaged file
            raise ValueError(_("The file is not a readable XLSX workbook.")) from exc
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("The CSV file is neither UTF-8 nor GB18030 text."))
        raw_rows = list(csv_rows(text))
    if not raw_rows:
        raise ValueError(_("The file is empty."))
    keys = [_header_key(c) for c in raw_rows[0]]
    if "item_code" not in keys or "level" not in keys:
        raise ValueError(
            _("The first row must name the columns; item_code (事项编码) and level (档次) are required.")
        )
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        values: dict[str, str] = {}
        for key, cell in zip(keys, raw, strict=False):
            if key is None:
                continue
            if isinstance(cell, dt.datetime):
                cell = cell.date()
            if isinstance(cell, float) and cell.is_integer():
                cell = int(cell)
            values[key] = str(cell).strip() if cell is not None else ""
        if any(values.values()):
            rows.append((number, values))
    return rows


def _decimal(text: str, row: int, errors: list[RowError], label: str) -> Decimal | None:
    text = (text or "").replace(",", "").replace("元", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(
            RowError(row, _("%(label)s %(value)r is not an amount.") % {"label": label, "value": text})
        )
        return None
    if not value.is_finite():
        errors.append(
            RowError(row, _("%(label)s %(value)r is not an amount.") % {"label": label, "value": text})
        )
        return None
    return value.quantize(Decimal("0.01"))


def _date(text: str, row: int, errors: list[RowError], label: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    text = text.split(" ")[0].replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        text = f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(
            RowError(
                row, _("%(label)s %(value)r is not a date (YYYY-MM-DD).") % {"label": label, "value": text}
            )
        )
        return None


def _codes(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text or "") if p]


def parse_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    items: Mapping[str, EnforcementItem],
    catalogs: Mapping[int, Mapping[str, FactorSpec]],
) -> tuple[list[ItemTable], list[RowError]]:
    """Group rows by item and parse them into tiers and list rows; collect every error with its row number."""
    errors: list[RowError] = []
    tables: dict[str, ItemTable] = {}
    kinds = _kind_aliases()
    for number, values in rows:
        code = values.get("item_code", "").strip()
        if not code:
            errors.append(RowError(number, _("item_code is empty.")))
            continue
        item = items.get(code)
        if item is None:
            errors.append(
                RowError(number, _("No item %(code)s in this district's catalog.") % {"code": code})
            )
            continue
        catalog = catalogs[item.pk]
        header_errors: list[RowError] = []
        scale_text = values.get("scale", "").strip().lower()
        header = {
            "scale": SCALE_ALIASES.get(scale_text, scale_text) if scale_text else "",
            "valid_from": _date(values.get("valid_from", ""), number, header_errors, "valid_from"),
            "document_number": values.get("document_number", "").strip(),
            "document_title": values.get("document_title", "").strip(),
            "document_date": _date(values.get("document_date", ""), number, header_errors, "document_date"),
            "basis": values.get("basis", "").strip(),
        }
        errors += header_errors
        if header["scale"] and header["scale"] not in Scale.values:
            errors.append(
                RowError(number, _("scale must be four or three, not %(value)r.") % {"value": scale_text})
            )
        version = values.get("version", "").strip()
        table = tables.get(code)
        if table is None:
            table = tables[code] = ItemTable(item=item, header=header, first_row=number, version=version)
        else:
            if version and table.version and version != table.version:
                errors.append(
                    RowError(
                        number,
                        _(
                            "%(code)s appears in two versions (%(a)s on row %(first)s, %(b)s "
                            "here); a file carries one version per item."
                        )
                        % {"code": code, "a": table.version, "b": version, "first": table.first_row},
                    )
                )
                continue
            differing = [
                key
                for key in HEADER_FIELDS
                if header[key] and table.header[key] and header[key] != table.header[key]
            ]
            if differing:
                errors.append(
                    RowError(
                        number,
                        _(
                            "%(fields)s differ from row %(first)s of the same item; repeat the "
                            "same header on every row."
                        )
                        % {"fields": ", ".join(differing), "first": table.first_row},
                    )
                )
            for key in HEADER_FIELDS:
                if header[key] and not table.header[key]:
                    table.header[key] = header[key]
        level_text = values.get("level", "").strip()
        level_key = level_text.lower()
        match = (values.get("match", "") or "all").strip().lower()
        match = {"全部": "all", "任一": "any", "任意": "any"}.get(match, match)
        try:
            conditions = tuple(parse_conditions(values.get("conditions", ""), catalog))
        except ConditionError as exc:
            errors.append(RowError(number, str(exc)))
            conditions = ()
        list_kind = LIST_LEVELS.get(level_key) or LIST_ALIASES.get(level_text)
        if list_kind:
            table.entries.append(
                EntrySpec(
                    kind=list_kind,
                    conditions_text=values.get("conditions_text", ""),
                    conditions=conditions,
                    match=match,
                    required_factors=tuple(_codes(values.get("required_factors", ""))),
                    measures=values.get("measures", ""),
                    legal_basis=values.get("legal_basis", ""),
                )
            )
            table.entry_rows.append(number)
            continue
        level = level_key if level_key in Level.values else LEVEL_ALIASES.get(level_text)
        if level is None:
            errors.append(
                RowError(number, _("level %(value)r is neither a tier nor a list.") % {"value": level_text})
            )
            continue
        penalty: list[str] = []
        for word in _codes(values.get("penalty_kinds", "")):
            kind = kinds.get(word) or kinds.get(word.lower())
            if kind is None:
                errors.append(RowError(number, _("Unknown penalty kind %(value)r.") % {"value": word}))
            elif kind not in penalty:
                penalty.append(kind)
        table.tiers.append(
            TierSpec(
                level=level,
                conditions_text=values.get("conditions_text", ""),
                conditions=conditions,
                match=match,
                penalty_kinds=tuple(penalty),
                fine_min=_decimal(values.get("fine_min", ""), number, errors, "fine_min"),
                fine_max=_decimal(values.get("fine_max", ""), number, errors, "fine_max"),
                multiple_min=_decimal(values.get("multiple_min", ""), number, errors, "multiple_min"),
                multiple_max=_decimal(values.get("multiple_max", ""), number, errors, "multiple_max"),
            )
        )
        table.tier_rows.append(number)
    for table in tables.values():
        if not table.header["scale"]:
            levels = {t.level for t in table.tiers}
            table.header["scale"] = Scale.THREE if levels & {Level.LIGHTER, Level.HEAVIER} else Scale.FOUR
    return list(tables.values()), errors


# --- writing ------------------------------------------------------------------------------------------------


def export_rows(benchmarks: Iterable[Benchmark]) -> list[list[Any]]:
    """Header row then one row per tier and per list row, for the given (prefetched) versions."""
    rows: list[list[Any]] = [KEYS]
    for benchmark in benchmarks:
        item = benchmark.item
        head = [
            item.code,
            item.name_zh,
            benchmark.version,
            benchmark.status,
            benchmark.scale,
            benchmark.valid_from.isoformat() if benchmark.valid_from else "",
            benchmark.document_number,
            benchmark.document_title,
            benchmark.document_date.isoformat() if benchmark.document_date else "",
            benchmark.basis,
        ]
        for tier in benchmark.tiers.all():
            rows.append(
                head
                + [
                    tier.level,
                    tier.conditions_text,
                    format_conditions(conditions_from_json(tier.conditions)),
                    tier.match,
                    "|".join(tier.penalty_kinds or []),
                    "" if tier.fine_min is None else str(tier.fine_min),
                    "" if tier.fine_max is None else str(tier.fine_max),
                    "",
                    "",
                    "",
                    "" if tier.multiple_min is None else str(tier.multiple_min),
                    "" if tier.multiple_max is None else str(tier.multiple_max),
                ]
            )
        for entry in benchmark.entries.all():
            rows.append(
                head
                + [
                    LIST_EXPORT.get(entry.kind, entry.kind),
                    entry.conditions_text,
                    format_conditions(conditions_from_json(entry.conditions)),
                    entry.match,
                    "",
                    "",
                    "",
                    "|".join(entry.required_factors or []),
                    entry.measures,
                    entry.legal_basis,
                    "",
                    "",
                ]
            )
    return rows


def to_csv(rows: list[list[Any]]) -> bytes:
    return csv_bytes(rows)  # with a BOM for Excel; text that looks like a formula is marked as text


def to_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "benchmarks"
    for row in rows:
        xlsx_append(sheet, row)  # text that looks like a formula stays text
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQRST",
        (12, 40, 6, 10, 7, 11, 22, 30, 11, 20, 10, 50, 30, 6, 24, 10, 10, 30, 20, 30),
        strict=False,
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(benchmarks: list[Benchmark], fmt: str) -> HttpResponse:
    rows = export_rows(benchmarks)
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benchmarks-{stamp}.{fmt}"'
    return response
