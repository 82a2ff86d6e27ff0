from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "discretion"
    verbose_name = _("Discretion benchmarks")

    def ready(self) -> None:
        from .panels import register

        register()
