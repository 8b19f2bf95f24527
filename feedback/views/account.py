"""Views: the respondent's profile and consent, personal-data download, account deletion."""

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..account_forms import AccountDeleteForm, RespondentProfileForm
from ..consent import consent_notice
from ..errors import FeedbackRefused
from ..selectors_respondents import consent_current, respondent_profile
from ..services.respondents import (
    ProfileRefused,
    check_can_delete,
    respondent_data_export,
    respondent_delete,
    respondent_profile_save,
)
from . import safe_next


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    current_consent = consent_current(user=user)
    existing = respondent_profile(user=user)
    form = RespondentProfileForm(
        request.POST or None,
        consent_needed=current_consent is None,
        initial=RespondentProfileForm.initial_for(user=user, profile=existing),
    )
    if request.method == "POST" and form.is_valid():
        try:
            respondent_profile_save(
                user=user,
                full_name=form.cleaned_data["full_name"],
                respondent_type=form.cleaned_data["respondent_type"],
                organisation=form.cleaned_data["organisation"],
                province=form.cleaned_data["province"],
                phone=form.cleaned_data["phone"],
                display_name=form.cleaned_data["display_name"],
                email_frequency=form.cleaned_data["email_frequency"],
                consent=form.cleaned_data.get("consent", False),
            )
        except FeedbackRefused as refusal:
            field = getattr(refusal, "field", None) if isinstance(refusal, ProfileRefused) else None
            form.add_error(field if field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("Your respondent profile has been saved."))
            return redirect(safe_next(request) or reverse("feedback:profile"))
    return TemplateResponse(
        request,
        "feedback/account/profile.html",
        {
            "form": form,
            "is_new": existing is None,
            "consent": current_consent,
            "notice": consent_notice(),
            "next": safe_next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return TemplateResponse(request, "feedback/account/data_export.html", {})
    data = respondent_data_export(user=cast(User, request.user))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"du-lieu-ca-nhan-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = AccountDeleteForm(request.POST or None, user=user)
    refusal = None
    try:
        check_can_delete(user=user)
    except FeedbackRefused as error:
        refusal = error
    if request.method == "POST" and refusal is None and form.is_valid():
        respondent_delete(user=user)
        logout(request)
        messages.success(
            request,
            _(
                "Your account has been deleted. Your comments stay in the public record "
                "without your name."
            ),
        )
        return redirect("wagtail_serve", "")
    return TemplateResponse(
        request,
        "feedback/account/delete.html",
        {"form": form, "refusal": refusal},
        status=(refusal.status if refusal else 400) if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("tai-khoan/ho-so/", profile, name="profile"),
    path("tai-khoan/du-lieu/", data_export, name="data_export"),
    path("tai-khoan/xoa/", account_delete, name="account_delete"),
]
