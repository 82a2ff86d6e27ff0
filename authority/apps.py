from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorityConfig(AppConfig):
    name = "authority"
    verbose_name = _("Authority lists")

    def ready(self) -> None:
        from enforcement.audit_catalog import register_audit_actions, register_audit_objects

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .audit_actions import OBJECTS as AUDIT_OBJECTS
        from .matching.nav import register as register_matching
        from .panels import register

        register_audit_actions(*AUDIT_ACTIONS)
        register_audit_objects(*AUDIT_OBJECTS)
        from .sweeps import register as register_sweeps

        register_sweeps()
        register()
        register_matching()
