from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "sauti.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from sauti.indicators import tasks  # noqa: F401 - registers the job handlers
