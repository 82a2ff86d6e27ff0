"""The API keeps its own contract: schemathesis generates requests from the schema /api/schema/ serves, for
every operation, as four roles of the cast and as the anonymous public, and every answer must be no server
error, a documented status code with a documented content type, and a body that matches the schema.

Bounded and deterministic: a fixed number of examples per operation and role, derandomized, no deadline, no
example database. It runs in-process against the WSGI app; the data it reads (the cast, cases, a whistle) is
written once per module inside a transaction that is rolled back at the end, and each test runs in a savepoint
of its own (pytest-django's `db`), so nothing it writes outlives it. `SCHEMATHESIS_EXAMPLES` raises the budget
for a longer run."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from authority.models import GrantKind
from cases.models import Case, CaseOfficer
from tests.cases.conftest import make_held_item
from tests.conftest import build_cast
from whistles.services import assignment_acknowledge, whistle_raise

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
ROLES = ["officer_a", "supervisor_a", "responder", "admin", "anonymous"]
REQUESTS: Counter[str] = Counter()

# The schema exactly as /api/schema/?format=json serves it.
RAW = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema: Any = schemathesis.openapi.from_dict(RAW)  # exclude() answers the base type
schema.app = get_wsgi_application()
# The token endpoint is throttled on purpose (10 a minute): fuzzing it tests the throttle, not the contract.
schema = schema.exclude(path="/api/auth/token/")
# Examples and generated requests within the budget; the coverage phase's boundary matrix (some 40 requests
# per operation and role) is for a longer, manual run.
schema.config.phases.coverage.enabled = False
schema.config.seed = 20261206


def _seed() -> dict[str, str]:
    """The cast, two cases of town A (one notified, with the benchmark's recommendation), a whistle checked in
    by the department; the tokens of the four roles."""
    cast = build_cast()
    item = make_held_item(cast, code="T-API-001")
    today = timezone.localdate()
    for n, stage in enumerate(("investigating", "notified"), start=1):
        case = Case.objects.create(
            district=cast.district,
            town=cast.town_a,
            title=f"占道经营 {n}",
            source="patrol",
            party_kind="person",
            party_name="张三",
            party_identifier=f"5001031980010100{n:02d}",
            party_address="测试路1号",
            place="测试路1号门前",
            act_on=today - dt.timedelta(days=10),
            discovered_on=today - dt.timedelta(days=10),
            description="占道摆放货架经营。",
            item=item,
            acting_name=cast.town_a.name_zh,
            grant_kind=GrantKind.EMPOWERED,
            stage=stage,
            created_by=cast.officer_a,
            number=f"甲执〔{today.year}〕{n}号",
            year=today.year,
            sequence=n,
            filed_on=today - dt.timedelta(days=5),
            decision_due=today + dt.timedelta(days=85),
            proposed_fine=Decimal("200.00") if stage == "notified" else None,
        )
        for index, officer in enumerate((cast.officer_a, cast.officer_a2)):
            CaseOfficer.objects.create(
                case=case, officer=officer, lead=index == 0, declared_at=timezone.now()
            )
    whistle = whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title="餐馆油烟扰民",
        description="油烟直排。",
        reason="no_power",
        urgency="normal",
        address="解放路12号",
        departments=[cast.department],
    )
    assignment_acknowledge(actor=cast.responder, assignment=whistle.assignments.get(), note="马上到")
    return {
        role: f"Token {Token.objects.create(user=getattr(cast, role)).key}"
        for role in ROLES
        if role != "anonymous"
    }


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    # As Django's test client does: a request through the WSGI app must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            print(f"\nschemathesis: {sum(REQUESTS.values())} requests over {len(REQUESTS)} operations")


@pytest.fixture(params=ROLES)
def auth(request, tokens, db, settings, tmp_path) -> dict[str, str]:
    settings.MEDIA_ROOT = tmp_path / "media"
    return {"Authorization": tokens[request.param]} if request.param in tokens else {}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_api_answers_match_the_schema(case, auth):
    REQUESTS[case.operation.label] += 1
    case.call_and_validate(headers=auth, checks=CHECKS)
