"""A sweep's warning reads in the reader's language: the stored message stays the default language's, byte for
byte what the sweep's SQL wrote before the arguments were kept; the desk, the warning page and the API render
the rule's template in the active language from the arguments kept in the details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from enforcement import clock
from enforcement.calendar import add_working_days
from enforcement.models import FenceWarning
from enforcement.sweeps import (
    _p_rows,
    _statement,
    batch_bounds,
    message_specs,
    pg_format,
    run_sweep,
    sweeps,
    warning_message,
)
from tests.enforcement.test_sweeps import (
    DAY,
    TZ,
    _assignment,
    _fines,
    _item,
    case,
    subject,
    task,
    visit,
)

NOW = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)), TZ)
SQL_SWEEPS = [s for s in sweeps() if s.rows is None]


def _facts(cast) -> None:
    """One small data set on which every SQL sweep raises at least one warning."""
    repeat = subject(cast, "重复检查的餐馆")
    visit(cast, repeat, DAY - dt.timedelta(days=12), t=task(cast, repeat))
    visit(cast, repeat, DAY - dt.timedelta(days=2), unit=cast.department, t=task(cast, repeat))
    planned = subject(cast, "计划重复的超市")
    task(cast, planned, unit=cast.department, on=DAY + dt.timedelta(days=10), status="approved")
    task(cast, planned, on=DAY + dt.timedelta(days=20), status="draft")
    capped = subject(cast, "超频检查的工厂")
    visit(cast, capped, dt.date(2026, 2, 1), t=task(cast, capped))
    visit(cast, capped, dt.date(2026, 5, 1), t=task(cast, capped))
    quiet = subject(cast, "久未检查的商店")
    visit(cast, quiet, DAY - dt.timedelta(days=120), t=task(cast, quiet))
    case(cast, subject=quiet, source="complaint", stage="investigating")
    nocode = subject(cast, "无码检查的药店")
    on = DAY - dt.timedelta(days=14)
    visit(
        cast,
        nocode,
        on,
        with_code=False,
        file_due=add_working_days(on, 3),
        t=task(cast, nocode, status="on_site"),
    )
    for n, (stage, due) in enumerate(
        (
            ("checking", "check_due"),
            ("filing_review", "check_due"),
            ("investigating", "decision_due"),
            ("correcting", "correction_due"),
            ("decided", "service_due"),
            ("served", "payment_due"),
        ),
        start=1,
    ):
        case(cast, stage=stage, number=f"渝罚〔2026〕{n}号", **{due: DAY - dt.timedelta(days=3)})
        case(cast, stage=stage, **{due: add_working_days(DAY, 1)})  # no number: shown as #id
    _assignment(cast, "sent", NOW + dt.timedelta(hours=2))
    _assignment(cast, "on_site", NOW - dt.timedelta(hours=5))
    item = _item(cast)
    _fines(cast, item, cast.officer_a, [1000, 1000, 950, 1000, 1000, 500])
    _fines(cast, item, cast.officer_a2, [500, 400, 1000, 600, 300])
    _fines(cast, item, cast.supervisor_a, [500, 450, 600, 700, 200])


def _written_before(sweep) -> dict[str, str]:
    """What the sweep's SQL wrote as the message before: its templates in the default language, passed to
    format() directly (key -> message, cut at 500 as the INSERT cuts it)."""
    p_rows = _p_rows(sweep, DAY)
    sql, params = _statement(sweep, "SELECT f.key, left(f.message, 500) FROM found f", p_rows, DAY)
    with translation.override(settings.LANGUAGE_CODE):
        for name, (args, template) in message_specs(sweep).items():
            params[f"msg_{name}"] = pg_format(str(template), args)
    out: dict[str, str] = {}
    with connection.cursor() as cursor:
        for lo, hi in batch_bounds(sweep):
            cursor.execute(sql, params | {"lo": lo, "hi": hi})
            out.update(dict(cursor.fetchall()))
    return out


@pytest.fixture
def raised(cast) -> list[FenceWarning]:
    _facts(cast)
    with clock.at(NOW):
        before = {s.code: _written_before(s) for s in SQL_SWEEPS}
        for sweep in SQL_SWEEPS:
            run_sweep(sweep, day=DAY)
    warnings = list(FenceWarning.objects.order_by("rule", "key"))
    for w in warnings:
        assert w.message == before[w.rule][w.key], (w.rule, w.key)
    return warnings


def test_every_sql_sweep_stores_the_message_it_wrote_before_and_keeps_its_arguments(raised):
    assert {w.rule for w in raised} == {s.code for s in SQL_SWEEPS}  # every SQL sweep raised something
    assert all(w.message and "\x1f" not in w.message for w in raised)
    with translation.override(settings.LANGUAGE_CODE):
        for w in raised:
            kept = w.details["message"]
            assert isinstance(kept["name"], str) and isinstance(kept["args"], list)
            # The zh template formatted in Python from the kept arguments is the stored message.
            assert warning_message(w) == w.message, (w.rule, w.key)


def test_an_english_reader_gets_every_sweep_s_english_template(raised):
    with translation.override("en"):
        for w in raised:
            text = warning_message(w)
            assert text != w.message and "{" not in text, (w.rule, text)
            name = w.details["message"]["name"]
            args, template = message_specs(next(s for s in SQL_SWEEPS if s.code == w.rule))[name]
            assert text.startswith(str(template).split("{")[0]), (w.rule, text)
    late = next(w for w in raised if w.rule == "cases.deadline.payment" and w.key.endswith(":late"))
    with translation.override("en"):
        assert (
            warning_message(late)
            == f"渝罚〔2026〕6号: the deadline {DAY - dt.timedelta(days=3)} passed 3 day(s) ago."
        )
    with translation.override("zh-hans"):
        assert warning_message(late) == f"渝罚〔2026〕6号：期限{DAY - dt.timedelta(days=3)}已超过3天。"


def test_a_warning_without_kept_arguments_or_with_a_name_the_rule_does_not_declare_reads_as_stored(raised):
    w = next(w for w in raised if w.rule == "inspections.repeat_visit")
    with translation.override("en"):
        w.details = {k: v for k, v in w.details.items() if k != "message"}
        assert warning_message(w) == w.message
        w.details["message"] = {"name": "gone", "args": ["a"]}
        assert warning_message(w) == w.message
        w.details["message"] = {"name": "repeat", "args": ["too", "few"]}
        assert warning_message(w) == w.message
        w.details["message"] = "not an object"
        assert warning_message(w) == w.message
        w.rule = "no.such.rule"
        w.details["message"] = {"name": "repeat", "args": ["a", "b", "c", "d", "e"]}
        assert warning_message(w) == w.message


def _one(raised, rule: str, key_end: str = "") -> FenceWarning:
    return next(w for w in raised if w.rule == rule and w.key.endswith(key_end))


def test_the_desk_the_warning_page_and_the_api_read_in_the_reader_s_language(cast, client_for, raised):
    late = _one(raised, "cases.deadline.payment", ":late")
    repeat = _one(raised, "inspections.repeat_visit")
    client = client_for(cast.supervisor_a)
    en_late = "渝罚〔2026〕6号: the deadline 2026-06-07 passed 3 day(s) ago."
    zh_late = "渝罚〔2026〕6号：期限2026-06-07已超过3天。"
    en_repeat = "重复检查的餐馆 was inspected again on 2026-06-08, 10 days after"
    zh_repeat = "重复检查的餐馆于2026-06-08再次被检查"
    assert late.message == zh_late and repeat.message.startswith(zh_repeat)
    for lang, wanted, unwanted in (
        ("en", (en_late, en_repeat), (zh_late, zh_repeat)),
        ("zh-hans", (zh_late, zh_repeat), (en_late, en_repeat)),
    ):
        for w, text in ((late, wanted[0]), (repeat, wanted[1])):
            desk = client.get(reverse("desk") + f"?lang={lang}&rule={w.rule}").content.decode()
            assert text in desk and unwanted[0] not in desk and unwanted[1] not in desk, lang
            page = client.get(reverse("desk-warning", args=[w.pk]) + f"?lang={lang}").content.decode()
            assert text in page and unwanted[0] not in page and unwanted[1] not in page, lang
            # The kept arguments are not a fact of their own.
            assert "\x1f" not in page and '"args"' not in page
            api = client.get(reverse("api-desk-warning", args=[w.pk]) + f"?lang={lang}").json()
            assert api["message"].startswith(text), (lang, api["message"])
            assert all(f["label"] not in ("Message", "message") for f in api["facts"])


def test_the_zombie_sweep_computed_in_python_stores_the_same_sentence_and_reads_in_english(cast):
    from authority.models import AuthorityGrant

    item = _item(cast)
    grant = AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="statutory", valid_from=DAY - dt.timedelta(days=800)
    )
    sweep = next(s for s in sweeps() if s.code == "authority.zombie_item")
    run_sweep(sweep, day=DAY)
    (w,) = FenceWarning.objects.filter(rule="authority.zombie_item")
    since = grant.valid_from
    town = cast.town_a.name_zh  # the town as the default language names it, kept as written
    town_en = cast.town_a.name_en  # and as the data names it in English, for an English reader
    with translation.override("zh-hans"):
        zh = f"{town}自{since}承接T-001以来从未使用（评估12个月）：建议收回。"
        assert w.message == zh and warning_message(w) == zh
    assert w.details["message"] == {"name": "never", "args": [town, "T-001", str(since), "12"]}
    with translation.override("en"):
        assert warning_message(w) == (
            f"{town_en} has never used T-001 since {since} (12 months evaluated): propose recovering it."
        )


def test_units_named_by_a_sweep_read_in_english_where_the_data_has_an_english_name(cast, raised):
    """The town of a zombie item, the unit of a repeat visit, the department late on a whistle: written in
    Chinese by the SQL, read in English by an English reader when the unit has an English name;
    a business's name stays as registered, and a unit renamed since keeps the words written."""
    from authority.models import AuthorityGrant, EnforcementItem

    for unit, name_en in (
        (cast.town_a, "Jia Subdistrict"),
        (cast.department, "Test Market Regulation Bureau"),
    ):
        unit.name_en = name_en
        unit.save(update_fields=["name_en"])  # a save: the process reads the units' names again
    item = EnforcementItem.objects.get(district=cast.district, code="T-001")  # the fines' item of _facts
    AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="statutory", valid_from=DAY - dt.timedelta(days=800)
    )
    run_sweep(next(s for s in sweeps() if s.code == "authority.zombie_item"), day=DAY)
    zombie = FenceWarning.objects.select_related("town").get(rule="authority.zombie_item")
    repeat = _one(raised, "inspections.repeat_visit")
    whistle = _one(raised, "whistles.deadline.response")
    names = {"zombie": cast.town_a.name_zh, "whistle": cast.department.name_zh}
    with translation.override("en"):
        assert warning_message(zombie).startswith("Jia Subdistrict has never used T-001")
        text = warning_message(FenceWarning.objects.get(pk=repeat.pk))
        assert text.startswith("重复检查的餐馆 was inspected again")  # the business as registered
        assert "Jia Subdistrict inspected it" in text and cast.town_a.name_zh not in text
        # "must respond" or "has not responded", whichever of the two comes first
        assert warning_message(whistle).startswith("Test Market Regulation Bureau ")
    with translation.override("zh-hans"):
        assert warning_message(zombie).startswith(names["zombie"])
        assert warning_message(whistle).startswith(names["whistle"])
    cast.department.name_zh = "改名后的市场监管局"
    cast.department.save(update_fields=["name_zh"])
    with translation.override("en"):
        assert warning_message(whistle).startswith(names["whistle"])  # what was written, not a guess


