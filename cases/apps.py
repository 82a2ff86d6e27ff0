from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and complaints")

    def ready(self) -> None:
        from enforcement.home import NavEntry, register_nav
        from enforcement.models import Role

        from .integrations import register

        register()
        register_nav(
            NavEntry(
                key="complaints",
                label=_("Complaints"),
                url_name="cases:complaints",
                order=40,
                roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.DISTRICT_ADMIN}),
            )
        )
