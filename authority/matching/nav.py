"""Top-bar entry for matching. Called from AuthorityConfig.ready() (authority/apps.py): `from .matching.nav
import register as register_matching; register_matching()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.home import NavEntry, register_nav
from enforcement.models import Role


def register() -> None:
    register_nav(
        NavEntry(
            key="matching",
            label=_("Matching"),
            url_name="matching:try",
            order=35,
            group="lists",
            roles=frozenset(
                {Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.DISTRICT_ADMIN, Role.RESPONDER}
            ),
        )
    )
