from django.urls import path

from sauti.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("export.csv", views.alert_export, name="export"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
]
