from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivicConfig(AppConfig):
    name = "sauti.civic"
    label = "civic"
    verbose_name = _("Civil society")
