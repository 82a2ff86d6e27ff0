"""In-app notifications for whistles, and the hook for SMS or e-mail senders.

Services call `notify(...)` inside their transaction: it writes one `Notification` row per recipient. Rows are
read in the app (the bell in the top bar, the notifications page). If external senders are registered, each
new row is due for delivery and a task (queued through the outbox on commit) delivers it to each sender once.

Delivery claims the row first with a conditional UPDATE (due, and not claimed by a worker still within its
lease), so two workers, or the task and the sweep, never send the same row twice. A sender that fails (returns
False or raises: a gateway timeout, a refused connection) is retried, alone, with a growing wait (1, 2, 4 ...
minutes, at most an hour) up to `MAX_DELIVERY_ATTEMPTS` times; then the row is left with its error for a
person to see. Beat's `notification_delivery_sweep_task` delivers what has come due, in bounded batches, so a
send that failed, or a task lost with a worker, is not lost. A sender returns True when the notification is
handed over, or when there is nothing to send (no address): that is not retried.

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

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement import notifications as inbox
from enforcement.models import Role, Unit, User
from enforcement.outbox import enqueue_many
from enforcement.unit_names import unit_name
from enforcement.work_cache import work_changed

from . import clock
from .models import Notification, WhistleAssignment, WhistleRequest

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
CLAIM_LEASE = dt.timedelta(minutes=5)  # a worker that died mid-send gives the row back after this
SWEEP_BATCH = 100


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


# Kinds other apps send through this channel (the supervisor's desk: fence warnings), each with its message
# and where opening it leads. Registered from their AppConfig.ready(); whistles import none of them.
_LINKS: dict[str, Callable[[Notification], str]] = {}


def register_notification_kind(kind: str, message: Any, link: Callable[[Notification], str]) -> None:
    MESSAGES[kind] = message
    _LINKS[kind] = link


def render(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        # Another app's notification (enforcement.notifications): it says how its kinds read.
        return inbox.render(notification.kind, notification.params) or notification.kind
    params = dict(notification.params)
    language = translation.get_language()
    for key in [k for k in params if "@" not in k]:
        # A text stored in several languages ("rule", "rule@en"): the reader's, else the default one.
        localized = params.get(f"{key}@{language}")
        if isinstance(localized, str):
            params[key] = localized
    for key in ("town", "department"):
        # Units' names are stored as written (in Chinese); an English reader reads their English names.
        if isinstance(params.get(key), str):
            params[key] = unit_name(params[key])
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
    if notification.kind in _LINKS:
        return _LINKS[notification.kind](notification)
    if notification.whistle_id:
        return reverse("whistle-detail", args=[notification.whistle_id])
    link = str((notification.params or {}).get("link") or "")
    if link.startswith("/") and not link.startswith("//"):  # a path of this site only
        return link
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
    whistle: WhistleRequest | None,
    assignment: WhistleAssignment | None = None,
    params: dict[str, Any] | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Write one notification per distinct recipient (never to the person who acted). Call inside the change's
    transaction; external delivery is queued on commit (through the outbox). `whistle` is None for a kind
    another app registered (`register_notification_kind`)."""
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
    if _SENDERS:
        for row in rows:
            row.delivery_due_at = row.created_at
    created = Notification.objects.bulk_create(rows)
    if created:
        work_changed()  # the recipients' bells and inboxes (a bulk insert sends no signal; not audited)
    if created and _SENDERS:
        from .tasks import notification_deliver_task

        enqueue_many(notification_deliver_task, [[n.pk] for n in created])
    return created


