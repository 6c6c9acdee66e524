from django.urls import path

from sauti.channels import (
    break_glass_views,
    callback_views,
    legal_hold_views,
    reporter_status_views,
    views,
)

app_name = "channels"
urlpatterns = [
    path("reporters/", views.reporter_list, name="reporter_list"),
    path("reporters/<int:reporter_id>/", views.reporter_detail, name="reporter_detail"),
    path(
        "reporters/<int:reporter_id>/status/",
        reporter_status_views.reporter_status_change,
        name="reporter_status",
    ),
    path("reporters/<int:reporter_id>/hold/", legal_hold_views.hold_place, name="hold_place"),
    path("holds/<int:hold_id>/lift/", legal_hold_views.hold_lift, name="hold_lift"),
    path(
        "reporters/<int:reporter_id>/withdraw/",
        reporter_status_views.reporter_withdraw,
        name="reporter_withdraw",
    ),
    path("callbacks/", callback_views.callback_list, name="callback_list"),
    path("callbacks/<int:task_id>/", callback_views.callback_detail, name="callback_detail"),
    # Break-glass identity reveal (DP-6): request, the DPO's decision, the requester's reveal.
    path(
        "reporters/<int:reporter_id>/break-glass/",
        break_glass_views.reveal_request,
        name="reveal_request",
    ),
    path("reveal-requests/", break_glass_views.reveal_requests, name="reveal_requests"),
    path("reveal-requests/<int:grant_id>/", break_glass_views.reveal_grant, name="reveal_grant"),
    path(
        "reveal-requests/<int:grant_id>/decide/",
        break_glass_views.reveal_decide,
        name="reveal_decide",
    ),
]

# Gateway webhooks, mounted at /hooks/ by sauti.urls (no session, no CSRF: signed requests).
hook_urlpatterns = [
    path("<uuid:channel_uuid>/", views.webhook, name="webhook"),
    # Delivery reports on the SMS sent through the channel (Twilio, Android apps: status in the
    # body; RapidPro external channels: the status is the last step, …/status/delivered/).
    path("<uuid:channel_uuid>/status/", views.webhook_status, name="status"),
    path("<uuid:channel_uuid>/status/<slug:reported>/", views.webhook_status, name="status"),
]
