"""Reads on respondents: their profile and whether their consent covers the current notice."""

from django.conf import settings
from django.contrib.auth.models import User

from .models import Consent, RespondentProfile


def respondent_profile(*, user: User) -> RespondentProfile | None:
    return RespondentProfile.objects.filter(user=user).first()


def consent_current(*, user: User) -> Consent | None:
    """The user's latest consent to the notice in force, or None when they must consent again."""
    return (
        Consent.objects.filter(user=user, version=settings.FEEDBACK_CONSENT_VERSION)
        .order_by("-given_at")
        .first()
    )


def consent_is_current(*, user: User) -> bool:
    return Consent.objects.filter(user=user, version=settings.FEEDBACK_CONSENT_VERSION).exists()
