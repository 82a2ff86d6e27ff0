"""In-app notifications for whistles, and the hook for SMS or e-mail senders.

Services call `notify(...)` inside their transaction: it writes one `Notification` row per recipient. Rows are read
in the app (the bell in the top bar, the notifications page). If external senders are registered, a task delivers
each new row to each sender once, after commit; a sender that fails is retried on the next delivery attempt only
for that sender.

To add a sender (say, the district's SMS gateway), register it in an AppConfig.ready():

    from whistles.notifications import register_sender

    class GatewaySms:
        key = "sms"
        def send(self, notification, text):   # -> True when handed over
            return gateway.send(notification.recipient.phone, text) if notification.recipient.phone else True

    register_sender(GatewaySms())

`EmailSender` below is ready to use: it is registered when the setting `WHISTLE_EMAIL_NOTIFICATIONS` is true.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.models import Role, Unit, User
from enforcement.outbox import enqueue_many

from . import clock
from .models import Notification, WhistleAssignment, WhistleRequest

logger = logging.getLogger(__name__)


class NotificationSender(Protocol):
    key: str

    def send(self, notification: Notification, text: str) -> bool: ...


_SENDERS: dict[str, NotificationSender] = {}


def register_sender(sender: NotificationSender) -> None:
    _SENDERS[sender.key] = sender


def unregister_sender(key: str) -> None:
    _SENDERS.pop(key, None)


def senders() -> list[NotificationSender]:
    return list(_SENDERS.values())


class EmailSender:
    """Sends the notification text to the recipient's e-mail address, if they have one."""

    key = "email"

    def send(self, notification: Notification, text: str) -> bool:
        address = notification.recipient.email
        if not address:
            return True  # nothing to send to; do not retry
        subject = _("Zhifa whistle notification")
        sent = send_mail(subject, text, None, [address], fail_silently=False)
        return sent == 1


# kind -> message; params are filled in at display time, in the reader's language.
MESSAGES: dict[str, Any] = {
    "raised": gettext_lazy("%(town)s whistled: %(title)s. Check in by %(due)s."),
    "resent": gettext_lazy(
        "The district overruled your return of %(ref)s and re-sent it. Check in by %(due)s."
    ),
    "added": gettext_lazy("%(town)s also called your department on %(ref)s: %(title)s. Check in by %(due)s."),
    "acknowledged": gettext_lazy("%(department)s checked in on %(ref)s."),
    "on_site": gettext_lazy("%(department)s is on site / handling %(ref)s."),
    "handled": gettext_lazy("%(department)s reports %(ref)s handled. Please confirm and rate."),
    "returned": gettext_lazy("%(department)s returned %(ref)s: %(reason)s."),
    "return_review": gettext_lazy("%(department)s returned %(ref)s from %(town)s (%(reason)s). Review it."),
    "overruled": gettext_lazy(
        "The district overruled %(department)s's return of %(ref)s; it has been re-sent."
    ),
    "upheld": gettext_lazy("The district upheld %(department)s's return of %(ref)s."),
    "confirmed": gettext_lazy("%(town)s confirmed %(ref)s and rated it %(rating)s/5."),
    "reopened": gettext_lazy("%(town)s says %(ref)s is not resolved and reopened it."),
    "withdrawn": gettext_lazy("%(town)s withdrew %(ref)s."),
    "remind": gettext_lazy("%(ref)s: %(step)s is due at %(due)s."),
    "overdue": gettext_lazy("%(ref)s: %(department)s missed the %(step)s deadline (%(due)s)."),
    "escalate": gettext_lazy("Escalated: %(ref)s, %(department)s is late for %(step)s (due %(due)s)."),
}


def render(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    params = dict(notification.params)
    for key in ("reason", "step"):
        # Choice values are stored; their labels are shown in the reader's language.
        if key in params:
            params[key] = _label(key, params[key])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def _label(key: str, value: str) -> str:
    from .workflow import ReturnReason, Step

    choices = ReturnReason if key == "reason" else Step
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def link_for(notification: Notification) -> str:
    if notification.whistle_id:
        return reverse("whistle-detail", args=[notification.whistle_id])
    return reverse("whistle-notifications")


def responders_of(department: Unit) -> list[User]:
    return list(
        User.objects.filter(unit=department, is_active=True, groups__name=f"role:{Role.RESPONDER}").distinct()
    )


def town_contacts(whistle: WhistleRequest) -> list[User]:
    """The officer who raised it and the town's supervisors."""
    supervisors = User.objects.filter(
        unit_id=whistle.town_id, is_active=True, groups__name=f"role:{Role.SUPERVISOR}"
    )
    people = {whistle.raised_by_id: whistle.raised_by} if whistle.raised_by.is_active else {}
    for person in supervisors:
        people.setdefault(person.pk, person)
    return list(people.values())


def district_admins(district_id: int) -> list[User]:
    return list(
        User.objects.filter(
            unit__district_id=district_id, is_active=True, groups__name=f"role:{Role.DISTRICT_ADMIN}"
        ).distinct()
    )


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    whistle: WhistleRequest,
    assignment: WhistleAssignment | None = None,
    params: dict[str, Any] | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Write one notification per distinct recipient (never to the person who acted). Call inside the change's
    transaction; external delivery is queued on commit (through the outbox)."""
    seen: set[int] = set()
    rows = []
    for person in recipients:
        if person.pk in seen or (exclude is not None and person.pk == exclude.pk):
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                params=params or {},
                whistle=whistle,
                assignment=assignment,
                created_at=clock.now(),
            )
        )
    created = Notification.objects.bulk_create(rows)
    if created and _SENDERS:
        from .tasks import notification_deliver_task

        enqueue_many(notification_deliver_task, [[n.pk] for n in created])
    return created


def deliver(notification: Notification) -> list[str]:
    """Hand the notification to each registered sender that has not had it yet; returns the keys delivered now.
    Idempotent: a sender recorded in `deliveries` is skipped."""
    done = dict(notification.deliveries)
    delivered = []
    with translation.override(settings.LANGUAGE_CODE):
        text = render(notification)
    for sender in senders():
        if sender.key in done:
            continue
        try:
            ok = sender.send(notification, text)
        except Exception:  # a gateway failure must not lose the other senders' deliveries
            logger.exception("whistle notification %s: sender %s failed", notification.pk, sender.key)
            continue
        if ok:
            done[sender.key] = clock.now().isoformat()
            delivered.append(sender.key)
    if delivered:
        Notification.objects.filter(pk=notification.pk).update(deliveries=done)
    return delivered


def register_configured_senders() -> None:
    if getattr(settings, "WHISTLE_EMAIL_NOTIFICATIONS", False):
        register_sender(EmailSender())
