"""The concept layer for German, Arabic, French, Spanish, Korean and Japanese (issue 15): a catalog imported
on the spot, no curated rules, answers a description in each language, and the evidence names the foreign
word and the legal word it stands for. The catalog is the fresh one of test_fresh_catalog (worded 设摊, 噪音,
丢弃)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from authority.matching.normalize import detect_lang, scan, term_key

from .test_fresh_catalog import DISTRICT, imported  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def match(text: str) -> dict:
    out = io.StringIO()
    call_command("match", text, district=DISTRICT, json=True, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("lang", "text", "code", "word"),
    [
        ("de", "Im Hinterhof wird ständig Müll abgeladen und nichts passiert", "F-TRASH", "Müll"),
        ("ar", "المطعم يطلق دخان المطبخ مباشرة إلى الشارع", "F-FUME", "دخان المطبخ"),
        ("fr", "Un chien sans laisse court partout dans la cour", "F-DOG", "sans laisse"),
        ("es", "Hay vendedores ambulantes con puestos en la acera todas las tardes", "F-STALL", "puestos"),
        ("ko", "옆 건물 공사장에서 밤마다 드릴 소리가 나요", "F-NOISE-SITE", "드릴"),
        ("ja", "隣の工事現場で毎晩ドリルの音がうるさい", "F-NOISE-SITE", "ドリル"),
    ],
)
def test_a_description_in_each_language_finds_the_item_with_no_rules(imported, lang, text, code, word):  # noqa: F811
    body = match(text)
    assert body["lang"] == lang
    assert body["no_match"] is False
    top3 = [c["code"] for c in body["candidates"][:3]]
    assert code in top3
    evidence = next(c for c in body["candidates"] if c["code"] == code)["evidence"]
    # the person sees the foreign word as typed and the legal vocabulary it was read as
    assert any(word in e["text"] and e["via"] and e["via"] != e["text"] for e in evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Muchas gracias por su ayuda, todo está bien ahora",
        "今日はいい天気ですね、ありがとう",
    ],
)
def test_a_foreign_description_naming_no_conduct_stays_no_match(imported, text):  # noqa: F811
    body = match(text)
    assert body["no_match"] is True
    assert body["candidates"] == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Los vecinos tiran basura en la calle todas las noches", "es"),
        ("Un camion a vidé des gravats au bord de la rivière", "fr"),
        ("Die Nachbarn grillen jeden Abend auf dem Balkon", "de"),
        ("駐車場にゴミが不法投棄されています", "ja"),
        ("이웃집 개가 밤새 짖어요", "ko"),
        ("الجيران يرمون القمامة في الشارع", "ar"),
        ("Someone dumps rubbish by the river", "en"),
        ("邻居天天在楼道里给电瓶车充电", "zh"),
    ],
)
def test_the_language_is_recognised(text, lang):
    assert detect_lang(text) == lang


def test_japanese_kanji_meet_chinese_wording_and_kana_stay_visible():
    text = scan("騒音とゴミの不法投棄").text
    assert "骚音" in text and "ゴミ" in text and "投弃" in text
    assert term_key("ゴミ") == "ゴミ"


def test_arabic_prefixes_and_german_compounds_meet_the_lexicon_words():
    assert scan("وقمامة").text.strip() == scan("قمامة").text.strip()
    assert scan("بالقمامة").text.strip() == scan("قمامة").text.strip()
    key = term_key("*müll*")
    assert key and key in scan("Sperrmüllhaufen").text
