"""The Celery batch path with a real worker: complaints imported in bulk are matched by the worker, results
stored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.models import Complaint
from tests.conftest import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_matches_complaints_imported_in_bulk(cast, catalog, celery_worker):
    rows = [
        {"text": text, "external_id": f"W-{n}"}
        for n, text in enumerate(
            [
                "电瓶车在楼道里充电",
                "邻居借了两万块钱不还",
                "夜市有人占道摆摊",
                "The supermarket sells expired milk",
            ]
            * 15
        )
    ]
    client = APIClient()
    client.force_authenticate(cast.officer_a)
    response = client.post("/api/complaints/bulk/", {"complaints": rows}, format="json")
    assert response.status_code == 201
    assert response.json()["created"] == 60
    wait_for(lambda: not Complaint.objects.filter(match_status="pending").exists(), timeout=90)
    done = {c.external_id: c for c in Complaint.objects.all()}
    assert (
        done["W-0"].match_status == "matched"
        and done["W-0"].match_result["candidates"][0]["code"] == "T-EBIKE"
    )
    assert done["W-1"].match_status == "no_match"
    assert done["W-2"].match_result["candidates"][0]["code"] == "T-STALL"
    assert done["W-3"].match_result["candidates"][0]["code"] == "T-FOOD"
    assert {c.matcher_version for c in done.values() if c.match_status == "matched"} != {""}
