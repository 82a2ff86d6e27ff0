"""The words a benchmark is written in: tier levels, legal effects, circumstances (factors) and measurable
facts.

Everything here is plain data (no database). The standard circumstances are those of the 行政处罚法 and the
common local rules; a district may add its own in the database (`discretion.models.LocalFactor`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from authority.penalties import SEVERITY


class Scale(models.TextChoices):
    FOUR = "four", _("Four tiers (轻微/一般/较重/严重)")
    THREE = "three", _("Three tiers (从轻/一般/从重)")


class Level(models.TextChoices):
    MINOR = "minor", _("Minor (轻微)")
    LIGHTER = "lighter", pgettext_lazy("tier", "Lighter (从轻)")
    NORMAL = "normal", _("Normal (一般)")
    SERIOUS = "serious", _("Serious (较重)")
    HEAVIER = "heavier", pgettext_lazy("tier", "Heavier (从重)")
    GRAVE = "grave", _("Grave (严重)")


LEVELS_OF_SCALE: dict[str, tuple[str, ...]] = {
    Scale.FOUR: (Level.MINOR, Level.NORMAL, Level.SERIOUS, Level.GRAVE),
    Scale.THREE: (Level.LIGHTER, Level.NORMAL, Level.HEAVIER),
}
# Position on one axis: below 1 is lighter than normal, above 1 graver. Three- and four-tier tables share it.
LEVEL_RANK: dict[str, int] = {
    Level.MINOR: 0,
    Level.LIGHTER: 0,
    Level.NORMAL: 1,
    Level.SERIOUS: 2,
    Level.HEAVIER: 2,
    Level.GRAVE: 3,
}
NORMAL_RANK = LEVEL_RANK[Level.NORMAL]

# Chinese words accepted on import for each level.
LEVEL_ALIASES: dict[str, str] = {
    "轻微": Level.MINOR,
    "从轻": Level.LIGHTER,
    "较轻": Level.LIGHTER,
    "一般": Level.NORMAL,
    "较重": Level.SERIOUS,
    "从重": Level.HEAVIER,
    "严重": Level.GRAVE,
}


class Effect(models.TextChoices):
    """The legal effect of a circumstance (arts 30-33 and the national guidance)."""

    NO_PENALTY = "no_penalty", _("No penalty (不予处罚)")
    REDUCED = "reduced", _("Reduced below the minimum (减轻)")
    LIGHTER = "lighter", pgettext_lazy("effect", "Lighter (从轻)")
    HEAVIER = "heavier", pgettext_lazy("effect", "Heavier (从重)")


MITIGATING_EFFECTS = frozenset({Effect.NO_PENALTY, Effect.REDUCED, Effect.LIGHTER})


class ListKind(models.TextChoices):
    """Rows of the published lists beside a benchmark (art 33 and local lighter-penalty lists)."""

    NO_PENALTY = "no_penalty", _("No-penalty list (不予处罚清单)")
    FIRST_VIOLATION = "first_violation", _("First violation, no penalty (首违不罚)")
    LIGHTER = "lighter", _("Lighter-penalty list (从轻处罚清单)")
    REDUCED = "reduced", _("Reduced-penalty list (减轻处罚清单)")


LIST_ALIASES: dict[str, str] = {
    "不予处罚": ListKind.NO_PENALTY,
    "不予处罚清单": ListKind.NO_PENALTY,
    "首违不罚": ListKind.FIRST_VIOLATION,
    "从轻处罚": ListKind.LIGHTER,
    "从轻处罚清单": ListKind.LIGHTER,
    "减轻处罚": ListKind.REDUCED,
    "减轻处罚清单": ListKind.REDUCED,
}


# How heavy each penalty kind is: the one vocabulary's order (authority.penalties).
KIND_SEVERITY: dict[str, int] = SEVERITY


@dataclass(frozen=True)
class FactorSpec:
    """A circumstance with its legal effect. `auto`: derived from the party's history, not entered."""

    code: str
    name_zh: str
    name_en: str
    effect: str
    legal_basis: str = ""
    conditions: str = ""  # conditions of its use (required for 减轻)
    auto: bool = False
    local: bool = False

    @property
    def mitigating(self) -> bool:
        return self.effect in MITIGATING_EFFECTS

    @property
    def aggravating(self) -> bool:
        return self.effect == Effect.HEAVIER

    def name_for(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


FIRST_VIOLATION = "first_violation"
REPEAT_12M = "repeat_12m"
HISTORY_FACTORS = frozenset({FIRST_VIOLATION, REPEAT_12M})
# The three circumstances of art 33(1), first sentence: minor, corrected in time, no harmful consequence.
ART33_SHALL = ("minor_violation", "corrected_promptly", "no_harm")

REDUCED_CONDITIONS = (
    "减轻处罚应当经集体讨论决定，并在决定书中说明理由；罚款不得低于法定最低限额的一定比例（见本区裁量规则）。"
)

STANDARD_FACTORS: tuple[FactorSpec, ...] = (
    # Not punished at all.
    FactorSpec("under_14", "不满十四周岁", "Under 14 years of age", Effect.NO_PENALTY, "行政处罚法第三十条"),
    FactorSpec(
        "mental_incapacity",
        "精神病人、智力残疾人在不能辨认或者不能控制自己行为时违法",
        "Mentally ill or intellectually disabled and unable to recognise or control the conduct",
        Effect.NO_PENALTY,
        "行政处罚法第三十一条",
    ),
    FactorSpec(
        "no_fault",
        "有证据足以证明没有主观过错",
        "Evidence shows the party was not at fault",
        Effect.NO_PENALTY,
        "行政处罚法第三十三条第二款",
    ),
    # Mitigating.
    FactorSpec(
        "aged_14_18",
        "已满十四周岁不满十八周岁",
        "Aged 14 to 17",
        Effect.LIGHTER,
        "行政处罚法第三十条（从轻或者减轻）",
    ),
    FactorSpec(
        "eliminated_harm",
        "主动消除或者减轻违法行为危害后果",
        "Eliminated or reduced the harm on their own initiative",
        Effect.REDUCED,
        "行政处罚法第三十二条第（一）项",
        REDUCED_CONDITIONS,
    ),
    FactorSpec(
        "coerced",
        "受他人胁迫或者诱骗实施违法行为",
        "Acted under coercion or deception by others",
        Effect.REDUCED,
        "行政处罚法第三十二条第（二）项",
        REDUCED_CONDITIONS,
    ),
    FactorSpec(
        "confessed",
        "主动供述行政机关尚未掌握的违法行为",
        "Confessed violations the authority did not know of",
        Effect.REDUCED,
        "行政处罚法第三十二条第（三）项",
        REDUCED_CONDITIONS,
    ),
    FactorSpec(
        "meritorious",
        "配合行政机关查处违法行为有立功表现",
        "Helped the authority uncover violations (meritorious conduct)",
        Effect.REDUCED,
        "行政处罚法第三十二条第（四）项",
        REDUCED_CONDITIONS,
    ),
    FactorSpec(
        FIRST_VIOLATION,
        "初次违法（本区内此前无同一违法行为记录）",
        "First violation (no earlier record of this violation in the district)",
        Effect.LIGHTER,
        "行政处罚法第三十三条第一款",
        auto=True,
    ),
    FactorSpec(
        "minor_violation",
        "违法行为轻微",
        "The violation is minor",
        Effect.LIGHTER,
        "行政处罚法第三十三条第一款",
    ),
    FactorSpec(
        "corrected_promptly",
        "及时改正（主动或责令后按期改正）",
        "Corrected in time",
        Effect.LIGHTER,
        "行政处罚法第三十三条第一款",
    ),
    FactorSpec(
        "no_harm", "没有造成危害后果", "No harmful consequence", Effect.LIGHTER, "行政处罚法第三十三条第一款"
    ),
    FactorSpec("minor_harm", "危害后果轻微", "Harm was minor", Effect.LIGHTER, "行政处罚法第三十三条第一款"),
    FactorSpec(
        "cooperated",
        "积极配合调查，如实陈述违法事实并主动提供证据",
        "Cooperated with the investigation and told the truth",
        Effect.LIGHTER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "hardship",
        "老弱病残或生活确有困难的流动摊贩等",
        "Elderly, sick or disabled, or in real hardship",
        Effect.LIGHTER,
        "重庆市规范行政处罚裁量权办法（过罚相当）",
    ),
    # Aggravating.
    FactorSpec(
        REPEAT_12M,
        "一年内因同一违法行为受过行政处罚",
        "Penalised for the same violation within the last 12 months",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
        auto=True,
    ),
    FactorSpec(
        "refused_correct",
        "拒不改正或者逾期不改正",
        "Refused to correct or missed the deadline",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "obstructed",
        "阻碍、抗拒执法人员依法执行职务",
        "Obstructed or resisted officers",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "evidence_tampering",
        "伪造、隐匿、毁灭证据",
        "Forged, hid or destroyed evidence",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "harm_vulnerable",
        "侵害未成年人、老年人、残疾人等群体权益",
        "Harmed minors, the elderly or people with disabilities",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "public_safety",
        "危害公共安全或者造成恶劣社会影响",
        "Endangered public safety or caused a bad social impact",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "emergency_period",
        "在发生自然灾害、突发事件期间实施违法行为",
        "Committed during a natural disaster or emergency",
        Effect.HEAVIER,
        "国办发〔2022〕27号",
    ),
    FactorSpec(
        "retaliation",
        "对举报人、证人打击报复",
        "Retaliated against a whistle-blower or witness",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
    FactorSpec(
        "instigator",
        "胁迫、诱骗、教唆他人实施违法行为",
        "Coerced, deceived or incited others to commit it",
        Effect.HEAVIER,
        "重庆市规范行政处罚裁量权办法",
    ),
)
STANDARD_FACTOR_MAP: dict[str, FactorSpec] = {f.code: f for f in STANDARD_FACTORS}


class FactKind(models.TextChoices):
    NUMBER = "number", _("Number")
    BOOL = "bool", _("Yes / no")
    CHOICE = "choice", _("Choice")


@dataclass(frozen=True)
class FactSpec:
    """A measurable fact of a case that a tier's structured conditions may test (area, duration, harm,
    ...)."""

    key: str
    label: StrOrPromise
    kind: str
    unit: StrOrPromise = ""
    choices: tuple[
        tuple[str, StrOrPromise], ...
    ] = ()  # ordered from least to most serious: comparable with < and >
    auto: bool = False


HARM_CHOICES: tuple[tuple[str, StrOrPromise], ...] = (
    ("none", _("none")),
    ("minor", _("minor")),
    ("general", _("general")),
    ("serious", _("serious")),
    ("grave", _("grave")),
)

FACTS: tuple[FactSpec, ...] = (
    FactSpec("area_m2", _("Area occupied or affected"), FactKind.NUMBER, "m²"),
    FactSpec("duration_days", _("Duration of the conduct"), FactKind.NUMBER, _("days")),
    FactSpec("quantity", _("Quantity (items, vehicles, stalls)"), FactKind.NUMBER),
    FactSpec("volume_m3", _("Volume (waste, spoil, material)"), FactKind.NUMBER, "m³"),
    FactSpec("length_m", _("Length (fence, pipe, road)"), FactKind.NUMBER, "m"),
    FactSpec("value_yuan", _("Value of goods or works"), FactKind.NUMBER, _("yuan")),
    FactSpec("gains_yuan", _("Illegal gains"), FactKind.NUMBER, _("yuan")),
    FactSpec("excess_db", _("Noise above the limit"), FactKind.NUMBER, "dB(A)"),
    FactSpec("persons_affected", _("People affected"), FactKind.NUMBER),
    FactSpec("times_found", _("Times found in this matter (after warnings)"), FactKind.NUMBER),
    FactSpec("corrected_after_order", _("Corrected after the order to correct"), FactKind.BOOL),
    FactSpec("at_night", _("At night (22:00-06:00)"), FactKind.BOOL),
    FactSpec("sensitive_area", _("Near schools, hospitals, main roads or scenic areas"), FactKind.BOOL),
    FactSpec("harm", _("Harmful consequence"), FactKind.CHOICE, choices=HARM_CHOICES),
    FactSpec(
        "endangers_life_or_finance",
        _("Harmed life, health or financial safety (art 36: 5-year limit)"),
        FactKind.BOOL,
    ),
    FactSpec(
        "party_kind",
        _("Party"),
        FactKind.CHOICE,
        choices=(("person", _("person")), ("organisation", _("organisation"))),
    ),
    FactSpec("prior_12m", _("Earlier penalties for this violation in 12 months"), FactKind.NUMBER, auto=True),
    FactSpec("prior_total", _("Earlier records of this violation"), FactKind.NUMBER, auto=True),
)
FACT_MAP: dict[str, FactSpec] = {f.key: f for f in FACTS}
