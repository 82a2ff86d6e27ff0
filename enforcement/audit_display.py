"""The audit trail as people read it: each row as a sentence with a link to its object, and what changed as
labelled values (the field's verbose name, a choice's label, 是/否 for a boolean; no Python repr, no None).

Rows store `before`/`after` as the writer gave them: a dict of field names (most), a bare value (a stage) or
a list. A key that is a field of the row's model takes that field's verbose name and choice labels; other keys
(note, reason, ...) take a label from AD_HOC_LABELS; anything else is shown humanised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit_catalog import audit_object_kind, audit_sentence, catalog_name
from .models import AuditEvent

# Keys writers put in before/after that are not fields of the object's model.
AD_HOC_LABELS: dict[str, Any] = {
    "note": _("Note"),
    "reason": _("Reason"),
    "comment": _("Comment"),
    "rating": _("Rating"),
    "status": _("Status"),
    "stage": _("Stage"),
    "case": _("Case"),
    "case_ref": _("Case number"),
    "lead": _("Lead officer"),
    "officers": _("Officers"),
    "conflict": _("Conflict of interest"),
    "count": _("Count"),
    "ids": _("Records"),
    "department": _("Department"),
    "photos": _("Photos"),
    "assignment": _("Assignment"),
    "return": _("Return"),
    "sha256": _("SHA-256"),
    "intact": _("Intact"),
    "name": _("Name"),
    "content_type": _("File type"),
    "unpublished_on": _("Unpublished on"),
    "step": _("Step"),
    "level": _("Level"),
    "due": _("Due"),
    "cycle": _("Round"),
    "match_status": _("Matching"),
    "rights_waived": _("Rights waived"),
    "": _("Value"),
}
MAX_TEXT = 300
MAX_LIST = 12


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    had_before: bool


@dataclass(frozen=True)
class AuditEntry:
    event: AuditEvent
    sentence: str  # plain text (exports)
    sentence_html: SafeString  # the object as a link, when it has a page
    action_name: str
    kind_label: str
    changes: list[Change]
    object_filter: str  # "type:id" for "this object's entries"


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _own_field(model: type[models.Model], key: str) -> models.Field[Any, Any] | None:
    field: object
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        field = next((f for f in model._meta.concrete_fields if f.attname == key), None)
    return field if isinstance(field, models.Field) else None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    """The field `key` of the row's model, else of another model of the same app (a row about a plan may
    record the fields of the entry it added)."""
    if model is None or not key:
        return None
    field = _own_field(model, key)
    if field is not None:
        return field
    for other in model._meta.app_config.get_models():
        if other is not model and (found := _own_field(other, key)) is not None:
            return found
    return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None and field.verbose_name:
        label = str(field.verbose_name)
        return label[:1].upper() + label[1:]
    if key in AD_HOC_LABELS:
        return str(AD_HOC_LABELS[key])
    return key.replace("_", " ").capitalize()


def _choice_label(field: models.Field[Any, Any] | None, key: str, value: Any) -> str | None:
    if field is not None and field.choices:
        for choice, label in field.flatchoices:
            if str(choice) == str(value):
                return str(label)
    return None


Names = dict[tuple[type[models.Model], str], str]  # (related model, pk as text) -> its name


def display_value(value: Any, field: models.Field[Any, Any] | None = None, names: Names | None = None) -> str:
    """A stored JSON value as a person reads it (a reference by its object's name, when `names` has it)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choice = _choice_label(field, "", value)
    if choice is not None:
        return choice
    if isinstance(value, list):
        shown = [display_value(v, field, names) for v in value[:MAX_LIST]]
        more = len(value) - MAX_LIST
        text = "、".join(shown) if shown else "—"
        return text + (gettext(" and %(n)s more") % {"n": more} if more > 0 else "")
    if isinstance(value, dict):
        parts = [
            f"{field_label(None, str(k))}: {display_value(v)}" for k, v in list(value.items())[:MAX_LIST]
        ]
        return "; ".join(parts) or "—"
    if isinstance(field, models.ForeignKey | models.ManyToManyField):
        name = (names or {}).get((field.related_model, str(value)))
        return name if name is not None else f"#{value}"
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None and moment.tzinfo is not None:
            return date_format(localtime(moment), "Y-m-d H:i")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return day.isoformat()
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    return str(value)


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"": value}


