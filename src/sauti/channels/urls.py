from django.urls import path

from sauti.channels import views

app_name = "channels"
urlpatterns = [
    path("reporters/", views.reporter_list, name="reporter_list"),
    path("reporters/<int:reporter_id>/", views.reporter_detail, name="reporter_detail"),
    path("callbacks/", views.callback_list, name="callback_list"),
]

# Gateway webhooks, mounted at /hooks/ by sauti.urls (no session, no CSRF: signed requests).
hook_urlpatterns = [
    path("<uuid:channel_uuid>/", views.webhook, name="webhook"),
]
