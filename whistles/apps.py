from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistlesConfig(AppConfig):
    name = "whistles"
    verbose_name = _("Whistles (街乡吹哨、部门报到)")
