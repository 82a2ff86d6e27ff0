from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Joint inspections (综合查一次)")

    def ready(self) -> None:
        from authority.usage import UsageSource, register_usage_source
        from enforcement.audit_catalog import register_audit_actions, register_audit_objects
        from enforcement.fences import FenceRule, register_fence_rule
        from enforcement.home import NavEntry, register_nav
        from enforcement.models import Role

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .audit_actions import OBJECTS as AUDIT_OBJECTS
        from .panels import register as register_panels
        from .services import FREQUENT_IMMEDIATE
        from .sweeps import register as register_sweeps
        from .usage import inspection_usage

        register_audit_actions(*AUDIT_ACTIONS)
        register_audit_objects(*AUDIT_OBJECTS)
        register_fence_rule(
            FenceRule(
                FREQUENT_IMMEDIATE,
                _("Frequent on-the-spot inspections"),
                _(
                    "One body made more on-the-spot visits to one business within 30 days than the "
                    "district allows."
                ),
            )
        )
        register_usage_source(
            UsageSource(key="inspections", label=_("Inspections that checked the item"), fn=inspection_usage)
        )
        register_panels()
        register_sweeps()
        # One entry: a department reaches its invitations from the board (a button with the count) and its
        # home panel; another top-bar entry would wrap the bar for responders, who already have the most.
        register_nav(
            NavEntry(
                "inspections",
                _("Inspections"),
                "inspection-board",
                order=38,
                roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER, Role.DISTRICT_ADMIN}),
            )
        )
        from enforcement.maps import MapLayer, register_map_layer

        from .selectors.tasks import task_map_markers
        from .workflow import TaskStatus

        register_map_layer(
            MapLayer(
                "inspection",
                _("Joint inspections"),
                30,
                stages=lambda: list(TaskStatus.choices),
                markers=task_map_markers,
            )
        )
