"""The case page's action and declaration forms written in Python (cases/views/form_markup.py, and their
plain widgets by enforcement.widget_markup, issue 18): byte for byte what cases/_case_form_fields.html and
Django's widget templates wrote, for every action's form, unbound and bound with errors, in both languages;
the stage progress bar (cases/views/progress_markup.py) for every stage and steps reached; the whole case
page, for every role and several stages, equal to the page rendered through the templates."""

from __future__ import annotations

import itertools
import re

import pytest
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cases.forms import ACTION_FORMS, ActionForm, DeclarationForm
from cases.models import Case, CaseOfficer
from cases.views import case_page
from cases.views.form_markup import case_form_fields
from cases.views.progress_markup import case_progress_bar
from cases.workflow import PROGRESS_STEPS, Stage, progress_steps
from enforcement import units
from enforcement.widget_markup import WIDGET_MARKUP

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
ROLES = ("officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder", "admin")
TEMPLATES = DjangoTemplates()
JUNK = {"version": "x", "note": "<b>" * 2000, "amount": "-1", "paid_on": "no day", "correction_due": "x"}


@pytest.fixture(autouse=True)
def _built(settings):
    settings.WORK_PAGE_CACHE = False  # the built path: the view runs for every request
    units.forget_held()


def _by_templates(form) -> str:
    return render_to_string("cases/_case_form_fields.html", {"form": form})


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("data", [None, {}, JUNK], ids=["unbound", "empty", "junk"])
def test_every_action_form_is_written_as_the_templates_write_it(make_case, lang, data):
    case = make_case("investigating", title="占道 <表单> & “引号”")
    with translation.override(lang):
        for action, form_class in ACTION_FORMS.items():
            for renderer in (WIDGET_MARKUP, TEMPLATES):
                ours = case_form_fields(form_class(data, case=case, renderer=renderer))
                theirs = _by_templates(form_class(data, case=case, renderer=TEMPLATES))
                assert ours == theirs, (action, renderer)
        for data_ in (data, {"conflict": "on"}):
            ours = case_form_fields(DeclarationForm(data_))
            theirs = _by_templates(DeclarationForm(data_, renderer=TEMPLATES))
            assert ours == theirs


def _progress_by_template(steps) -> str:
    return render_to_string("cases/_case_progress.html", {"progress": steps})


def by_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case page as it was rendered before: each form's fields by cases/_case_form_fields.html (what the
    include wrote), its widgets by Django's templates, the progress bar by cases/_case_progress.html."""
    monkeypatch.setattr(case_page, "case_form_fields", _by_templates)
    monkeypatch.setattr(case_page, "case_progress_bar", _progress_by_template)
    monkeypatch.setattr(ActionForm, "default_renderer", TEMPLATES)
    monkeypatch.setattr(DeclarationForm, "default_renderer", TEMPLATES)


def _page(client: Client, url: str, post: dict[str, str] | None = None) -> tuple[int, str]:
    answer = client.post(url, post) if post is not None else client.get(url)
    return answer.status_code, TOKEN.sub(r"\1@", answer.content.decode())


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_the_case_page_is_the_page_the_templates_wrote(cast, make_case, client_for, monkeypatch, who, lang):
    stages = ("lead", "checking", "investigating", "notified", "deciding", "served")
    cases = [make_case(stage) for stage in stages]
    undeclared = make_case("investigating")
    CaseOfficer.objects.filter(case=undeclared, officer=cast.officer_a).update(declared_at=None)
    cases.append(undeclared)
    client = client_for(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    urls = [reverse("cases:case", args=[case.pk]) for case in cases]
    posts = [
        (reverse("cases:case-act", args=[cases[2].pk, "withdraw"]), {"note": ""}),
        (reverse("cases:case-declare", args=[undeclared.pk]), {"conflict": "on", "note": ""}),
    ]
    ours = [_page(client, url) for url in urls] + [_page(client, url, post) for url, post in posts]
    if who == "officer_a":  # forms were shown, one with errors, and the declaration
        assert sum(page.count('data-field="note"') for _, page in ours) > 10
        assert any(status == 400 and "invalid-feedback" in page for status, page in ours)
        assert any('data-testid="declare-form"' in page for _, page in ours)
    by_templates(monkeypatch)
    theirs = [_page(client, url) for url in urls] + [_page(client, url, post) for url, post in posts]
    assert ours == theirs
    assert Case.objects.filter(stage="withdrawn").count() == 0  # the refused posts changed nothing


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_progress_bar_is_written_as_its_template_writes_it(lang):
    keys = [key for key, _label, _stages in PROGRESS_STEPS]
    with translation.override(lang):
        for stage in Stage.values:
            for n in range(len(keys) + 1):
                for reached in itertools.combinations(keys, n):
                    for with_hearing in (True, False):
                        steps = progress_steps(stage, frozenset(reached), with_hearing=with_hearing)
                        theirs = _progress_by_template(steps)
                        assert case_progress_bar(steps) == theirs, (stage, reached, with_hearing)
