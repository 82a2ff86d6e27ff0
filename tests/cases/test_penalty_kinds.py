"""Every penalty kind the law allows a town (Administrative Penalty Law art 9) can be proposed and decided, on
the service, the API and the page, and the decision prints it as the law requires (issue 12: one vocabulary).

Before, the catalog said `revoke_permit` where the cases said `revoke_licence`, so a case for an item whose
penalty clause provides for revoking a permit could not be decided with revocation. Also here: confiscation
(the officer records the gains or the property and its value), fines by multiples (倍数) of the illegal gains
or of the value of the goods, and the data migrations that rewrite the old stored words."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any, cast

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from authority.penalties import DOCUMENT_NAMES, PARTICULAR_KINDS, SEVERITY, FineBasis, PenaltyKind
from cases.documents import document_html
from cases.forms import DecisionForm, NoticeForm
from cases.models import Case
from cases.review import all_passed
from cases.selectors import case_recommendation
from cases.workflow import Stage
from tests.cases.conftest import make_held_item
from tests.cases.test_workflow import act, filed

pytestmark = pytest.mark.django_db

# Art 9 less 行政拘留 (detention is the police's): each kind a town's item may provide.
LAW_KINDS = [
    "warning",
    "criticism",
    "fine",
    "confiscate_gains",
    "confiscate_property",
    "suspend_permit",
    "lower_qualification",
    "revoke_permit",
    "limit_activity",
    "suspend_business",
    "order_closure",
    "restrict_practice",
    "demolish",
]

PARTICULARS = {
    "suspend_permit": "《食品经营许可证》（编号JY15001030000001），暂扣三个月",
    "lower_qualification": "建筑业企业资质由二级降为三级",
    "revoke_permit": "《食品经营许可证》（编号JY15001030000001）",
    "limit_activity": "限制夜间22时至次日6时施工，期限六个月",
    "suspend_business": "停业整顿十五日",
    "order_closure": "关闭位于测试路1号的烧烤店",
    "restrict_practice": "法定代表人五年内不得从事食品生产经营管理工作",
    "demolish": "测试路1号屋顶违法搭建的彩钢棚，于2027年1月31日前拆除",
}


def content(kind: str) -> dict[str, Any]:
    """What the officer records with the kind: the amount of a fine, the gains or the property confiscated,
    the particulars of a kind that needs them."""
    data: dict[str, Any] = {}
    if kind == "fine":
        data["fine"] = Decimal("200")
    if kind == "confiscate_gains":
        data["illegal_gains"] = Decimal("1200")
    if kind == "confiscate_property":
        data["confiscated_property"] = "电动三轮车1辆、烧烤炉2个"
        data["confiscated_value"] = Decimal("3000")
    if kind in PARTICULARS:
        data[f"particulars_{kind}"] = PARTICULARS[kind]
    return data


def printed(kind: str) -> str:
    """How the decision states the kind."""
    return {
        "fine": "罚款人民币200.00元（大写：贰佰元整）",
        "confiscate_gains": "没收违法所得人民币1,200.00元（大写：壹仟贰佰元整）",
        "confiscate_property": "没收非法财物：电动三轮车1辆、烧烤炉2个（价值人民币3,000.00元）",
    }.get(kind) or (
        f"{DOCUMENT_NAMES[kind]}（{PARTICULARS[kind]}）" if kind in PARTICULARS else DOCUMENT_NAMES[kind]
    )


def item_for(cast, kind: str):
    kinds = ["fine"] if kind == "fine" else ["fine", kind]
    return make_held_item(cast, code=f"T-KIND-{kind}", kinds=kinds)


# --- the three paths ----------------------------------------------------------------------------------------


def by_service(cast, case: Case, action: str, actor, data: dict[str, Any]) -> None:
    act(case, action, actor, **data)


def _posted(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ([str(x) for x in v] if isinstance(v, list) else "" if v is None else str(v))
        for k, v in data.items()
    }


def by_api(client_for):
    def go(cast, case: Case, action: str, actor, data: dict[str, Any]) -> None:
        response = client_for(actor).post(
            reverse(f"api-case-{action}", args=[case.pk]), _posted(data), content_type="application/json"
        )
        assert response.status_code == 200, (action, response.content.decode())

    return go


def by_page(client_for):
    def go(cast, case: Case, action: str, actor, data: dict[str, Any]) -> None:
        today = timezone.localdate().isoformat()
        body = {"decided_on": today, "served_on": today, **_posted(data)}
        response = client_for(actor).post(reverse("cases:case-act", args=[case.pk, action]), body)
        assert response.status_code == 302, (action, response.content.decode()[-3000:])

    return go


def decide(cast, case: Case, kinds: list[str], data: dict[str, Any], step) -> Case:
    """Notice, waiver, submission, legal review where the penalty needs it, decision: on one path."""
    today = timezone.localdate()
    proposed = {k: v for k, v in data.items() if k != "fine"}
    if "fine" in data:
        proposed["proposed_fine"] = data["fine"]
    reason = "依据罚则并结合违法情节作出"  # the kinds under test are not the benchmark's: the notice says why
    notice = {"penalty_kinds": kinds, "served_on": today, "deviation_reason": reason, **proposed}
    step(cast, case, "serve_notice", cast.officer_a, notice)
    step(cast, case, "waive_rights", cast.officer_a, {"note": "当事人书面放弃陈述申辩和听证"})
    # No evidence is on file in these cases: the submission gives the reason the fence asks for.
    step(cast, case, "submit_for_decision", cast.officer_a, {"fence_reason": "证据另卷归档"})
    case.refresh_from_db()
    if case.stage == Stage.LEGAL_REVIEW:
        step(cast, case, "pass_review", cast.reviewer_a, all_passed("事实清楚，证据确凿，同意"))
    step(
        cast,
        case,
        "decide",
        cast.supervisor_a,
        {
            "penalty_kinds": kinds,
            "decided_on": today,
            "deviation_reason": "依据罚则并结合违法情节作出",
            "collective_discussion": "队务会集体讨论，同意",
            **data,
        },
    )
    case.refresh_from_db()
    return case


@pytest.fixture(params=["service", "api", "page"])
def path(request, client_for):
    return {
        "service": lambda: by_service,
        "api": lambda: by_api(client_for),
        "page": lambda: by_page(client_for),
    }[request.param]()


@pytest.mark.parametrize("kind", LAW_KINDS)
def test_every_kind_the_law_allows_is_decided_and_printed(cast, kind, path):
    case = filed(cast, item_for(cast, kind))
    case = decide(cast, case, [kind], content(kind), path)
    assert case.stage == Stage.DECIDED, case.stage
    assert case.penalty_kinds == [kind] and case.proposed_kinds == [kind]
    assert case.hearing_offered == (kind in PARTICULAR_KINDS)  # art 63: the heavier kinds give a hearing
    html = document_html(case, "decision")
    assert f"作出如下行政处罚：{printed(kind)}。" in html, html[html.find("作出如下") :][:300]
    assert printed(kind) in document_html(case, "penalty_notice")


def test_revocation_with_a_fine_on_the_api(cast, client_for):
    """The case from the issue: the item provides for revoking a permit, the API decides it."""
    case = filed(cast, item_for(cast, "revoke_permit"))
    kinds = ["fine", "revoke_permit"]
    data = {"fine": Decimal("500"), **content("revoke_permit")}
    case = decide(cast, case, kinds, data, by_api(client_for))
    assert case.stage == Stage.DECIDED and case.penalty_kinds == kinds and case.fine == Decimal("500")
    assert "罚款人民币500.00元（大写：伍佰元整）；吊销许可证件（《食品经营许可证》" in document_html(
        case, "decision"
    )


def test_what_a_kind_needs_is_refused_without_it_and_nothing_changes(cast, client_for):
    case = filed(cast, item_for(cast, "confiscate_property"))
    before = Case.objects.get(pk=case.pk).version
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["confiscate_property"],
            served_on=timezone.localdate(),
        )
    assert {"confiscated_property", "confiscated_value"} <= set(caught.value.message_dict)
    answer = client_for(cast.officer_a).post(
        reverse("api-case-serve_notice", args=[case.pk]),
        {"penalty_kinds": ["confiscate_property"], "confiscated_property": "烧烤炉2个"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"confiscated_value"}
    revoke = filed(cast, item_for(cast, "revoke_permit"))
    with pytest.raises(ValidationError) as caught:
        act(
            revoke,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["revoke_permit"],
            served_on=timezone.localdate(),
        )
    assert set(caught.value.message_dict) == {"particulars_revoke_permit"}
    assert (
        Case.objects.get(pk=case.pk).version == before
        and Case.objects.get(pk=case.pk).stage == Stage.INVESTIGATING
    )


def test_a_kind_the_clause_does_not_provide_is_refused(cast):
    case = filed(cast, make_held_item(cast, code="T-KIND-ONLY-FINE", kinds=["warning", "fine"]))
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["revoke_permit"],
            served_on=timezone.localdate(),
            particulars_revoke_permit="《营业执照》",
        )
    assert "does not provide for: Revocation of a permit" in " ".join(caught.value.messages)


# --- confiscation and payment -------------------------------------------------------------------------------


def test_confiscated_gains_are_paid_with_the_fine_and_a_large_confiscation_gives_a_hearing(cast):
    item = make_held_item(cast, code="T-KIND-GAINS", kinds=["fine", "confiscate_gains"])
    small = filed(cast, item)
    small = decide(
        cast,
        small,
        ["fine", "confiscate_gains"],
        {"fine": Decimal("300"), "illegal_gains": Decimal("800")},
        by_service,
    )
    assert not small.hearing_offered and small.confiscated == Decimal("800")
    act(small, "serve_decision", cast.officer_a, served_on=timezone.localdate(), method="direct")
    small.refresh_from_db()
    with pytest.raises(ValidationError) as caught:  # the fine alone is not what is due
        act(
            small,
            "record_payment",
            cast.officer_a,
            paid_on=timezone.localdate(),
            amount=Decimal("300"),
            channel="bank",
        )
    assert "1,100" in " ".join(caught.value.messages)
    act(
        small,
        "record_payment",
        cast.officer_a,
        paid_on=timezone.localdate(),
        amount=Decimal("1100"),
        channel="bank",
    )
    assert Case.objects.get(pk=small.pk).stage == Stage.EXECUTED

    large = filed(cast, item, party_identifier="500103198001015555")
    act(
        large,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["confiscate_gains"],
        illegal_gains=Decimal("6000"),  # over the 5,000 yuan a person's hearing threshold (art 63(2))
        served_on=timezone.localdate(),
    )
    large.refresh_from_db()
    assert large.hearing_offered and large.illegal_gains == Decimal("6000")


# --- fines by multiples (倍数) ------------------------------------------------------------------------------


@pytest.fixture
def transport_item(cast):
    """道路运输条例 art 63's shape: gains over 20,000 yuan: 2 to 10 times the gains; else 10,000-50,000
    yuan."""
    item = make_held_item(
        cast, code="T-KIND-MULTIPLE", fine_min=10000, fine_max=50000, kinds=["fine", "confiscate_gains"]
    )
    item.fine_basis = FineBasis.GAINS
    item.fine_multiple_min, item.fine_multiple_max = Decimal("2"), Decimal("10")
    item.fine_multiple_from = Decimal("20000")
    item.save()
    return item


def test_a_fine_by_multiples_is_computed_from_the_gains_the_officer_records(cast, transport_item, client_for):
    case = filed(cast, transport_item)
    today = timezone.localdate()
    # Without the gains the range cannot be known: refused with what to record.
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["fine"],
            proposed_fine=Decimal("80000"),
            served_on=today,
        )
    assert "2 to 10 times the illegal gains" in " ".join(caught.value.messages)
    # 30,000 yuan of gains: 60,000-300,000 yuan. 50,000 is below it; the fixed range no longer applies.
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["fine"],
            proposed_fine=Decimal("50000"),
            illegal_gains=Decimal("30000"),
            served_on=today,
        )
    assert "below the statutory minimum of 60,000" in " ".join(caught.value.messages)
    case.refresh_from_db()
    case.illegal_gains = Decimal("30000")
    recommendation = case_recommendation(case)
    assert (recommendation.item.fine_min, recommendation.item.fine_max) == (
        Decimal("60000.00"),
        Decimal("300000.00"),
    )
    assert Decimal("60000") <= recommendation.fine_min < recommendation.fine_max <= Decimal("300000")
    assert any("2 to 10 times" in line for line in recommendation.explain("en"))
    case = decide(
        cast,
        Case.objects.get(pk=case.pk),
        ["fine", "confiscate_gains"],
        {"fine": Decimal("120000"), "illegal_gains": Decimal("30000")},
        by_api(client_for),
    )
    assert case.stage == Stage.DECIDED and case.fine == Decimal("120000")
    assert "罚款人民币120,000.00元（大写：壹拾贰万元整），按违法所得人民币30,000.00元计" in document_html(
        case, "decision"
    )
    detail = client_for(cast.officer_a).get(reverse("api-case", args=[case.pk])).json()
    assert detail["illegal_gains"] == "30000.00"


def test_below_the_threshold_the_fixed_range_applies(cast, transport_item):
    case = filed(cast, transport_item)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["fine"],
            proposed_fine=Decimal("60000"),
            illegal_gains=Decimal("8000"),
            served_on=today,
        )
    assert "above the statutory maximum of 50,000" in " ".join(caught.value.messages)
    act(
        case,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("20000"),
        illegal_gains=Decimal("8000"),
        served_on=today,
    )
    assert Case.objects.get(pk=case.pk).stage == Stage.NOTIFIED


def test_a_fine_by_multiples_of_the_value_of_the_goods(cast):
    """产品质量法 art 49's shape: 1 to 3 times the value of the goods, no fixed range."""
    item = make_held_item(
        cast, code="T-KIND-VALUE", fine_min=None, fine_max=None, kinds=["fine", "confiscate_property"]
    )
    item.fine_basis = FineBasis.VALUE
    item.fine_multiple_min, item.fine_multiple_max = Decimal("1"), Decimal("3")
    item.save()
    case = filed(cast, item)
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["fine"],
            proposed_fine=Decimal("40000"),
            goods_value=Decimal("12000"),
            served_on=timezone.localdate(),
        )
    assert "above the statutory maximum of 36,000" in " ".join(caught.value.messages)


