from django.urls import path

from sauti.warning import views

app_name = "warning"
urlpatterns = [
    path("", views.warning_home, name="home"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag"),
    path("map/", views.hotspot_map, name="map"),
    path("map.geojson", views.map_data, name="map_data"),
    path("areas/<str:pcode>/override/", views.area_override, name="override"),
    path("areas/<str:pcode>/tier/", views.area_tier, name="tier"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("bulletin.pdf", views.bulletin, name="bulletin"),
]
