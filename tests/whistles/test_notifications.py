"""In-app notifications (the bell, the home panels, the list) and the hook for SMS / e-mail senders."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from whistles.models import Notification
from whistles.notifications import EmailSender, register_sender, render, unregister_sender
from whistles.services import assignment_acknowledge
from whistles.tasks import notification_deliver_task

pytestmark = pytest.mark.django_db


class RecordingSms:
    """A stand-in gateway kept in memory: it records what it was handed, like a real gateway's outbox."""

    key = "sms"

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def send(self, notification, text):
        self.sent.append((notification.recipient_id, text))
        return True


@pytest.fixture
def sms():
    sender = RecordingSms()
    register_sender(sender)
    yield sender
    unregister_sender("sms")


def test_the_bell_counts_unread_and_the_list_marks_read(cast, raise_whistle, client_for):
    whistle = raise_whistle()
    client = client_for(cast.responder)
    home = client.get(reverse("home"), {"lang": "en"}).content.decode()
    assert 'data-testid="bell-count"' in home and reverse("whistle-notification-badge") in home
    assert 'data-testid="panel-notifications"' in home and 'data-testid="panel-whistle-inbox"' in home
    badge = client.get(reverse("whistle-notification-badge")).content.decode()
    assert 'data-count="1"' in badge
    page = client.get(reverse("whistle-notifications"), {"lang": "en"}).content.decode()
    assert "whistled: 餐馆油烟扰民" in page
    note = Notification.objects.get(recipient=cast.responder)
    opened = client.post(reverse("whistle-notification-open", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("whistle-detail", args=[whistle.pk])
    assert client.get(reverse("whistle-notification-badge")).content.decode().strip() == ""
    assert (
        client_for(cast.officer_b).post(reverse("whistle-notification-open", args=[note.pk])).status_code
        == 404
    )


def test_messages_read_in_the_readers_language(cast, raise_whistle):
    from django.utils import translation

    raise_whistle()
    note = Notification.objects.get(recipient=cast.responder)
    with translation.override("zh-hans"):
        assert render(note).startswith("甲街道吹哨：餐馆油烟扰民")
    with translation.override("en"):
        # the town's name as the data has it in English (stored as written, in Chinese)
        assert cast.town_a.name_en
        assert render(note).startswith(f"{cast.town_a.name_en} whistled: 餐馆油烟扰民")


def test_town_panel_shows_my_whistles_and_the_raise_button(cast, raise_whistle, client_for):
    raise_whistle(title="我镇的问题")
    home = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert 'data-testid="panel-my-whistles"' in home and "我镇的问题" in home
    assert (
        'data-testid="panel-my-whistles"'
        not in client_for(cast.responder).get(reverse("home")).content.decode()
    )


def test_external_senders_get_each_notification_once(
    cast, raise_whistle, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        whistle = raise_whistle()
    assert sms.sent == [(cast.responder.pk, sms.sent[0][1])]
    assert "吹哨" in sms.sent[0][1]  # sent in the product's default language, Chinese
    note = Notification.objects.get(recipient=cast.responder)
    assert "sms" in note.deliveries
    assert notification_deliver_task(note.pk) == []  # a retried task sends nothing twice
    assert len(sms.sent) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assignment_acknowledge(actor=cast.responder, assignment=whistle.assignments.get())
    assert [r for r, _text in sms.sent[1:]] == [cast.officer_a.pk, cast.supervisor_a.pk]


def test_nothing_is_sent_when_the_change_rolls_back(
    cast, raise_whistle, sms, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        raise_whistle()
        raise RuntimeError("rolled back")
    assert callbacks == [] and sms.sent == []


def test_the_email_sender(cast, raise_whistle, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.responder.email = "responder@example.org"
    cast.responder.save(update_fields=["email"])
    raise_whistle()
    note = Notification.objects.get(recipient=cast.responder)
    assert EmailSender().send(note, render(note)) is True
    assert mail.outbox[0].to == ["responder@example.org"] and "餐馆油烟扰民" in mail.outbox[0].body
