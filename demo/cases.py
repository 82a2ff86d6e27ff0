"""Demo data for complaint intake and cases: the matching lexicon and rules (demo.matching), a morning of
12345 hotline tickets for 石油路街道 matched like any import, then a few hundred penalty cases replayed
through the real workflow (demo.case_replay). Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.complaints import complaints_import, complaints_match
from cases.labels import complaint_label
from cases.lifecycle import case_reply_periods_end
from cases.models import Complaint, ComplaintLabel
from enforcement.models import Unit, User

from .case_replay import seed as seed_cases
from .matching import seed as seed_matching

TOWN = "500103-001"
OFFICER = "shiyoulu_officer"
TICKETS = [
    ("12345-DEMO-0001", "石油路轻轨站出口每天傍晚都有七八个摆地摊卖水果卖袜子的，人行道只剩一条缝"),
    ("12345-DEMO-0002", "我们单元楼道里天天有人推电瓶车上楼充电，插线板从窗户拉进来，太吓人了"),
    ("12345-DEMO-0003", "万象城旁边工地晚上十一点多还在打桩，小孩根本睡不着"),
    ("12345-DEMO-0004", "楼下火锅店的油烟管直接对着我家窗户排，窗台上全是油"),
    ("12345-DEMO-0005", "邻居借了我三万块钱，说好年底还，现在电话都不接"),
    ("12345-DEMO-0006", "The supermarket on Zhongshan Road is selling yogurt that expired last week"),
    ("12345-DEMO-0007", "夜市烧烤摊占了半条马路，烟熏火燎的，还用大喇叭拉客"),
    ("12345-DEMO-0008", "表扬一下石油路执法队的小李，上次处理问题很耐心"),
    ("12345-DEMO-0009", "商场负一楼的安全出口被纸箱堵死了，还上了锁"),
    ("12345-DEMO-0010", "渣土车半夜经过，沿路掉泥巴，早上路面全是泥"),
    ("12345-DEMO-0011", "有人在小区绿化带里砍了两棵大黄葛树"),
    ("12345-DEMO-0012", "Someone walks a huge dog without a leash in the community park every morning"),
]


# The small demo (`seed_demo --small`): every case stage, with fewer cases, photos and documents than the full
# one.
SMALL = {"count": 40, "photos": 3, "documents": 2}


def seed(stdout: Any, *, small: bool = False) -> None:
    seed_matching(stdout)
    _seed_complaints(stdout)
    _seed_labels(stdout)
    seed_cases(stdout, **(SMALL if small else {}))
    _end_reply_periods(stdout)


def _end_reply_periods(stdout: Any) -> None:
    """The replayed notices whose reply period has run out since work against their decision deadline, as
    beat's hourly task leaves them (cases.lifecycle.case_reply_periods_end)."""
    moved: list[int] = []
    while batch := case_reply_periods_end():
        moved += batch
    if moved:
        stdout.write(
            f"Cases: {len(moved)} notices' reply periods ran out; their next deadline is the decision's."
        )


def _seed_complaints(stdout: Any) -> None:
    town = Unit.objects.filter(code=TOWN).first()
    officer = User.objects.filter(username=OFFICER).first()
    if town is None or officer is None:
        return
    recorded = set(
        Complaint.objects.filter(town=town, external_id__in=[t for t, _ in TICKETS]).values_list(
            "external_id", flat=True
        )
    )
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    rows = [
        {
            "text": text,
            "external_id": ticket,
            "channel": Complaint.Channel.HOTLINE,
            "received_at": start + dt.timedelta(minutes=17 * n),
        }
        for n, (ticket, text) in enumerate(TICKETS)
        if ticket not in recorded
    ]
    if not rows:
        return
    report = complaints_import(actor=officer, town=town, rows=rows, source="demo")
    complaints_match(
        ids=report.created
    )  # idempotent: in demo mode the on-commit task has already matched them
    done = (
        Complaint.objects.filter(pk__in=report.created)
        .exclude(match_status=Complaint.MatchStatus.PENDING)
        .count()
    )
    stdout.write(f"Complaints: {len(report.created)} demo hotline tickets recorded, {done} matched.")


# How the demo officer labels the morning's tickets (issue 15), so the complaint page shows a label and
# `match_eval --from-labels` has something to measure: most confirm the first suggestion; the night market
# names two conducts, the stall (the engine's first) and the open-air barbecue (its fourth: the engine put an
# unlicensed-transport item second), and the loan and the praise name no item. Two stay unlabelled for the
# officer to try.
CHOSEN = {"12345-DEMO-0007": ["CQ-CG-001", "CQ-HJ-002"]}
NONE = {"12345-DEMO-0005": "not_violation", "12345-DEMO-0008": "not_violation"}
UNLABELLED = {"12345-DEMO-0001", "12345-DEMO-0006"}


def _seed_labels(stdout: Any) -> None:
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        return
    done = 0
    complaints = Complaint.objects.filter(
        town__code=TOWN, external_id__in=[t for t, _ in TICKETS], label__isnull=True
    ).exclude(external_id__in=UNLABELLED)
    for complaint in complaints.order_by("external_id"):
        codes = [c["code"] for c in (complaint.match_result or {}).get("candidates", [])]
        if complaint.external_id in NONE or not codes:
            reason = NONE.get(complaint.external_id, ComplaintLabel.NoneReason.NOT_ENOUGH)
            complaint_label(actor=officer, complaint=complaint, none_reason=reason)
        else:
            try:
                complaint_label(
                    actor=officer, complaint=complaint, codes=CHOSEN.get(complaint.external_id, codes[:1])
                )
            except ValidationError:  # a catalog without the chosen codes: the first suggestion
                complaint_label(actor=officer, complaint=complaint, codes=codes[:1])
        done += 1
    if done:
        stdout.write(f"Complaint labels: {done} demo tickets labelled by {OFFICER}.")
