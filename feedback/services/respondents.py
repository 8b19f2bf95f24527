"""Writes on respondents: profile and consent, the personal-data download, account deletion."""

import datetime
import re
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ..choices import DisplayName, EmailFrequency, Province, RespondentType
from ..errors import FeedbackRefused
from ..models import (
    Consent,
    Feedback,
    Flag,
    Notification,
    RespondentProfile,
    Subscription,
    Support,
)
from ..selectors_respondents import consent_is_current
from ..text import clean_text
from .comments import province_resident_name
from .common import feedback_search_enqueue

FULL_NAME_MAX = 150
ORGANISATION_MAX = 255
# After separators are removed and +84 becomes 0: a mobile number (10 digits, 03/05/07/08/09)
# or a landline (11 digits, 02 + area code).
_PHONE = re.compile(r"^(?:0[35789]\d{8}|02\d{9})$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


class ProfileRefused(FeedbackRefused):
    """A profile the rules refuse; `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, status=400)
        self.field = field


def phone_normalise(value: str) -> str:
    """The number as digits only, national form ("0905123456"); "" for none; refused if invalid."""
    digits = _PHONE_SEPARATORS.sub("", clean_text(value, multiline=False))
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    if not _PHONE.match(digits):
        raise ProfileRefused(
            _(
                "Enter a Vietnamese telephone number, like 0905 123 456 or 0236 3821 234, "
                "or leave it empty."
            ),
            field="phone",
        )
    return digits


def check_organisation(*, respondent_type: str, display_name: str, organisation: str) -> None:
    """ProfileRefused when the organisation's name is needed and missing."""
    if organisation:
        return
    if respondent_type in RespondentType.organisational():
        raise ProfileRefused(
            _("Enter the name of the organisation you comment for."), field="organisation"
        )
    if display_name == DisplayName.ORGANISATION:
        raise ProfileRefused(
            _("Enter your organisation's name to show your comments under it."),
            field="organisation",
        )


def _name(value: str, *, field: str, maximum: int, label: str) -> str:
    name = clean_text(value, multiline=False)
    if len(name) > maximum:
        raise ProfileRefused(
            _("%(label)s can be at most %(max)s characters.") % {"label": label, "max": maximum},
            field=field,
        )
    return name


def _check_choice(value: str, choices: type[Any], *, field: str, message: str) -> None:
    if value not in choices.values:
        raise ProfileRefused(message, field=field)


@transaction.atomic
def respondent_profile_save(
    *,
    user: User,
    full_name: str,
    respondent_type: str,
    organisation: str,
    province: str,
    phone: str,
    display_name: str,
    email_frequency: str,
    consent: bool,
) -> RespondentProfile:
    """Create or update the user's respondent profile and return it.

    Refused with ProfileRefused (nothing saved): a value outside the published choices, an
    empty or too long name, an organisational type or an organisation display name without the
    organisation, an invalid phone number, or no consent when the user has not consented to the
    notice in force. Consent to the current notice is recorded once per version.
    """
    _check_choice(
        respondent_type,
        RespondentType,
        field="respondent_type",
        message=_("Choose one of the respondent types offered."),
    )
    _check_choice(
        province, Province, field="province", message=_("Choose one of the provinces offered.")
    )
    _check_choice(
        display_name,
        DisplayName,
        field="display_name",
        message=_("Choose one of the ways to show your name offered."),
    )
    _check_choice(
        email_frequency,
        EmailFrequency,
        field="email_frequency",
        message=_("Choose one of the notification options offered."),
    )
    clean_full_name = _name(
        full_name, field="full_name", maximum=FULL_NAME_MAX, label=_("Your full name")
    )
    if not clean_full_name:
        raise ProfileRefused(_("Enter your full name."), field="full_name")
    clean_organisation = _name(
        organisation,
        field="organisation",
        maximum=ORGANISATION_MAX,
        label=_("The organisation's name"),
    )
    check_organisation(
        respondent_type=respondent_type, display_name=display_name, organisation=clean_organisation
    )
    clean_phone = phone_normalise(phone)

    has_consent = consent_is_current(user=user)
    if not has_consent and not consent:
        raise ProfileRefused(
            _("Tick the box to consent to the processing of your personal data."), field="consent"
        )
    profile, _created = RespondentProfile.objects.update_or_create(
        user=user,
        defaults={
            "full_name": clean_full_name,
            "respondent_type": respondent_type,
            "organisation": clean_organisation,
            "province": province,
            "phone": clean_phone,
            "display_name": display_name,
            "email_frequency": email_frequency,
        },
    )
    if not has_consent:
        Consent.objects.create(user=user, version=settings.FEEDBACK_CONSENT_VERSION)
    return profile


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def respondent_data_export(*, user: User) -> dict[str, Any]:
    """Everything held about the user, JSON-serialisable, for the user alone to download.

    Secrets are left out: the password hash and two-factor keys are not the user's data to
    read back, only the fact that they exist.
    """
    profile = RespondentProfile.objects.filter(user=user).first()
    comments = (
        Feedback.objects.filter(author=user)
        .select_related("draft", "version")
        .prefetch_related("attachments", "answers")
        .order_by("created_at", "pk")
    )
    return {
        "account": {
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "has_password": user.has_usable_password(),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "linked_accounts": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": _when(account.date_joined),
                "last_login": _when(account.last_login),
                "data": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authenticators": [
            {
                "type": authenticator.type,
                "created_at": _when(authenticator.created_at),
                "last_used_at": _when(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "profile": None
        if profile is None
        else {
            "full_name": profile.full_name,
            "respondent_type": profile.respondent_type,
            "organisation": profile.organisation,
            "province": profile.province,
            "phone": profile.phone,
            "display_name": profile.display_name,
            "email_frequency": profile.email_frequency,
            "updated_at": _when(profile.updated_at),
        },
        "consents": [
            {"version": consent.version, "given_at": _when(consent.given_at)}
            for consent in Consent.objects.filter(user=user).order_by("given_at", "pk")
        ],
        "comments": [_comment_export(feedback) for feedback in comments],
        "supports": [
            {"comment_id": support.feedback_id, "created_at": _when(support.created_at)}
            for support in Support.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "flags": [
            {
                "comment_id": flag.feedback_id,
                "reason": flag.reason,
                "note": flag.note,
                "created_at": _when(flag.created_at),
                "resolved_at": _when(flag.resolved_at),
            }
            for flag in Flag.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "subscriptions": [
            {
                "draft": subscription.draft.title if subscription.draft else None,
                "thread_comment_id": subscription.thread_id,
                "created_at": _when(subscription.created_at),
            }
            for subscription in Subscription.objects.filter(user=user)
            .select_related("draft")
            .order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "draft": notification.draft.title,
                "comment_id": notification.feedback_id,
                "created_at": _when(notification.created_at),
                "read_at": _when(notification.read_at),
                "emailed_at": _when(notification.emailed_at),
            }
            for notification in Notification.objects.filter(user=user)
            .select_related("draft")
            .order_by("created_at", "pk")
        ],
    }


def _comment_export(feedback: Feedback) -> dict[str, Any]:
    return {
        "id": feedback.pk,
        "draft": feedback.draft.title,
        "version_number": feedback.version.number,
        "eid": feedback.eid,
        "reply_to_comment_id": feedback.parent_id,
        "kind": feedback.kind,
        "stance": feedback.stance,
        "body": feedback.body,
        "quote": feedback.quote,
        "suggested_text": feedback.suggested_text,
        "answers": [
            {"question": answer.question_text, "answer": answer.text}
            for answer in feedback.answers.all()
        ],
        "status": feedback.status,
        "moderation_reason": feedback.moderation_reason,
        "created_at": _when(feedback.created_at),
        "published_at": _when(feedback.published_at),
        "author_name": feedback.author_name,
        "respondent_type": feedback.respondent_type,
        "organisation": feedback.organisation,
        "province": feedback.province,
        "ip_address": feedback.ip_address,
        "attachments": [attachment.name for attachment in feedback.attachments.all()],
    }


def check_can_delete(*, user: User) -> None:
    """FeedbackRefused for staff accounts.

    Moderation decisions and dispositions record who made them; an administrator closes a staff
    account (deactivating it) so that record stays whole.
    """
    if user.is_staff or user.is_superuser or user.groups.exists():
        raise FeedbackRefused(
            _("Staff accounts cannot be deleted here: ask an administrator to close your account."),
            status=403,
        )


def _deidentified_name(feedback: Feedback, profile: RespondentProfile | None) -> str:
    if feedback.respondent_type in RespondentType.organisational():
        organisation = feedback.organisation or (profile.organisation if profile else "")
        if organisation:
            return organisation
    return province_resident_name(feedback.province)


@transaction.atomic
def respondent_delete(*, user: User) -> None:
    """Delete the account; the user's comments stay in the public record, de-identified.

    Each comment keeps its text, stance, respondent type, province, status and disposition, but
    loses its author, IP address and submission key, and is shown under the organisation's name
    (organisational respondents) or as from a citizen of the province. The profile, consents,
    e-mail addresses, supports, subscriptions and notifications go with the account; comments'
    support counts are kept. Refused for staff accounts (see `check_can_delete`).
    """
    check_can_delete(user=user)
    profile = RespondentProfile.objects.filter(user=user).first()
    comments = list(Feedback.objects.select_for_update().filter(author=user))
    # The public record is in the portal's language, whatever language the user reads in.
    with translation.override(settings.LANGUAGE_CODE):
        for feedback in comments:
            feedback.author_name = _deidentified_name(feedback, profile)
            if feedback.respondent_type not in RespondentType.organisational():
                # An individual's employer, shown by their choice, would point back at them.
                feedback.organisation = ""
            feedback.author = None
            feedback.ip_address = None
            feedback.idempotency_key = None
    Feedback.objects.bulk_update(
        comments, ["author", "author_name", "organisation", "ip_address", "idempotency_key"]
    )
    feedback_search_enqueue(feedback_ids=[feedback.pk for feedback in comments])
    user.delete()
