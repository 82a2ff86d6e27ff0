"""Reading and checking authority catalog files (CSV or XLSX). No database writes here:
`services.catalog_import` applies checked rows in one transaction.

Columns (the contract): code, name_zh, name_en, kind, domain, legal_basis, description_zh, fine_min, fine_max,
holder. Optional: rule_broken, penalty_clause, penalty_kinds (separated by |), delegation_scope, and for a
fine by multiples (倍数) fine_basis (gains 违法所得 / value 货值金额), fine_multiple_min, fine_multiple_max,
fine_multiple_from (the amount of gains or value from which the multiples apply; below it fine_min /
fine_max). Any other column (an export's version, department, held_by, ...) is ignored, so an exported file
imports back unchanged.
Row numbers are spreadsheet row numbers: the header is row 1, the first item row 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enforcement.domains import Domain
from enforcement.spreadsheets import csv_rows, read_upload, xlsx_rows

from .models import CatalogHolder, GrantKind
from .penalties import FineBasis, PenaltyKind

REQUIRED_COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "kind",
    "domain",
    "legal_basis",
    "description_zh",
    "fine_min",
    "fine_max",
    "holder",
]
MULTIPLE_COLUMNS = ["fine_basis", "fine_multiple_min", "fine_multiple_max", "fine_multiple_from"]
OPTIONAL_COLUMNS = ["rule_broken", "penalty_clause", "penalty_kinds", "delegation_scope", *MULTIPLE_COLUMNS]
CONTENT_COLUMNS = [c for c in REQUIRED_COLUMNS if c != "code"] + OPTIONAL_COLUMNS
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$")
MAX_FINE = Decimal("999999999999")
MAX_MULTIPLE = Decimal("1000")
BASIS_ALIASES = {
    "": "",
    FineBasis.AMOUNT: "",
    "罚款金额": "",
    FineBasis.GAINS: FineBasis.GAINS,
    "违法所得": FineBasis.GAINS,
    FineBasis.VALUE: FineBasis.VALUE,
    "货值金额": FineBasis.VALUE,
    "违法经营额": FineBasis.VALUE,
}
TEXT_LIMITS = {"name_zh": 300, "name_en": 300}


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole (e.g. a missing column)
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        column = f" [{self.column}]" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class CatalogRow:
    row: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)  # normalised content, only the columns the file has


class CatalogFileError(Exception):
    """A file that cannot be imported; nothing of it was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # XLSX numbers: 500.0 -> "500"; never keep binary float noise in money.
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def read_table(
    source: str | Path | IO[bytes], filename: str = ""
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(row number, {column: text})]) from a CSV (UTF-8, or GB18030 as Excel saves it) or XLSX file,
    within the limits of enforcement.spreadsheets (size, unzipped size, rows), checked before parsing."""
    name = filename or (str(source) if isinstance(source, str | Path) else getattr(source, "name", ""))
    try:
        if isinstance(source, str | Path):
            with Path(source).open("rb") as handle:
                data = read_upload(handle)
        else:
            data = read_upload(source)
        if name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
            return _read_xlsx(data)
        return _read_csv(data)
    except ValidationError as exc:
        raise CatalogFileError([RowError(0, "", m) for m in exc.messages]) from exc


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise CatalogFileError(
                [RowError(0, "", _("The file is neither UTF-8 nor GB18030 text."))]
            ) from exc
    rows = list(csv_rows(text))
    if not rows:
        raise CatalogFileError([RowError(0, "", _("The file is empty."))])
    header = [h.strip().lower() for h in rows[0]]
    body = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        body.append(
            (
                number,
                {header[i]: values[i].strip() for i in range(min(len(header), len(values))) if header[i]},
            )
        )
    return header, body


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header: list[str] = []
    body = []
    try:
        for number, values in enumerate(xlsx_rows(data), start=1):
            texts = [_cell(v) for v in values]
            if number == 1:
                header = [t.lower() for t in texts]
                continue
            if not any(texts):
                continue
            body.append(
                (number, {header[i]: texts[i] for i in range(min(len(header), len(texts))) if header[i]})
            )
    except ValueError as exc:  # openpyxl could not read it (the limits raise ValidationError)
        raise CatalogFileError(
            [RowError(0, "", _("The XLSX file cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    if not header:
        raise CatalogFileError([RowError(0, "", _("The file is empty."))])
    return header, body


def parse_money(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").replace("元", "").replace("¥", "").strip()
    if not cleaned:
        return None
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


def split_penalty_kinds(text: str) -> list[str]:
    parts = re.split(r"[|,;，；、\s]+", text)
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return seen


def money_text(value: Decimal | None) -> str:
    """Canonical text for a fine, also used in content hashes: '500', '1500.5', '' (no figure)."""
    if value is None:
        return ""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_rows(
    header: list[str], body: Iterable[tuple[int, dict[str, str]]]
) -> tuple[list[CatalogRow], list[RowError]]:
    """Every row checked; all errors reported at once, each with its row number and column."""
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [
            RowError(
                0,
                ", ".join(missing),
                _("Missing column(s): %(columns)s. Required columns: %(required)s.")
                % {"columns": ", ".join(missing), "required": ",".join(REQUIRED_COLUMNS)},
            )
        ]
    present = [c for c in CONTENT_COLUMNS if c in header]
    rows: list[CatalogRow] = []
    first_row_of: dict[str, int] = {}
    kinds, domains, holders, penalties = (
        set(GrantKind.values),
        set(Domain.values),
        set(CatalogHolder.values),
        set(PenaltyKind.values),
    )
    for number, raw in body:
        row_errors: list[RowError] = []

        def bad(
            column: str, message: str, number: int = number, row_errors: list[RowError] = row_errors
        ) -> None:
            row_errors.append(RowError(number, column, message))

        code = raw.get("code", "").strip()
        if not code:
            bad("code", _("The code is empty."))
        elif not CODE_RE.match(code):
            bad(
                "code",
                _("%(code)r is not a valid code (letters, digits, '.', '-', '_', at most 40).")
                % {"code": code},
            )
        elif code in first_row_of:
            bad(
                "code",
                _("Code %(code)s already appears in row %(row)s.")
                % {"code": code, "row": first_row_of[code]},
            )
        else:
            first_row_of[code] = number
        values: dict[str, Any] = {}
        for column in present:
            values[column] = raw.get(column, "").strip()
        if not values["name_zh"]:
            bad("name_zh", _("The Chinese name is empty."))
        for column, limit in TEXT_LIMITS.items():
            if len(values.get(column, "")) > limit:
                bad(column, _("Longer than %(limit)s characters.") % {"limit": limit})
        if values["kind"] not in kinds:
            bad(
                "kind",
                _("%(value)r is not a kind; use one of: %(choices)s.")
                % {"value": values["kind"], "choices": ", ".join(GrantKind.values)},
            )
        if values["domain"] not in domains:
            bad(
                "domain",
                _("%(value)r is not a domain; use one of: %(choices)s.")
                % {"value": values["domain"], "choices": ", ".join(Domain.values)},
            )
        if values["holder"] not in holders:
            bad("holder", _("%(value)r is not a holder; use town or district.") % {"value": values["holder"]})
        fines: dict[str, Decimal | None] = {}
        for column in ("fine_min", "fine_max"):
            try:
                fines[column] = parse_money(values[column])
            except (InvalidOperation, ValueError):
                bad(column, _("%(value)r is not an amount in yuan.") % {"value": values[column]})
                continue
            amount = fines[column]
            if amount is not None and (amount < 0 or amount > MAX_FINE):
                bad(column, _("The amount must be between 0 and %(max)s yuan.") % {"max": MAX_FINE})
            values[column] = money_text(amount)
        low, high = fines.get("fine_min"), fines.get("fine_max")
        if low is not None and high is not None and high < low:
            bad(
                "fine_max",
                _("The maximum fine (%(max)s) is below the minimum (%(min)s).") % {"max": high, "min": low},
            )
        if "penalty_kinds" in values:
            listed = split_penalty_kinds(values["penalty_kinds"])
            unknown = [k for k in listed if k not in penalties]
            if unknown:
                bad(
                    "penalty_kinds",
                    _("Unknown penalty kind(s): %(kinds)s; use: %(choices)s.")
                    % {"kinds": ", ".join(unknown), "choices": ", ".join(PenaltyKind.values)},
                )
            values["penalty_kinds"] = listed
        _check_multiples(values, bad)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(CatalogRow(row=number, code=code, values=values))
    if not rows and not errors:
        errors.append(RowError(0, "", _("The file has a header but no items.")))
    return rows, errors


def _check_multiples(values: dict[str, Any], bad: Any) -> None:
    """fine_basis and the multiples: a basis needs at least one multiple, the multiples need a basis."""
    if not any(c in values for c in MULTIPLE_COLUMNS):
        return
    basis = BASIS_ALIASES.get(values.get("fine_basis", ""))
    if basis is None:
        bad(
            "fine_basis",
            _(
                "%(value)r is not a basis for multiples; use gains (违法所得) or value (货值金额), "
                "or leave it empty."
            )
            % {"value": values.get("fine_basis", "")},
        )
        return
    values["fine_basis"] = basis
    multiples: dict[str, Decimal | None] = {}
    for column in MULTIPLE_COLUMNS[1:]:
        try:
            amount = parse_money(values.get(column, ""))
        except (InvalidOperation, ValueError):
            bad(column, _("%(value)r is not a number.") % {"value": values.get(column, "")})
            return
        limit = MAX_FINE if column == "fine_multiple_from" else MAX_MULTIPLE
        if amount is not None and not 0 <= amount <= limit:
            bad(column, _("The number must be between 0 and %(max)s.") % {"max": limit})
        multiples[column] = amount
        values[column] = money_text(amount)
    low, high = multiples.get("fine_multiple_min"), multiples.get("fine_multiple_max")
    if low is not None and high is not None and high < low:
        bad("fine_multiple_max", _("The highest multiple is below the lowest."))
    if basis and low is None and high is None:
        bad("fine_multiple_max", _("A fine by multiples needs its multiples."))
    if not basis and (low is not None or high is not None):
        bad("fine_basis", _("Say what the multiples multiply: gains (违法所得) or value (货值金额)."))


def read_catalog(source: str | Path | IO[bytes], filename: str = "") -> list[CatalogRow]:
    """Read and check a file; raises CatalogFileError listing every bad row."""
    header, body = read_table(source, filename)
    rows, errors = check_rows(header, body)
    if errors:
        raise CatalogFileError(errors)
    return rows
