"""Dashboard pages (mounted at the site root; every path starts with figures/)."""

from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("figures/", views.figures_home, name="home"),
    path("figures/cities/<int:pk>/", views.city_figures, name="city"),
    path("figures/districts/<int:pk>/", views.district_figures, name="district"),
    path("figures/towns/<int:pk>/", views.town_figures, name="town"),
]
