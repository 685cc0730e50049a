from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry.models import AdministrativeUnit
from registry.scoping import get_scoped_object_or_404


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_object_or_404(AdministrativeUnit, request.user, pk=pk)
    return render(request, "registry/unit_detail.html", {"unit": unit})
