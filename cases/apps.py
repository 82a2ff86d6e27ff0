from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and complaints")

    def ready(self) -> None:
        from authority.matching.labelled import register_label_source
        from enforcement.audit_catalog import register_audit_actions, register_audit_objects
        from enforcement.home import NavEntry, register_nav
        from enforcement.models import Role

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .audit_actions import OBJECTS as AUDIT_OBJECTS
        from .fences import register as register_fences
        from .integrations import register
        from .notices import register as register_notices
        from .panels import register as register_panels
        from .selectors import labelled_examples

        register_label_source(labelled_examples)
        register_audit_actions(*AUDIT_ACTIONS)
        register_audit_objects(*AUDIT_OBJECTS)
        from .sweeps import register as register_sweeps

        register_sweeps()
        register()
        register_fences()
        register_panels()
        register_notices()
        register_nav(
            NavEntry(
                key="cases",
                label=_("Cases"),
                url_name="cases:case-list",
                order=35,
                roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.DISTRICT_ADMIN}),
            )
        )
        register_nav(
            NavEntry(
                key="complaints",
                label=_("Complaints"),
                url_name="cases:complaints",
                order=40,
                roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.DISTRICT_ADMIN}),
            )
        )
        from enforcement.maps import MapLayer, register_map_layer

        from .selectors import case_map_markers
        from .workflow import Stage

        register_map_layer(
            MapLayer("case", _("Cases"), 10, stages=lambda: list(Stage.choices), markers=case_map_markers)
        )
