from django.apps import AppConfig


class ResponseConfig(AppConfig):
    name = "sauti.response"
    label = "response"

    def ready(self) -> None:
        # The response app plugs into the alert workflow and into intake through registries, so
        # neither alerts nor channels import it (dependencies point one way).
        from sauti.alerts.workflow import on_create, on_transition
        from sauti.channels.services import inbound_route
        from sauti.response import services

        on_transition(services.on_alert_transition)
        on_create(services.on_alerts_created)
        inbound_route(services.ack_from_sms, looks_like=services.looks_like_ack)
