from django.urls import path

from sauti.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map.geojson", views.map_data, name="map_data"),
    path("records/<str:kind>/", views.records, name="records"),
    path("export", views.export, name="export"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/download", views.export_download, name="export_download"),
]
