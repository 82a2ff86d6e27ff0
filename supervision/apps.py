from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """The supervisor's desk (fence warnings: queue, review, escalation) and the team view. Above every domain
    app: it reads cases, whistles and inspections, and writes only through their services and the core's."""

    name = "supervision"
    verbose_name = _("Supervision (监督)")

    def ready(self) -> None:
        from enforcement.fences import register_warning_listener

        from .facts import register_labels
        from .notifications import on_warnings, register_kinds
        from .panels import register as register_panels

        register_labels()
        register_kinds()
        register_warning_listener("supervision.notifications", on_warnings)
        register_panels()
