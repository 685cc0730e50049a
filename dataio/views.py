"""The import page for administrators: upload → dry run with preview → confirm → one write."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Action
from dataio.engine import STATUS_LABELS
from dataio.entities import all_entities, get_resource
from dataio.exporters import EXPORT_FORMATS, export_response, template_workbook
from dataio.forms import ImportForm
from dataio.models import ImportLog
from dataio.readers import megabytes, vi_number
from dataio.services import ImportOutcome, close_interrupted, run_import
from registry.models import AdministrativeUnit
from registry.scoping import get_scoped_object_or_404

PENDING_KEY = "dataio_pending"
PENDING_MAX_AGE = 24 * 3600
UPLOAD_DIR = "imports"


def _require_import(request: HttpRequest) -> None:
    if not request.user.can(Action.IMPORT):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được nhập dữ liệu hàng loạt."))


def _pending_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_stale_uploads() -> None:
    """Previewed files nobody confirmed are dropped after a day."""
    cutoff = time.time() - PENDING_MAX_AGE
    for stale in _pending_dir().iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


def _index_context(request: HttpRequest, form: ImportForm | None = None) -> dict:
    close_interrupted()  # the log below must not show a killed import as still running
    return {
        "form": form or ImportForm(initial={"entity": request.GET.get("entity", "areas")}),
        "entities": all_entities(),
        "export_formats": EXPORT_FORMATS,
        "logs": ImportLog.objects.restrict(request.user, Action.IMPORT).select_related("user")[:20],
        "max_size": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES),
        "max_rows": vi_number(settings.IMPORT_MAX_ROWS),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Upload form (GET) and dry run with preview (POST)."""
    _require_import(request)
    if request.method != "POST":
        return render(request, "dataio/index.html", _index_context(request))
    # Refuse an oversized upload from its declared length, before reading the body.
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMPORT_MAX_UPLOAD_BYTES + 64 * 1024:
        messages.error(
            request,
            _("Tệp vượt giới hạn %(limit)s cho một lần nhập.")
            % {"limit": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)},
        )
        return render(request, "dataio/index.html", _index_context(request), status=413)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "dataio/index.html", _index_context(request, form), status=400)
    upload = form.cleaned_data["file"]
    slug = form.cleaned_data["entity"]
    outcome = run_import(
        get_resource(slug), upload, upload.name, request.user, dry_run=True, size=upload.size
    )
    token = ""
    if outcome.ok and outcome.plan.changed:
        _forget_stale_uploads()
        token = secrets.token_urlsafe(16)
        path = _pending_dir() / f"{token}.{outcome.log.file_format}"
        upload.seek(0)
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        pending = request.session.get(PENDING_KEY, {})
        pending[token] = {"entity": slug, "file_name": upload.name, "path": path.name}
        request.session[PENDING_KEY] = pending
    return _report(request, slug, outcome, token=token, dry_run=True)


@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Write the previewed file: the checks run again inside the write, all rows or none."""
    _require_import(request)
    if request.method != "POST":
        # The report of an import stays at this address: a reload or a bookmark lands here.
        messages.info(
            request,
            _(
                "Không có gì để xác nhận: hãy tải tệp lên để kiểm tra. Kết quả các lần nhập trước "
                "nằm ở mục “Các lần nhập gần đây”."
            ),
        )
        return redirect("dataio:index")
    token = request.POST.get("token", "")
    pending = request.session.get(PENDING_KEY, {})
    item = pending.pop(token, None)
    request.session[PENDING_KEY] = pending
    path = _pending_dir() / item["path"] if item else None
    if item is None or not path.exists():
        messages.error(request, _("Phiên nhập đã hết hạn hoặc đã được thực hiện; hãy tải tệp lên lại."))
        return redirect("dataio:index")
    try:
        with path.open("rb") as data:
            outcome = run_import(
                get_resource(item["entity"]), data, item["file_name"], request.user, dry_run=False
            )
    finally:
        path.unlink(missing_ok=True)
    return _report(request, item["entity"], outcome, dry_run=False)


def _report(
    request: HttpRequest, slug: str, outcome: ImportOutcome, *, dry_run: bool, token: str = ""
) -> HttpResponse:
    plan = outcome.plan
    return render(
        request,
        "dataio/report.html",
        {
            "entity": slug,
            "resource": get_resource(slug),
            "outcome": outcome,
            "plan": plan,
            "dry_run": dry_run,
            "token": token,
            "status_labels": STATUS_LABELS,
        },
        status=200 if outcome.ok else 422,
    )


@login_required
@require_GET
def template(request: HttpRequest, entity: str) -> HttpResponse:
    _require_import(request)
    resource = get_resource(entity)
    response = HttpResponse(
        template_workbook(resource),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{entity}.xlsx"'
    return response


@login_required
@require_GET
def export(request: HttpRequest, entity: str) -> HttpResponse:
    """Export what the user may see, optionally below one unit (``?unit=<id>``)."""
    resource = get_resource(entity)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        fmt = "xlsx"
    queryset = resource._meta.model._default_manager.visible_to(request.user)
    if request.GET.get("unit"):
        unit = get_scoped_object_or_404(AdministrativeUnit, request.user, pk=request.GET["unit"])
        lookup = resource._meta.model.scope_path_lookup
        queryset = queryset.filter(**{f"{lookup}__startswith": unit.path})
    return export_response(queryset, resource, fmt, slugify(f"{entity}") or "du-lieu")
