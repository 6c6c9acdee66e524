from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sauti.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Job handlers live in each app's tasks.py; importing them registers them with the worker.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
