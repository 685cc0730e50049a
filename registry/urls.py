from django.urls import path

from registry import lookups, views

app_name = "registry"

urlpatterns = [
    # Unit pages are hand-written (commune overview, roll-ups); the list is generic.
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("lookup/<slug:name>/", lookups.lookup, name="lookup"),
    *[
        pattern
        for entity in (
            views.UNITS,
            views.AREAS,
            views.ORGANISATIONS,
            views.COMMITTEES,
            views.FORCES,
            views.MODELS,
            views.REVIEWS,
        )
        for pattern in entity.urls()
    ],
    path("models/<int:pk>/reviews/add/", views.model_review_create, name="model_review_create"),
    path("reviews/<int:pk>/edit/", views.model_review_update, name="model_review_update"),
    path("reviews/<int:pk>/delete/", views.model_review_delete, name="model_review_delete"),
]
