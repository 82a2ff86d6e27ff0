"""Open fence warnings wait in the one inbox of the people who review them (the desk's scope), with a count
on the home page; an officer's inbox and another town's supervisor's do not show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_open_warning_waits_in_the_supervisor_s_inbox_and_leaves_it_when_reviewed(
    cast, client_for, raise_warning
):
    from enforcement.models import Role
    from enforcement.services import fence_warning_review

    warning = raise_warning()
    url = reverse("desk-warning", args=[warning.pk])
    inbox = client_for(cast.supervisor_a).get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-fence_warnings"' in inbox and url in inbox
    home = client_for(cast.supervisor_a).get(reverse("home")).content.decode()
    assert 'data-testid="inbox-count-fence_warnings"' in home

    # Not the officer's to review, nor another town's supervisor's.
    assert url not in client_for(cast.officer_a).get(reverse("inbox")).content.decode()
    other = make_user(cast.town_b, [Role.SUPERVISOR], username="supervisor_b")
    assert url not in client_for(other).get(reverse("inbox")).content.decode()

    fence_warning_review(actor=cast.supervisor_a, warning=warning, status="acknowledged", note="已知悉")
    assert url not in client_for(cast.supervisor_a).get(reverse("inbox")).content.decode()