def test_english_unit_names_cost_one_read_for_a_page_of_warnings_and_notifications(
    cast, raised, django_assert_max_num_queries
):
    """The units' names are read once per process (and again after a unit is saved), not once per warning:
    the desk and the bell list many. A whistle notification stored with Chinese names reads the English
    ones."""
    from whistles.models import Notification
    from whistles.notifications import render

    cast.department.name_en = "Test Market Regulation Bureau"
    cast.department.save(update_fields=["name_en"])
    warnings = list(FenceWarning.objects.select_related("town").order_by("pk"))
    assert len(warnings) >= 5
    with translation.override("en"):
        with django_assert_max_num_queries(1):
            texts = [warning_message(w) for w in warnings]
        with django_assert_max_num_queries(0):
            assert [warning_message(w) for w in warnings] == texts
    assert any(t.startswith("Test Market Regulation Bureau") for t in texts)
    late = Notification(
        recipient=cast.supervisor_a,
        kind="escalate",
        params={
            "ref": "W2026-00001",
            "department": cast.department.name_zh,
            "step": "check_in",
            "due": "2026-06-08 10:00",
        },
    )
    raised_by = Notification(
        recipient=cast.supervisor_a,
        kind="raised",
        params={"ref": "W2026-00001", "title": "无证摊点", "town": "没有这个镇街", "due": "2026-06-08 10:00"},
    )
    with translation.override("en"):
        assert render(late).startswith("Escalated: W2026-00001, Test Market Regulation Bureau is late")
        assert render(raised_by).startswith("没有这个镇街 whistled: 无证摊点.")  # no such unit: as written
    with translation.override("zh-hans"):
        assert cast.department.name_zh in render(late)
