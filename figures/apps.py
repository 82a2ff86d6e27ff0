from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("The reform's figures (district and city dashboards)")

    def ready(self) -> None:
        from enforcement.audit import register_audit_listener

        from .panels import register
        from .services import figures_change_seen

        register()
        # Every change is audited in its own transaction: the audit row says which town's figures to redo.
        register_audit_listener(figures_change_seen)
