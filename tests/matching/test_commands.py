"""manage.py match and manage.py match_eval."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_match_prints_the_ranked_items_with_terms_and_holder(cast, catalog):
    out = run(
        "match", "电瓶车在楼道充电，门口还有人占道摆摊", district=cast.district.code, town=cast.town_a.code
    )
    lines = out.splitlines()
    assert lines[0].startswith(f"{cast.district.name_zh} ({cast.district.code})")
    assert "T-EBIKE" in out and "T-STALL" in out
    assert "电瓶车→电动自行车" in out
    assert f"holder: {cast.town_a.name_zh} holds it (statutory)" in out


def test_match_json_is_the_api_output(cast, catalog, client_for):
    out = run(
        "match",
        "超市卖过期牛奶",
        district=cast.district.code,
        town=cast.town_a.code,
        json=True,
        date="2025-03-01",
    )
    body = json.loads(out)
    api = (
        client_for(cast.officer_a)
        .post(
            "/api/match/",
            {"text": "超市卖过期牛奶", "town": cast.town_a.code, "date": "2025-03-01"},
            content_type="application/json",
        )
        .json()
    )
    assert body == api
    assert body["candidates"][0]["code"] == "T-FOOD"


def test_match_says_no_match(cast, catalog):
    out = run("match", "邻居借钱不还", district=cast.district.code)
    assert "No match" in out


def test_match_reads_one_description_per_line_and_answers_in_order(cast, catalog):
    lines = ["电瓶车在楼道充电", "", "邻居借钱不还", "Someone is blocking the fire exit", "工地半夜打桩施工"]
    out = run("match", district=cast.district.code, stdin=io.StringIO("\n".join(lines) + "\n"))
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines)
    firsts = [r["candidates"][0]["code"] if r["candidates"] else None for r in rows]
    assert firsts == ["T-EBIKE", None, None, "T-EXIT", "T-NIGHT"]
    assert rows[2]["no_match"] is True


def test_match_refuses_bad_arguments(cast, catalog):
    with pytest.raises(CommandError, match="no district"):
        run("match", "x", district="NOPE")
    with pytest.raises(CommandError, match="bad --date"):
        run("match", "x", district=cast.district.code, date="2025-02-30")
    with pytest.raises(CommandError, match="no town"):
        run("match", "x", district=cast.district.code, town=cast.department.code)


def test_match_eval_prints_the_figures_per_language(cast, catalog, tmp_path):
    path = tmp_path / "eval.csv"
    path.write_text(
        "id,lang,text,expected_codes\n"
        "1,zh,电瓶车在楼道充电,T-EBIKE\n"
        "2,zh,邻居借钱不还,\n"
        "3,en,The supermarket sells expired milk,T-FOOD\n"
        "4,en,Street vendors block the sidewalk and a site hammers piles at night,T-STALL|T-NIGHT\n"
        "5,en,My cat is lost,\n"
        "6,zh,超市卖过期牛奶,T-FUME\n",
        encoding="utf-8",
    )
    out = run("match_eval", str(path), district=cast.district.code)
    table = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split() and line.split()[0] in ("en", "zh", "all")
    }
    # lang n items none top-1 top-3 no-match-acc false-no-match
    assert table["en"][1:] == ["3", "2", "1", "1.000", "1.000", "1.000", "0.000"]
    assert table["zh"][1:] == ["3", "2", "1", "0.500", "0.500", "1.000", "0.000"]
    assert table["all"][1:4] == ["6", "4", "2"]
    figures = json.loads(run("match_eval", str(path), district=cast.district.code, json=True))
    assert figures["zh"]["top1"] == 0.5 and figures["en"]["no_match_accuracy"] == 1.0
    errors = run("match_eval", str(path), district=cast.district.code, errors=True)
    assert "6 [T-FUME] 超市卖过期牛奶" in errors


def test_match_eval_refuses_a_file_without_the_columns(cast, catalog, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,codes\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        run("match_eval", str(path), district=cast.district.code)