# --- one vocabulary -----------------------------------------------------------------------------------------


def test_one_vocabulary_everywhere():
    from discretion.tables import _kind_aliases
    from discretion.vocabulary import KIND_SEVERITY

    law = set(LAW_KINDS)
    assert set(PenaltyKind.values) == law
    for form in (NoticeForm, DecisionForm):
        field = form.base_fields["penalty_kinds"]
        assert isinstance(field, forms.ChoiceField)
        assert {value for value, _label in cast(list[tuple[str, Any]], field.choices)} == law
    assert set(KIND_SEVERITY) == set(SEVERITY) == set(DOCUMENT_NAMES) == law
    aliases = _kind_aliases()
    assert all(aliases[name] == kind for kind, name in DOCUMENT_NAMES.items())


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_the_migrations_rewrite_the_old_words(cast, make_case):
    from authority.models import EnforcementItem, EnforcementItemVersion
    from cases.models import CaseEvent

    item = make_held_item(cast, code="T-KIND-OLD", kinds=["fine", "suspend_permit", "order_closure"])
    version = EnforcementItemVersion.objects.create(
        item=item, version=1, content={"penalty_kinds": ["fine", "order_closure"]}, content_hash="x"
    )
    case = make_case(
        "decided", penalty_kinds=["revoke_licence", "restrict"], proposed_kinds=["suspend_licence"]
    )
    event = CaseEvent.objects.create(case=case, action="decide", data={"kinds": ["revoke_licence", "fine"]})

    _migration("authority", "0004_one_penalty_vocabulary").forwards(apps, None)
    _migration("cases", "0005_one_penalty_vocabulary").forwards(apps, None)

    item = EnforcementItem.objects.get(pk=item.pk)
    assert item.penalty_kinds == [
        "fine",
        "suspend_permit",
        "lower_qualification",
        "suspend_business",
        "order_closure",
    ]
    version.refresh_from_db()
    assert version.content["penalty_kinds"] == ["fine", "suspend_business", "order_closure"]
    assert version.content_hash != "x"
    case.refresh_from_db()
    assert (case.penalty_kinds, case.proposed_kinds) == (
        ["revoke_permit", "limit_activity"],
        ["suspend_permit"],
    )
    event.refresh_from_db()
    assert event.data["kinds"] == ["revoke_permit", "fine"]


def test_the_discretion_migration_reads_old_tiers_the_lighter_way(cast):
    from discretion.models import Benchmark, BenchmarkTier

    item = make_held_item(cast, code="T-KIND-TIER", kinds=["fine", "order_closure"])
    benchmark = Benchmark.objects.create(item=item, version=1)
    tier = BenchmarkTier.objects.create(
        benchmark=benchmark,
        level="grave",
        conditions_text="拒不改正",
        penalty_kinds=["fine", "order_closure"],
    )
    _migration("discretion", "0003_one_penalty_vocabulary").forwards(apps, None)
    tier.refresh_from_db()
    assert tier.penalty_kinds == ["fine", "suspend_business"]
