"""Legal deadlines of a case, from the district's numbers and the one working-day calendar
(enforcement.calendar).

Which days count: "2/3/5/7 days" rules are working days (art 85): the check of a lead, the reply to a notice,
the hearing notice and service of the decision. The 90-day decision period (art 60) and the 15-day payment
period (art 67) are calendar days; a calendar period whose last day is a holiday ends on the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from enforcement.calendar import add_days, add_working_days, is_provisional
from enforcement.deadline_text import deadline_words, urgency
from enforcement.memo import remembered

from .models import Case, CasePolicy
from .workflow import Stage

CENT = Decimal("0.01")


@remembered(lambda district_id: district_id)
def policy_for(district_id: int) -> CasePolicy:
    """The district's numbers, or the defaults (an unsaved row) when it has none."""
    return CasePolicy.objects.filter(district_id=district_id).first() or CasePolicy(district_id=district_id)


def check_due(received: dt.date, policy: CasePolicy) -> dt.date:
    return add_working_days(received, policy.check_working_days)


def decision_due(case: Case, policy: CasePolicy) -> dt.date | None:
    """Filing + 90 days, + the days paused (hearing, testing, appraisal), + 30 when an extension was
    approved."""
    if case.filed_on is None:
        return None
    days = policy.decision_days + case.paused_days + (policy.extension_days if case.extended else 0)
    return add_days(case.filed_on, days, working=False)


def reply_due(notice_served_on: dt.date, policy: CasePolicy) -> dt.date:
    return add_working_days(notice_served_on, policy.reply_working_days)


def earliest_hearing(today: dt.date, policy: CasePolicy) -> dt.date:
    """The party is told of the hearing at least 7 (working) days before it (art 64)."""
    return add_working_days(today, policy.hearing_notice_working_days)


def service_due(decided_on: dt.date, policy: CasePolicy) -> dt.date:
    return add_working_days(decided_on, policy.service_working_days)


def payment_due(served_on: dt.date, policy: CasePolicy) -> dt.date:
    return add_days(served_on, policy.payment_days, working=False)


