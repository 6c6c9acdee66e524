from django.urls import path

from sauti.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
]
