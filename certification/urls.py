from django.urls import path

from certification import views

app_name = "certification"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/submit/", views.record_submit, name="record_submit"),
    path("records/<int:pk>/approve/", views.record_approve, name="record_approve"),
    path("records/<int:pk>/reject/", views.record_reject, name="record_reject"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
    path("records/<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
    path("records/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("records/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("register/", views.register, name="register"),
    path("register/all/", views.register_all, name="register_all"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/batch-approve/", views.batch_approve, name="batch_approve"),
    path("status/", views.status, name="status"),
    path("status/subjects/", views.status_subjects, name="status_subjects"),
    path("status/subjects.xlsx", views.status_export, name="status_export"),
]
