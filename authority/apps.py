from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorityConfig(AppConfig):
    name = "authority"
    verbose_name = _("Authority lists")

    def ready(self) -> None:
        from .matching.nav import register as register_matching
        from .panels import register

        register()
        register_matching()
