from django.urls import path

from movement import views

app_name = "movement"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_update, name="plan_update"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_update, name="campaign_update"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign_delete"),
    path("commendations/", views.commendation_list, name="commendation_list"),
    path("commendations/new/", views.commendation_create, name="commendation_create"),
    path("commendations/<int:pk>/", views.commendation_detail, name="commendation_detail"),
    path("commendations/<int:pk>/edit/", views.commendation_update, name="commendation_update"),
    path("commendations/<int:pk>/delete/", views.commendation_delete, name="commendation_delete"),
    path("commendations/<int:pk>/revoke/", views.commendation_revoke, name="commendation_revoke"),
    path("summary/", views.my_summary, name="my_summary"),
    path("units/<int:pk>/summary/", views.unit_summary, name="unit_summary"),
]