def late_fee(fine: Decimal | None, due: dt.date | None, paid_on: dt.date, policy: CasePolicy) -> Decimal:
    """3 % of the fine per day late (art 72), never more than the fine itself."""
    if not fine or due is None or paid_on <= due:
        return Decimal("0.00")
    days = (paid_on - due).days
    fee = (fine * policy.late_fee_percent / 100 * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(fee, fine)


def reply_open(case: Case, today: dt.date) -> bool:
    """The party's window to state, defend or ask for a hearing is still open on `today` (its last day
    included): notified, not waived, no statement yet, `reply_due` not passed."""
    return (
        case.stage == Stage.NOTIFIED
        and case.reply_due is not None
        and not (case.rights_waived or case.statement_made)
        and case.reply_due >= today
    )


def next_due(case: Case, today: dt.date | None = None) -> dt.date | None:
    """The deadline the case is now working against on `today` (for lists and reminders). A notified case
    works against the party's reply date while it is open, then against its decision deadline: the reply
    date was the party's to meet, not the team's (`case_reply_periods_end` moves it on the day after)."""
    from . import clock

    stage = case.stage
    if stage in {Stage.LEAD, Stage.CHECKING, Stage.FILING_REVIEW}:
        return case.check_due
    if stage == Stage.CORRECTING:
        return case.correction_due
    if reply_open(case, today or clock.today()):
        assert case.reply_due is not None
        return min(d for d in (case.reply_due, case.decision_due) if d)
    if stage == Stage.HEARING:
        return case.hearing_on or case.decision_due
    if stage in {Stage.INVESTIGATING, Stage.NOTIFIED, Stage.LEGAL_REVIEW, Stage.DECIDING}:
        return case.decision_due
    if stage == Stage.DECIDED:
        return case.service_due
    if stage == Stage.SERVED:
        return case.payment_due
    return None


# Which deadline, as the pages name it before its date ("陈述申辩期限 12月11日，还剩2个工作日").
LABELS = {
    "check": _("Check deadline"),
    "correction": _("Correction deadline"),
    "statement": _("Statement deadline"),
    "hearing": _("Hearing date"),
    "decision": _("Decision deadline (90 days from filing)"),
    "service": _("Service deadline"),
    "payment": _("Payment deadline"),
}


def next_due_label(case: Case) -> str:
    """Which deadline `next_due` is, from the fields a list row has (stage, reply_due, hearing_on)."""
    return str(LABELS[next_due_key(case)])


def next_due_key(case: Case) -> str:
    """The key in LABELS of the deadline `next_due` is."""
    stage = case.stage
    key = {
        Stage.LEAD: "check",
        Stage.CHECKING: "check",
        Stage.FILING_REVIEW: "check",
        Stage.CORRECTING: "correction",
        Stage.DECIDED: "service",
        Stage.SERVED: "payment",
    }.get(Stage(stage), "decision")
    if stage == Stage.NOTIFIED and case.next_due is not None and case.next_due == case.reply_due:
        key = "statement"
    if stage == Stage.HEARING and case.next_due is not None and case.next_due == case.hearing_on:
        key = "hearing"
    return key


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    due: dt.date
    overdue: bool
    done: bool
    provisional: bool = False  # counted without the holiday schedule of its year (enforcement.calendar)

    @property
    def text(self) -> str:
        """ "陈述申辩期限 12月11日，还剩2个工作日" (enforcement.deadline_text)."""
        return deadline_words(self.due, self.label, done=self.done)

    @property
    def urgency(self) -> str:
        return urgency(self.due, done=self.done)


def deadline_rows(case: Case, today: dt.date | None = None) -> list[DeadlineRow]:
    """The case's deadlines for its page: each with whether it was met (done) or is overdue."""
    from . import clock

    day = today or clock.today()
    rows: list[tuple[str, dt.date | None, bool]] = [
        (str(LABELS["check"]), case.check_due, case.stage not in {Stage.LEAD, Stage.CHECKING}),
        (str(LABELS["correction"]), case.correction_due, case.stage != Stage.CORRECTING),
        # The party's window, not the officers' deadline: once it has passed the case may go on to the
        # decision.
        (
            str(LABELS["statement"]),
            case.reply_due,
            case.stage != Stage.NOTIFIED
            or case.rights_waived
            or case.statement_made
            or (case.reply_due is not None and case.reply_due < day),
        ),
        (str(LABELS["hearing"]), case.hearing_on, case.hearing_held_on is not None),
        (
            str(LABELS["decision"]),
            case.decision_due,
            case.decided_on is not None or not case.is_open,
        ),
        (str(LABELS["service"]), case.service_due, case.served_on is not None),
        (
            str(LABELS["payment"]),
            case.payment_due,
            case.paid_on is not None or case.stage not in {Stage.SERVED},
        ),
    ]
    out = []
    for label, due, done in rows:
        if due is None:
            continue
        out.append(
            DeadlineRow(
                label,
                due,
                overdue=not done and due < day and case.is_open,
                done=bool(done),
                provisional=is_provisional(due),
            )
        )
    return out


def case_progress(case: Case) -> list[Any]:
    """The stage progress bar of the case page (workflow.progress_steps), from what the case has reached."""
    from .workflow import progress_steps

    reached = {
        "filed": case.filed_on is not None,
        "investigation": case.filed_on is not None,
        "notice": case.notice_served_on is not None,
        "hearing": case.hearing_held_on is not None,
        "decision": case.decided_on is not None,
        "service": case.served_on is not None,
        "execution": case.paid_on is not None
        or (case.served_on is not None and case.stage in {Stage.EXECUTED, Stage.CLOSED, Stage.ARCHIVED}),
        "closed": case.closed_on is not None,
    }
    with_hearing = case.hearing_requested_on is not None or case.stage == Stage.HEARING
    return progress_steps(
        case.stage, frozenset(k for k, v in reached.items() if v), with_hearing=with_hearing
    )
