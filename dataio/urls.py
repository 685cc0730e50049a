from django.urls import path

from dataio import views

app_name = "dataio"

urlpatterns = [
    path("", views.index, name="index"),
    path("confirm/", views.confirm, name="confirm"),
    path("template/<slug:entity>/", views.template, name="template"),
    path("export/<slug:entity>/", views.export, name="export"),
]
