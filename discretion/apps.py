from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "discretion"
    verbose_name = _("Discretion benchmarks")

    def ready(self) -> None:
        from enforcement.audit_catalog import register_audit_actions, register_audit_objects

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .audit_actions import OBJECTS as AUDIT_OBJECTS
        from .fences import register as register_fences
        from .panels import register

        register_audit_actions(*AUDIT_ACTIONS)
        register_audit_objects(*AUDIT_OBJECTS)
        register()
        register_fences()
