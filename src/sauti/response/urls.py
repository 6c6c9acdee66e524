from django.urls import path

from sauti.response import views

app_name = "response"
urlpatterns = [
    path("", views.board, name="board"),
    path("rows/", views.board_rows, name="rows"),
    path("feedback/", views.feedback_list, name="feedback"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("networks/", views.networks, name="networks"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="detail"),
    path("alerts/<int:alert_id>/transition/", views.transition, name="transition"),
    path("alerts/<int:alert_id>/ack/<int:tx_id>/", views.acknowledge, name="ack"),
    path("alerts/<int:alert_id>/incident/", views.incident, name="incident"),
]
