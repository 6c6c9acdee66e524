from django.urls import path

from sauti.places import views

app_name = "places"
urlpatterns = [
    path("", views.place_search, name="search"),
    path("suggest", views.place_suggest, name="suggest"),
    path("admin/<str:pcode>/", views.admin_unit_detail, name="admin_unit"),
    path("admin/<str:pcode>.geojson", views.admin_unit_geojson, name="admin_unit_geojson"),
    path("locality/<int:locality_id>/", views.locality_detail, name="locality"),
    path("locality/<int:locality_id>.geojson", views.locality_geojson, name="locality_geojson"),
    path("<str:kind>/<str:ref>/names", views.place_name_teach, name="teach"),
]
