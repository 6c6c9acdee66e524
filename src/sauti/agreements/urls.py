from django.urls import path

from sauti.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:agreement_id>/", views.agreement_detail, name="detail"),
    path("<int:agreement_id>/reports", views.report_create, name="report_create"),
    path("reports/<int:report_id>/status", views.report_status, name="report_status"),
]
