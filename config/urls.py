from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views

admin.site.site_header = _("ANTQ Registry — Quản trị")
admin.site.site_title = "ANTQ Registry"
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("movement/", include("movement.urls")),
    path("certification/", include("certification.urls")),
    path("audit/", include("audit.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("import/", include("dataio.urls")),
]

handler500 = "config.views.server_error"
