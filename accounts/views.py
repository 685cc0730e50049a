from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import LoginForm
from accounts.roles import Action
from certification.models import CertificationRecord, State


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page; the template picks the section by role."""
    context = {"role": request.user.role}
    if request.user.can(Action.REVIEW):
        # What a reviewer opens the system for: how many dossiers wait in their scope.
        context["waiting"] = (
            CertificationRecord.objects.reviewable_by(request.user).filter(state=State.SUBMITTED).count()
        )
    return render(request, "accounts/home.html", context)
