"""An officer's audited action goes through while a district's catalog import holds its transaction open.

Before the audit chain was linked after commit, the import's first audit row locked the chain's head until the
import committed, and the officer's case edit waited for it (bench/audit_wait_bench.py: 14-21 s for 1,000
items).
"""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection, transaction

from authority.importing import read_catalog
from authority.services import catalog_import
from cases.lifecycle import case_update
from cases.models import Case
from enforcement.audit import audit_verify
from enforcement.models import AuditEvent
from tests.cases.test_workflow import declared_lead

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = "code,name_zh,name_en,kind,domain,legal_basis,description_zh,fine_min,fine_max,holder"


def catalog(n: int) -> list:
    lines = [COLUMNS] + [
        f"IMP-{i:03d},对测试事项{i}的行政处罚,Penalty for test item {i},empowered,city_management,"
        f"《测试条例》第{i}条,测试事项{i}的违法行为。,100,1000,town"
        for i in range(1, n + 1)
    ]
    return read_catalog(io.BytesIO("\n".join(lines).encode()), filename="catalog.csv")


def test_an_officer_edits_a_case_while_a_catalog_import_is_open(cast, stall_item):
    case = declared_lead(cast, stall_item)
    rows = catalog(30)
    importing = threading.Event()
    officer_done = threading.Event()
    outcome: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        if done == 1:
            importing.set()
            # The import has written its first audit row; it waits (transaction open) for the officer.
            outcome["import_saw_officer"] = officer_done.wait(timeout=15)

    def importer() -> None:
        try:
            outcome["report"] = catalog_import(
                actor=None,
                district_code=cast.district.code,
                rows=rows,
                source="catalog.csv",
                progress=progress,
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            outcome["import"] = exc
        finally:
            importing.set()
            connection.close()

    def officer() -> None:
        try:
            assert importing.wait(timeout=15)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                case_update(
                    actor=cast.officer_a, case=Case.objects.get(pk=case.pk), data={"title": "占道经营（改）"}
                )
            officer_done.set()
        except Exception as exc:  # noqa: BLE001
            outcome["officer"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=importer), threading.Thread(target=officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert "import" not in outcome and "officer" not in outcome, outcome
    assert outcome["import_saw_officer"] is True
    edit = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).latest("id")
    assert edit.after == {"title": "占道经营（改）"}
    imported = AuditEvent.objects.filter(action="authority.item.create")
    assert imported.count() == 30
    # The officer's row committed first and was linked first.
    assert edit.seq is not None
    assert all(row.seq is not None and row.seq > edit.seq for row in imported)
    assert audit_verify().ok
