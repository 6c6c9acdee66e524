from django.urls import path

from sauti.channels import callback_views, views

app_name = "channels"
urlpatterns = [
    path("reporters/", views.reporter_list, name="reporter_list"),
    path("reporters/<int:reporter_id>/", views.reporter_detail, name="reporter_detail"),
    path("callbacks/", callback_views.callback_list, name="callback_list"),
    path("callbacks/<int:task_id>/", callback_views.callback_detail, name="callback_detail"),
]

# Gateway webhooks, mounted at /hooks/ by sauti.urls (no session, no CSRF: signed requests).
hook_urlpatterns = [
    path("<uuid:channel_uuid>/", views.webhook, name="webhook"),
    # Delivery reports on the SMS sent through the channel (Twilio, Android apps: status in the
    # body; RapidPro external channels: the status is the last step, …/status/delivered/).
    path("<uuid:channel_uuid>/status/", views.webhook_status, name="status"),
    path("<uuid:channel_uuid>/status/<slug:reported>/", views.webhook_status, name="status"),
]
