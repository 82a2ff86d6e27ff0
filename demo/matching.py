"""Demo data for matching: the shared lexicon (from data/lexicon.csv) and curated rules for the demo catalog
(data/demo_rules.csv). Idempotent: rows already present are left alone."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from authority.matching.services import lexicon_load_shared, match_rules_load
from enforcement.models import District

from .core import DISTRICT_CODE


@transaction.atomic
def seed(stdout: Any) -> None:
    district = District.objects.filter(code=DISTRICT_CODE).first()
    added = lexicon_load_shared()
    rules = match_rules_load(district=district) if district is not None else 0
    stdout.write(f"Matching: {added} lexicon entries and {rules} curated rules added.")
