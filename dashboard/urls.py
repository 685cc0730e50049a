from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("country/", views.country, name="country"),
    path("<int:pk>/", views.unit, name="unit"),
    path("figures/", views.figure_list, name="figure_list"),
    path("report/", views.annual_report, name="annual_report"),
]