def notify_keyed(
    recipients: list[User], kind: str, params: dict[str, Any], key: str, exclude: User | None
) -> int:
    """The writer of enforcement.notifications: another app's notification, at most once per recipient and key
    (the unique constraint decides, so a retried step or two sweeps at once write it once)."""
    now = clock.now()
    seen: set[int] = set()
    rows = []
    for person in recipients:
        if person.pk in seen or (exclude is not None and person.pk == exclude.pk) or not person.is_active:
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                params=params,
                key=key[:120],
                created_at=now,
                delivery_due_at=now if _SENDERS else None,
            )
        )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    work_changed()  # the recipients' bells and inboxes (a bulk insert sends no signal; not audited)
    # The rows written now (those that conflicted were written before, at another moment).
    created = list(
        Notification.objects.filter(recipient_id__in=seen, key=key[:120], created_at=now).values_list(
            "pk", flat=True
        )
    )
    if created and _SENDERS:
        from .tasks import notification_deliver_task

        enqueue_many(notification_deliver_task, [[pk] for pk in created])
    return len(created)


def retry_wait(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 ... minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_WAIT)


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take the row for one delivery attempt: due, and not held by another worker. The row count says who
    won."""
    return bool(
        Notification.objects.filter(pk=pk, delivery_due_at__lte=now)
        .filter(Q(delivery_claimed_until__isnull=True) | Q(delivery_claimed_until__lt=now))
        .update(delivery_claimed_until=now + CLAIM_LEASE)
    )


def deliver(notification: Notification, *, now: dt.datetime | None = None) -> list[str]:
    """One delivery attempt: claim the row, hand it to each registered sender that has not had it yet, record
    each success at once, then release the row as delivered or due again after the backoff. Returns the keys
    delivered now; [] when the row is not due or another worker holds it. Idempotent: a sender in `deliveries`
    is skipped."""
    delivered, _complete = _attempt(notification, now or clock.now())
    return delivered


def _attempt(notification: Notification, now: dt.datetime) -> tuple[list[str], bool]:
    if not _claim(notification.pk, now):
        return [], False
    notification.refresh_from_db(fields=["deliveries", "delivery_attempts"])
    done = dict(notification.deliveries)
    delivered: list[str] = []
    errors: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):
        text = render(notification)
    for sender in senders():
        if sender.key in done:
            continue
        try:
            ok = sender.send(notification, text)
        except Exception as exc:  # a gateway failure must not lose the other senders' deliveries
            logger.exception("whistle notification %s: sender %s failed", notification.pk, sender.key)
            errors.append(f"{sender.key}: {exc!r}")
            continue
        if not ok:
            errors.append(f"{sender.key}: not accepted")
            continue
        done[sender.key] = clock.now().isoformat()
        delivered.append(sender.key)
        # Recorded before the next sender is called: a crash now repeats at most the send that was under way.
        Notification.objects.filter(pk=notification.pk).update(deliveries=done)
    attempts = notification.delivery_attempts + 1
    if not errors:
        release: dict[str, Any] = {"delivery_due_at": None, "delivery_error": ""}
    elif attempts >= MAX_DELIVERY_ATTEMPTS:
        logger.error("whistle notification %s: giving up after %s attempts", notification.pk, attempts)
        release = {"delivery_due_at": None, "delivery_error": "; ".join(errors)[:300]}
    else:
        release = {"delivery_due_at": now + retry_wait(attempts), "delivery_error": "; ".join(errors)[:300]}
    Notification.objects.filter(pk=notification.pk).update(
        deliveries=done, delivery_attempts=attempts, delivery_claimed_until=None, **release
    )
    return delivered, not errors


def deliver_due(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """The sweep: one delivery attempt for each of at most `limit` notifications due by `now`, oldest due
    first.
    Returns how many were delivered to every sender."""
    now = now or clock.now()
    if not _SENDERS:
        return 0
    due = (
        Notification.objects.filter(delivery_due_at__lte=now)
        .filter(Q(delivery_claimed_until__isnull=True) | Q(delivery_claimed_until__lt=now))
        .select_related("recipient")
        .order_by("delivery_due_at", "pk")[:limit]
    )
    return sum(_attempt(notification, now)[1] for notification in due)


def register_configured_senders() -> None:
    if getattr(settings, "WHISTLE_EMAIL_NOTIFICATIONS", False):
        register_sender(EmailSender())
