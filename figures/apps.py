from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("The reform's figures (district and city dashboards)")

    def ready(self) -> None:
        from enforcement.audit import register_audit_listener
        from enforcement.fences import register_warning_listener

        from .panels import register
        from .services import figures_change_seen, figures_warnings_raised

        register()
        # Every change is audited in its own transaction: the audit row says which town's figures to redo.
        register_audit_listener(figures_change_seen)
        # A sweep raises its warnings in one statement (one audit row per run): they are announced here.
        register_warning_listener("figures", figures_warnings_raised)