def _references(event: AuditEvent) -> Iterator[tuple[type[models.Model], str]]:
    model = _model(event.object_type)
    for side in (_as_dict(event.before), _as_dict(event.after)):
        for key, value in side.items():
            field = _field(model, key)
            if isinstance(field, models.ForeignKey | models.ManyToManyField) and value not in (None, ""):
                for one in value if isinstance(value, list) else [value]:
                    if isinstance(one, int | str):
                        yield field.related_model, str(one)


def reference_names(events: list[AuditEvent]) -> Names:
    """The names of the objects a page of rows refers to by id: one query per kind of object referred to."""
    wanted: dict[type[models.Model], set[str]] = {}
    for event in events:
        for model, pk in _references(event):
            wanted.setdefault(model, set()).add(pk)
    names: Names = {}
    for model, pks in wanted.items():
        ids = [pk for pk in pks if pk.isdigit()][:500]
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, str(obj.pk))] = str(obj)
    return names


def changes_of(event: AuditEvent, names: Names | None = None) -> list[Change]:
    model = _model(event.object_type)
    before, after = _as_dict(event.before), _as_dict(event.after)
    keys = list(after) + [k for k in before if k not in after]
    rows = []
    for key in keys:
        if key not in before and after.get(key) in (None, "", [], {}):
            continue  # nothing was set: no line to read
        field = _field(model, key) if key else _field(model, "stage") or _field(model, "status")
        rows.append(
            Change(
                label=field_label(model, key),
                before=display_value(before.get(key), field, names),
                after=display_value(after.get(key), field, names) if key in after else "—",
                had_before=key in before,
            )
        )
    return rows


def object_link(event: AuditEvent) -> str | None:
    """The address that opens the row's object (through the audit page's redirect, which finds its page)."""
    kind = audit_object_kind(event.object_type)
    if kind is None or kind.url is None or not event.object_id:
        return None
    return reverse("audit-object", args=[event.object_type, event.object_id])


def audit_entries(events: list[AuditEvent]) -> list[AuditEntry]:
    names = reference_names(events)
    return [audit_entry(event, names) for event in events]


def audit_entry(event: AuditEvent, names: Names | None = None) -> AuditEntry:
    kind = audit_object_kind(event.object_type)
    kind_label = str(kind.label) if kind else ""
    sentence = audit_sentence(event)
    obj = event.object_repr or (f"#{event.object_id}" if event.object_id else "")
    link = object_link(event)
    if obj and link and obj in sentence:
        head, _sep, tail = sentence.partition(obj)
        html = format_html('{}<a href="{}">{}</a>{}', head, link, obj, tail)
    else:
        html = format_html("{}", sentence)
    return AuditEntry(
        event=event,
        sentence=sentence,
        sentence_html=html,
        action_name=catalog_name(event.action),
        kind_label=kind_label,
        changes=changes_of(event, names),
        object_filter=f"{event.object_type}:{event.object_id}" if event.object_id else "",
    )


def export_row(entry: AuditEntry) -> list[Any]:
    event = entry.event
    changes = "; ".join(
        f"{c.label}: {c.before} → {c.after}" if c.had_before else f"{c.label}: {c.after}"
        for c in entry.changes
    )
    return [
        event.seq or "",
        date_format(localtime(event.at), "Y-m-d H:i:s"),
        str(event.actor) if event.actor is not None else event.actor_label,
        str(event.unit) if event.unit is not None else "",
        str(event.town) if event.town is not None else "",
        entry.sentence,
        entry.kind_label,
        event.object_repr,
        event.object_id,
        changes,
        event.summary,
        entry.action_name,
        event.hash or "",
    ]


def export_header() -> list[str]:
    return [
        gettext("Sequence"),
        gettext("Time"),
        gettext("Actor"),
        gettext("Unit"),
        gettext("Town"),
        gettext("Entry"),
        gettext("Object type"),
        gettext("Object"),
        gettext("Object id"),
        gettext("Changes"),
        gettext("Summary"),
        gettext("Action"),
        gettext("Hash"),
    ]


def day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
