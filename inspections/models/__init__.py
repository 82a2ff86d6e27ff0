"""Joint inspections (综合查一次) under Chongqing's 《重庆市规范涉企行政检查办法》 (市政府令第375号).

The pieces, top down:

- `InspectionList` / `InspectionItem` / `CheckPoint`: the published inspection-item list (检查事项清单) of a
  district.
  An item may be inspected on a date only when its list is published on that date (art 14, "清单之外无检查").
  Each check point (检查要点) names the enforcement item (authority) it would breach and its legal basis.
- `ChecklistTemplate` (+ `TemplatePoint`): a unit's checklist for a scenario (restaurant, building site, ...),
  versioned: a new version is a new row; a task keeps the versions it was built from.
- `InspectionTask`: one planned or on-the-spot inspection of one subject, led by one unit, with invited
  departments (`TaskInvitation`), officers (`TaskOfficer`) and the merged checklist (`TaskPoint`: one row per
  check point with every unit that asked for it and the body that holds the power on the date).
- `Visit`: the subject's ledger, one row per visit by any unit, with or without an inspection code.
- `FrequencyPolicy` and `WhiteListEntry`: the frequency caps as district data (arts 29-30).
- `SubjectProfile` (type, risk level, place of a subject) and `AnnualPlan` / `AnnualPlanEntry` (年度检查计划).

One module per part: `catalog`, `policy`, `tasks`, `visits`, `plans`.
"""

from __future__ import annotations

from .catalog import (
    ChecklistTemplate,
    CheckPoint,
    InspectionItem,
    InspectionList,
    TemplatePoint,
    lists_in_force_on,
)
from .plans import (
    AnnualPlan,
    AnnualPlanEntry,
    RiskLevel,
    SubjectProfile,
)
from .policy import (
    FrequencyPolicy,
    WhiteListEntry,
)
from .tasks import (
    InspectionTask,
    TaskInvitation,
    TaskOfficer,
    TaskPoint,
    TaskQuerySet,
    TaskSource,
)
from .visits import (
    InspectionDocument,
    PointPhoto,
    Visit,
    inspection_file_path,
)

__all__ = [
    "AnnualPlan",
    "AnnualPlanEntry",
    "CheckPoint",
    "ChecklistTemplate",
    "FrequencyPolicy",
    "InspectionDocument",
    "InspectionItem",
    "InspectionList",
    "InspectionTask",
    "PointPhoto",
    "RiskLevel",
    "SubjectProfile",
    "TaskInvitation",
    "TaskOfficer",
    "TaskPoint",
    "TaskQuerySet",
    "TaskSource",
    "TemplatePoint",
    "Visit",
    "WhiteListEntry",
    "inspection_file_path",
    "lists_in_force_on",
]
