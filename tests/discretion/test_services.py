"""The life of a benchmark: generated default, draft, edit, publish (confirm), new version, withdraw, discard.
Every write is permission-checked and audited; every denial changes nothing and writes no audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from discretion.models import Benchmark, DiscretionPolicy, LocalFactor
from discretion.rules import can_edit_benchmark, can_publish_benchmark
from discretion.selectors import benchmark_in_force
from discretion.services import (
    BenchmarkInvalid,
    StaleBenchmark,
    benchmark_discard,
    benchmark_draft_create,
    benchmark_generate,
    benchmark_publish,
    benchmark_save,
    benchmark_withdraw,
    benchmarks_generate_missing,
    local_factor_save,
    policy_update,
)
from enforcement.models import AuditEvent, Role, Unit
from tests.factories import make_unit, make_user

from .conftest import make_item, publish_table, stall_tiers, tier

pytestmark = pytest.mark.django_db
DOC: dict[str, Any] = {
    "document_number": "测司发〔2026〕2号",
    "document_title": "测试区裁量基准",
    "valid_from": dt.date(2026, 1, 1),
    "document_date": None,
}


def actions(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="discretion.benchmark", object_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )


def test_generate_then_confirm_by_publishing(cast, item):
    generated = benchmark_generate(actor=cast.supervisor_a, item=item)
    assert generated.status == "generated" and generated.is_generated and not generated.confirmed
    assert benchmark_generate(actor=cast.supervisor_a, item=item) == generated  # idempotent
    assert benchmark_in_force(item) == generated
    with pytest.raises(PermissionDenied):
        benchmark_publish(actor=cast.supervisor_a, benchmark=generated, **DOC)
    confirmed = benchmark_publish(actor=cast.admin, benchmark=generated, **DOC)
    assert confirmed.status == "published" and confirmed.is_generated and confirmed.confirmed_by == cast.admin
    assert actions(generated) == ["discretion.benchmark.generate", "discretion.benchmark.confirm"]


def test_draft_edit_publish_and_a_new_version(cast, item):
    v1 = publish_table(cast.admin, item, stall_tiers(), valid_from=dt.date(2024, 3, 1))
    draft = benchmark_draft_create(actor=cast.supervisor_a, item=item)
    assert draft.version == 2 and draft.status == "draft"
    assert [t.level for t in draft.tiers.order_by("rank")] == [
        "minor",
        "normal",
        "serious",
        "grave",
    ]  # copied from v1
    tiers = stall_tiers()
    tiers[1] = tier("normal", 100, 180)
    benchmark_save(actor=cast.supervisor_a, benchmark=draft, scale="four", tiers=tiers)
    with pytest.raises(BenchmarkInvalid) as exc:
        benchmark_publish(actor=cast.admin, benchmark=draft, **{**DOC, "valid_from": dt.date(2024, 3, 1)})
    assert "Version 1 already takes effect on 2024-03-01" in exc.value.problems[0].message
    v2 = benchmark_publish(actor=cast.admin, benchmark=draft, **DOC)
    assert benchmark_in_force(item, dt.date(2025, 12, 31)) == v1
    assert benchmark_in_force(item, dt.date(2026, 1, 1)) == v2
    with pytest.raises(PermissionDenied):
        benchmark_save(
            actor=cast.admin, benchmark=v2, scale="four", tiers=tiers
        )  # published versions are never edited
    assert actions(v2) == [
        "discretion.benchmark.draft",
        "discretion.benchmark.save",
        "discretion.benchmark.publish",
    ]
    event = AuditEvent.objects.filter(action="discretion.benchmark.save").last()
    assert (
        event.before["tiers"][1]["fine_max"] == "200.00" and event.after["tiers"][1]["fine_max"] == "180.00"
    )


def test_publishing_a_draft_retires_the_generated_default(cast, item):
    generated = benchmark_generate(actor=cast.admin, item=item)
    publish_table(cast.admin, item, stall_tiers())
    generated.refresh_from_db()
    assert generated.status == "retired"
    assert "discretion.benchmark.retire" in actions(generated)


def test_publish_needs_the_document(cast, item, audit_count):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    before = audit_count()
    with pytest.raises(BenchmarkInvalid) as exc:
        benchmark_publish(
            actor=cast.admin,
            benchmark=draft,
            document_number=" ",
            document_title="",
            valid_from=dt.date(2026, 1, 1),
            document_date=dt.date(2026, 2, 1),
        )
    messages = [p.message for p in exc.value.problems]
    assert "Give the number of the document that publishes the benchmark (art 34)." in messages
    assert "It cannot take effect before the document that publishes it is dated." in messages
    draft.refresh_from_db()
    assert draft.status == "draft" and audit_count() == before


def test_withdraw_brings_back_the_previous_version(cast, item):
    v1 = publish_table(cast.admin, item, stall_tiers(), valid_from=dt.date(2024, 3, 1))
    v2 = publish_table(
        cast.admin, item, stall_tiers(), valid_from=dt.date(2025, 3, 1), number="测〔2025〕9号"
    )
    with pytest.raises(BenchmarkInvalid):
        benchmark_withdraw(actor=cast.admin, benchmark=v2, reason="")
    with pytest.raises(PermissionDenied):
        benchmark_withdraw(actor=cast.supervisor_a, benchmark=v2, reason="错误")
    benchmark_withdraw(actor=cast.admin, benchmark=v2, reason="罚款幅度录入错误")
    assert benchmark_in_force(item, dt.date(2026, 1, 1)) == v1
    with pytest.raises(StaleBenchmark):
        benchmark_withdraw(actor=None, benchmark=v2, reason="again")


def test_discard_only_a_draft(cast, item):
    draft = benchmark_draft_create(actor=cast.supervisor_a, item=item)
    with pytest.raises(BenchmarkInvalid):
        benchmark_draft_create(actor=cast.supervisor_a, item=item)  # one draft at a time
    benchmark_discard(actor=cast.supervisor_a, benchmark=draft)
    assert not Benchmark.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="discretion.benchmark.discard", object_id=str(draft.pk)).exists()


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a", "officer_b", "responder"])
def test_people_who_only_read_cannot_write(cast, item, who, audit_count):
    user = getattr(cast, who)
    published = publish_table(cast.admin, item, stall_tiers())
    before = (audit_count(), Benchmark.objects.count())
    for attempt in (
        lambda: benchmark_generate(actor=user, item=make_item(cast.district)),
        lambda: benchmark_draft_create(actor=user, item=item),
        lambda: benchmark_withdraw(actor=user, benchmark=published, reason="x"),
        lambda: benchmarks_generate_missing(actor=user, district=cast.district),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert before[0] == audit_count()
    assert Benchmark.objects.count() == before[1] + 0


def test_department_supervisor_maintains_only_their_domain(cast, item):
    department = make_unit(cast.district, Unit.Kind.DEPARTMENT, domain="city_management")
    boss = make_user(department, [Role.SUPERVISOR])
    draft = benchmark_draft_create(actor=boss, item=item)
    assert can_edit_benchmark(boss, draft) and not can_publish_benchmark(boss, draft)
    market = make_item(cast.district, domain="market")
    with pytest.raises(PermissionDenied):
        benchmark_draft_create(actor=boss, item=market)


def test_another_districts_admin_cannot_touch_it(cast, item):
    from tests.factories import make_district

    other = make_district()
    office = make_unit(other, Unit.Kind.DISTRICT_OFFICE)
    stranger = make_user(office, [Role.DISTRICT_ADMIN])
    with pytest.raises(PermissionDenied):
        benchmark_draft_create(actor=stranger, item=item)


def test_a_stale_editor_is_refused(cast, item):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    seen = draft.updated_at
    benchmark_save(
        actor=cast.admin, benchmark=draft, scale="four", tiers=stall_tiers(), expected_updated_at=seen
    )
    with pytest.raises(StaleBenchmark):
        benchmark_save(
            actor=cast.admin, benchmark=draft, scale="four", tiers=stall_tiers(), expected_updated_at=seen
        )


def test_a_second_publish_of_the_same_draft_loses(cast, item):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    stale_copy = Benchmark.objects.get(pk=draft.pk)
    benchmark_publish(actor=cast.admin, benchmark=draft, **DOC)
    with pytest.raises((StaleBenchmark, PermissionDenied)):
        benchmark_publish(
            actor=cast.admin, benchmark=stale_copy, **{**DOC, "valid_from": dt.date(2026, 6, 1)}
        )
    assert Benchmark.objects.filter(item=item, status="published").count() == 1


def test_generate_missing_covers_every_item_once(cast):
    items = [
        make_item(cast.district, fine_min=None, fine_max=1000),
        make_item(cast.district, fine_min=None, fine_max=None, kinds=["demolish"]),
    ]
    created = benchmarks_generate_missing(actor=cast.admin, district=cast.district)
    assert {b.item_id for b in created} == {i.pk for i in items}
    assert benchmarks_generate_missing(actor=cast.admin, district=cast.district) == []
    kinds_only = Benchmark.objects.get(item=items[1])
    assert [t.penalty_kinds for t in kinds_only.tiers.order_by("rank")] == [
        ["demolish"],
        ["demolish"],
        ["demolish"],
    ]


def test_local_circumstances_and_policy(cast, item, audit_count):
    before = audit_count()
    with pytest.raises(BenchmarkInvalid) as exc:
        local_factor_save(
            actor=cast.admin, district=cast.district, code="night_market", name_zh="夜市", effect="reduced"
        )
    assert "must state its conditions" in exc.value.problems[0].message
    with pytest.raises(BenchmarkInvalid):
        local_factor_save(
            actor=cast.admin, district=cast.district, code="repeat_12m", name_zh="重复", effect="heavier"
        )
    assert audit_count() == before
    local_factor_save(
        actor=cast.supervisor_a,
        district=cast.district,
        code="near_school",
        name_zh="学校周边",
        effect="heavier",
    )
    assert LocalFactor.objects.filter(code="near_school").exists()
    with pytest.raises(PermissionDenied):
        policy_update(actor=cast.supervisor_a, district=cast.district, span_lighter_pct=25)
    with pytest.raises(BenchmarkInvalid):
        policy_update(actor=cast.admin, district=cast.district, span_lighter_pct=80, span_heavier_pct=60)
    policy_update(actor=cast.admin, district=cast.district, span_lighter_pct=25, span_heavier_pct=75)
    generated = benchmark_generate(actor=cast.admin, item=item)
    assert [(t.fine_min, t.fine_max) for t in generated.tiers.order_by("rank")] == [
        (D(50), D("163.00")),
        (D("163.00"), D("388.00")),
        (D("388.00"), D(500)),
    ]
    assert DiscretionPolicy.objects.get(district=cast.district).span_lighter_pct == 25
