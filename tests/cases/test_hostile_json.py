"""Hostile JSON on every case API input: containers where a scalar is expected, huge numbers, NUL bytes and
overlong strings in every field of every action, the lead form, the details PATCH, the officers and the
declaration. Each is a 4xx (a container in a scalar field: 400 naming the field, in the user's language),
never a 500, and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django import forms

from cases.forms import ACTION_FORMS, CaseForm, DeclarationForm, OfficersForm
from cases.models import Case, CaseEvent
from cases.workflow import TRANSITIONS, Action
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

CONTAINERS: list[Any] = [["2026-01-01"], {"date": "2026-01-01"}, [[]], [{}]]
SCALARS: list[Any] = [10**30, -(10**30), 1e308, "2026-01-01\x00", "x" * 20_000, True]
CONTAINER_MESSAGE_ZH = "请给出一个值，而不是列表或对象。"


def _multiple(form_class: type[forms.Form], field: str) -> bool:
    return isinstance(
        form_class.base_fields[field], forms.MultipleChoiceField | forms.ModelMultipleChoiceField
    )


def _fields(form_class: type[forms.Form]) -> list[str]:
    return list(form_class.base_fields)


def _state(case: Case) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case.pk)
    return (
        case.stage,
        case.version,
        case.title,
        case.act_on,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def _send(client, url: str, body: dict[str, Any], method: str = "post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _container(form_class: type, field: str, value: Any) -> bool:
    """A container the field cannot take (a list of texts is what a multiple choice takes)."""
    return isinstance(value, list | dict) and not (_multiple(form_class, field) and value == ["2026-01-01"])


def _hostile(form_class: type, field: str):
    """(value, is a container the field cannot take) for every hostile value."""
    for value in CONTAINERS + SCALARS:
        yield value, _container(form_class, field, value)


def _check(response, field: str, value: Any, *, container: bool, accepted: tuple[int, ...] = ()) -> None:
    """Never a 5xx; a container: 400 naming the field, in Chinese (the default language)."""
    where = (field, repr(value)[:60], response.status_code, response.content[:200])
    assert response.status_code < 500, where
    assert response.status_code in (400, 403, 409, *accepted), where
    assert response.headers["Content-Type"].startswith("application/json"), where
    if container:
        assert response.status_code == 400, where
        assert CONTAINER_MESSAGE_ZH in response.json()["errors"][field], where


@pytest.mark.parametrize("action", [str(a) for a in Action])
def test_every_field_of_every_action_refuses_hostile_json(cast, client_for, make_case, action):
    stage = sorted(TRANSITIONS[Action(action)].sources)[0]
    case = make_case(str(stage))
    before = _state(case)
    client = client_for(cast.supervisor_a)
    form_class = ACTION_FORMS[action]
    url = f"/api/cases/{case.pk}/actions/{action}/"
    for value in CONTAINERS:  # in every field at once: each is named
        response = _send(client, url, dict.fromkeys(_fields(form_class), value))
        for field in _fields(form_class):
            _check(response, field, value, container=_container(form_class, field, value))
    for field in _fields(form_class):
        for value in SCALARS:
            # A stale version: input the form accepts is then refused by the service (409), so the case never
            # moves and every field of the form is tried at the stage that takes the action.
            body = {"version": 10_000, field: value}
            _check(_send(client, url, body), field, value, container=False)
    assert _state(case) == before


def test_every_field_of_the_lead_form_and_the_patch_refuses_hostile_json(cast, client_for, make_case):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    patched = [f for f in _fields(CaseForm) if f not in ("town", "officers")]  # a PATCH does not change these
    for value in CONTAINERS:  # in every field at once: each is named, nothing is written
        before = (_state(case), Case.objects.count())
        created = _send(client, "/api/cases/", dict.fromkeys(_fields(CaseForm), value))
        changed = _send(client, f"/api/cases/{case.pk}/", dict.fromkeys(patched, value), "patch")
        for field in _fields(CaseForm):
            _check(created, field, value, container=_container(CaseForm, field, value))
        for field in patched:
            _check(changed, field, value, container=_container(CaseForm, field, value))
        assert (_state(case), Case.objects.count()) == before
    for field in _fields(CaseForm):
        for value in SCALARS:
            body = {"title": "t", "place": "p", "description": "d", field: value}
            _check(_send(client, "/api/cases/", body), field, value, container=False, accepted=(201,))
            if field in patched:
                _check(
                    _send(client, f"/api/cases/{case.pk}/", {field: value}, "patch"),
                    field,
                    value,
                    container=False,
                    accepted=(200,),
                )


def test_officers_and_declaration_refuse_hostile_json(cast, client_for, make_case):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    for form_class, url, method in (
        (OfficersForm, f"/api/cases/{case.pk}/officers/", "put"),
        (DeclarationForm, f"/api/cases/{case.pk}/declaration/", "post"),
    ):
        for field in form_class.base_fields:
            for value, container in _hostile(form_class, field):
                before = _state(case)
                body = {
                    "officers": ["officer_a", "officer_a2"],
                    "lead": "officer_a",
                    "version": 10_000,
                    field: value,
                }
                _check(_send(client, url, body, method), field, value, container=container, accepted=(200,))
                if container:
                    assert _state(case) == before


def test_the_container_message_is_english_for_an_english_user(cast, client_for, make_case):
    case = make_case("investigating")
    response = client_for(cast.officer_a).post(
        f"/api/cases/{case.pk}/actions/order_correction/?lang=en",
        json.dumps({"correction_due": [[]]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["correction_due"] == ["Give one value, not a list or an object."]
