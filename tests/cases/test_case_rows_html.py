"""The case lists' rows are written as HTML in Python for speed (cases.views.common.case_row, issue 18): each
must be, byte for byte, what the template loop it replaced gave, in both languages, for rows with and without
an item, a party, a deadline, an overdue deadline, and with text that needs escaping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from cases.models import Case
from cases.selectors import case_page_for
from cases.views.common import case_row, truncated

pytestmark = pytest.mark.django_db

# cases/_case_rows.html's two loops as they were before the rows were written in Python.
CARDS = Template(
    """{% load i18n %}{% for r in rows %}{% with c=r.case %}
  <a href="{{ r.url }}" class="list-group-item list-group-item-action{% if r.overdue %} border-start border-danger border-3{% endif %}" data-testid="case-card" data-case="{{ c.pk }}">
    <div class="d-flex justify-content-between align-items-start gap-2">
      <span class="fw-semibold text-break">{{ c.title }}</span>
      {{ r.stage_html }}
    </div>
    <div class="small text-muted text-break">{{ c.reference }}{% if c.party_name %} · {{ c.party_name }}{% endif %}</div>
    {% if c.item %}<div class="small text-break">{{ c.item.code }} {{ c.item.name }}</div>{% endif %}
    <div class="small">{% translate "Next deadline" %}: {{ r.due_html }}</div>
  </a>
  {% endwith %}{% endfor %}"""  # noqa: E501
)
ROWS = Template(
    """{% load i18n %}{% for r in rows %}{% with c=r.case %}
    <tr data-testid="case-row" data-case="{{ c.pk }}"{% if r.overdue %} class="table-danger"{% endif %}>
      <td class="small"><a href="{{ r.url }}" class="text-decoration-none">{{ c.reference }}</a>{% if c.town %}<div class="text-muted">{{ c.town.name }}</div>{% endif %}</td>
      <td><a href="{{ r.url }}" class="text-decoration-none">{{ c.title }}</a></td>
      <td class="small">{{ c.party_name|default:"—" }}</td>
      <td class="small">{% if c.item %}<span title="{{ c.item.name }}">{{ c.item.code }}</span><div class="text-muted">{{ c.item.name|truncatechars:24 }}</div>{% else %}<span class="text-muted">{% translate "not confirmed" %}</span>{% endif %}</td>
      <td>{{ r.stage_html }}</td>
      <td class="small text-nowrap">{{ r.due_html }}</td>
    </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_written_rows_equal_the_template_they_replace(cast, make_case, stall_item, lang):
    today = timezone.localdate()
    make_case("investigating", title='<b>"占道" & 经营</b>', party_name="李四 <O'Neil>")
    make_case("lead", party_name="")
    make_case("investigating", next_due=today - dt.timedelta(days=2))
    make_case("closed", next_due=today - dt.timedelta(days=2))
    Case.objects.filter(pk=make_case("checking").pk).update(item=None)
    stall_item.name_en = "Occupying the road <to trade> with a rather long English name"
    stall_item.save()
    with translation.override(lang):
        rows = [case_row(c, today) for c in case_page_for(user=cast.officer_a).cases]
        assert len(rows) == 5
        assert any(r["overdue"] for r in rows) and any(r["case"].item is None for r in rows)
        assert CARDS.render(Context({"rows": rows})) == "".join(r["card_html"] for r in rows)
        assert ROWS.render(Context({"rows": rows})) == "".join(r["row_html"] for r in rows)


@pytest.mark.parametrize(
    "text",
    ["", "短", "占道经营" * 6, "占道经营" * 7, "e\u0301" * 30, "Cafe\u0301 on the street corner, long"],
)
def test_truncated_is_the_truncatechars_filter(text):
    from django.template.defaultfilters import truncatechars

    for length in (24, 30):
        assert truncated(text, length) == truncatechars(text, length)
