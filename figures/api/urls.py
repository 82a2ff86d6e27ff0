"""Figures API paths (mounted under /api/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("figures/cities/<int:pk>/", views.CityFiguresView.as_view(), name="api-figures-city"),
    path("figures/districts/<int:pk>/", views.DistrictFiguresView.as_view(), name="api-figures-district"),
    path("figures/towns/<int:pk>/", views.TownFiguresView.as_view(), name="api-figures-town"),
]
