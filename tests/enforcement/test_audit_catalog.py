"""One catalog of audit action names (enforcement.audit_catalog), each shown as a sentence in the user's
language.

Every `audit_record` call in the code names a catalogued action (read from the source, so a path no test
exercises is covered too); the writer refuses any other name; rows written before the catalog keep their
stored (hashed) name and are shown, and found, under the catalog's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from cases.workflow import Action as CaseAction
from enforcement.audit import audit_record, audit_verify
from enforcement.audit_catalog import (
    NAME,
    UnknownAuditAction,
    audit_actions,
    catalog_name,
    require_audit_action,
)
from enforcement.models import AuditEvent
from whistles.workflow import Action as WhistleAction
from whistles.workflow import AlertLevel

ROOT = Path(settings.BASE_DIR)


def _project_apps() -> list[Path]:
    """Every installed app that is part of this project (the domain apps, the core, the demo seeders, and any
    app added later), not Django's or a library's."""
    return sorted(Path(config.path) for config in apps.get_app_configs() if Path(config.path).parent == ROOT)


def _audited_names() -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """(literal names, f-string prefixes, calls whose name cannot be read), each with where it is written."""
    literal: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    unreadable: list[str] = []

    def name_of(node: ast.expr, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            literal.setdefault(node.value, []).append(where)
        elif isinstance(node, ast.IfExp):
            name_of(node.body, where)
            name_of(node.orelse, where)
        elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
            prefixes.setdefault(str(node.values[0].value), []).append(where)
        else:
            unreadable.append(where)

    for app in _project_apps():
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called != "audit_record":
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                if action is None:
                    unreadable.append(where)
                else:
                    name_of(action, where)
    return literal, prefixes, unreadable


def test_every_audited_call_in_the_code_names_a_catalog_action():
    literal, prefixes, unreadable = _audited_names()
    assert len(literal) > 80, "the scan found too few audit_record calls"
    names = {a.name for a in audit_actions()}
    assert not unreadable, f"audit_record without a readable action name: {unreadable}"
    missing = {name: where for name, where in literal.items() if name not in names}
    assert not missing, f"not in the catalog (declare them in the app's audit_actions.py): {missing}"
    for prefix, where in prefixes.items():
        assert any(n.startswith(prefix) for n in names), f"no catalog action starts with {prefix!r} ({where})"


def test_the_names_built_from_workflow_steps_are_all_catalogued():
    names = {a.name for a in audit_actions()}
    built = (
        [f"cases.case.{a.value}" for a in CaseAction]
        + [f"whistles.assignment.{a.value}" for a in WhistleAction]
        + [f"whistles.assignment.{level.value}" for level in AlertLevel]
    )
    assert not [n for n in built if n not in names]


def test_every_catalog_action_is_written_somewhere():
    literal, prefixes, _unreadable = _audited_names()
    unused = [
        a.name
        for a in audit_actions()
        if a.name not in literal and not any(a.name.startswith(p) for p in prefixes)
    ]
    assert not unused, f"catalogued but written nowhere: {unused}"


def test_one_scheme_app_noun_verb_and_former_names_are_kept_apart():
    labels = {config.label for config in apps.get_app_configs()}
    actions = audit_actions()
    for action in actions:
        assert NAME.match(action.name), action.name
        assert action.name.split(".")[0] in labels, action.name
    former = [old for a in actions for old in a.formerly]
    assert len(former) == len(set(former))
    assert not set(former) & {a.name for a in actions}
    assert catalog_name("case.create") == "cases.case.create"
    assert catalog_name("certificate.issue") == "enforcement.certificate.issue"
    assert catalog_name("whistles.whistle.raise") == "whistles.whistle.raise"


def test_every_sentence_reads_in_chinese_and_english():
    for action in audit_actions():
        with translation.override("en"):
            english = str(action.sentence) % {"actor": "ACTOR", "object": "OBJECT"}
        with translation.override("zh-hans"):
            chinese = str(action.sentence) % {"actor": "ACTOR", "object": "OBJECT"}
        assert english.startswith("ACTOR "), action.name
        assert chinese.startswith("ACTOR") and chinese != english, action.name
        if "%(object)s" in str(action.sentence):
            assert "OBJECT" in english and "OBJECT" in chinese, action.name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["case.create", "cases.case.frobnicate", "nonsense"])
def test_the_writer_refuses_a_name_not_in_the_catalog(cast, name):
    rows = AuditEvent.objects.count()
    with pytest.raises(UnknownAuditAction), transaction.atomic():
        audit_record(actor=cast.officer_a, action=name, obj=cast.town_a)
    assert AuditEvent.objects.count() == rows
    assert require_audit_action("cases.case.create").formerly == ("case.create",)


def _history_row(cast, case_id: str) -> AuditEvent:
    """A row as the code wrote it before the catalog (under `case.create`), straight into the log."""
    with transaction.atomic():
        return AuditEvent.objects.create(
            actor=cast.officer_a,
            actor_label="officer_a",
            unit=cast.town_a,
            town=cast.town_a,
            action="case.create",
            object_type="cases.case",
            object_id=case_id,
            object_repr="线索 L-1",
        )


@pytest.mark.django_db
def test_the_audit_page_shows_sentences_in_the_users_language_old_rows_too(cast, client_for):
    old = _history_row(cast, "990001")
    with transaction.atomic():
        audit_record(actor=cast.supervisor_a, action="cases.case.approve_filing", town=cast.town_a)
    client = client_for(cast.supervisor_a)
    # The object is a link inside the sentence: read the page's text.
    chinese = strip_tags(client.get(reverse("audit-list")).content.decode())
    assert "甲执法员登记案件线索线索 L-1" in chinese
    assert "甲队长批准立案" in chinese
    english = strip_tags(client.get(reverse("audit-list"), {"lang": "en"}).content.decode())
    assert "recorded the lead 线索 L-1" in english
    assert "filed the case" in english
    # The filter takes catalog names (and prefixes of them): the old row is found under its new name.
    found = strip_tags(
        client.get(reverse("audit-list"), {"action": "cases.case.create", "lang": "en"}).content.decode()
    )
    assert "recorded the lead 线索 L-1" in found and "filed the case" not in found
    assert client.get(reverse("audit-list"), {"action": "cases."}).status_code == 200
    # The stored name is untouched, and the chain verifies with it.
    old.refresh_from_db()
    assert old.action == "case.create"
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_api_gives_the_catalog_name_the_stored_name_and_the_sentence(cast, client_for):
    old = _history_row(cast, "990002")
    with transaction.atomic():
        new = audit_record(
            actor=cast.officer_a, action="cases.case.create", town=cast.town_a, object_type="cases.case"
        )
    client = client_for(cast.admin)
    rows = client.get(reverse("api-audit"), {"action": "cases.case.create", "lang": "en"}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {old.pk, new.pk}
    assert by_id[old.pk]["action"] == "cases.case.create"
    assert by_id[old.pk]["recorded_action"] == "case.create"
    assert by_id[new.pk]["recorded_action"] == "cases.case.create"
    assert by_id[old.pk]["sentence"] == f"{cast.officer_a} recorded the lead 线索 L-1"
    chinese = client.get(reverse("api-audit"), {"action": "cases.case.create", "lang": "zh-hans"}).json()[
        "results"
    ]
    assert {row["sentence"] for row in chinese} >= {f"{cast.officer_a}登记案件线索线索 L-1"}


@pytest.mark.django_db
def test_a_row_without_an_actor_reads_as_the_system(cast):
    with transaction.atomic():
        event = audit_record(actor=None, action="enforcement.fence.raise", obj=cast.town_a, town=cast.town_a)
    with translation.override("en"):
        assert event.sentence == f"The system raised the fence warning {event.object_repr}"
    with translation.override("zh-hans"):
        assert event.sentence == f"系统发出电子围栏预警{event.object_repr}"
