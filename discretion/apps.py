from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "discretion"
    verbose_name = _("Discretion benchmarks")

    def ready(self) -> None:
        from enforcement.audit_catalog import register_audit_actions

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .fences import register as register_fences
        from .panels import register

        register_audit_actions(*AUDIT_ACTIONS)
        register()
        register_fences()
