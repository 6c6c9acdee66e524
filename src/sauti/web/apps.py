from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sauti.web"
    label = "web"
    verbose_name = "Web"
