"""Forms of the respondent's account pages: profile and consent, account deletion."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import DisplayName, EmailFrequency, Province, RespondentType
from .models import RespondentProfile
from .services.respondents import (
    FULL_NAME_MAX,
    ORGANISATION_MAX,
    check_organisation,
    phone_normalise,
)
from .text import clean_text


class TelInput(forms.TextInput):
    input_type = "tel"


class RespondentProfileForm(forms.Form):
    """Who the respondent is.

    `respondent_profile_save` checks everything again; the form runs the same checks first only
    so that every problem is reported at once, each at its field.
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    respondent_type = forms.ChoiceField(
        label=_("You comment as"),
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        help_text=_("The synthesis report counts comments by type of respondent."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=ORGANISATION_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_(
            "Required when you comment for an organisation, a business, a press agency or a "
            "state body."
        ),
    )
    province = forms.ChoiceField(
        label=_("Province or city"),
        choices=[("", _("Choose your province or city")), *Province.choices],
        help_text=_("Where you live or where your organisation is based."),
    )
    phone = forms.CharField(
        label=_("Telephone (optional)"),
        max_length=20,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        help_text=_("Never published. The drafting body may call you about your comment."),
    )
    display_name = forms.ChoiceField(
        label=_("Show my comments under"),
        choices=DisplayName.choices,
        widget=forms.RadioSelect,
        help_text=_("Your comments are public. Choose the name they are shown under."),
    )
    email_frequency = forms.ChoiceField(
        label=_("E-mail me notifications"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Replies to your comments, answers from the drafting body, drafts you follow."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read how my personal data is processed and I consent to its processing "
            "for this consultation."
        ),
        error_messages={
            "required": _("Tick the box to consent to the processing of your personal data.")
        },
    )

    def __init__(self, *args: Any, consent_needed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not consent_needed:
            del self.fields["consent"]

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "organisation" in cleaned:
            try:
                check_organisation(
                    respondent_type=cleaned.get("respondent_type", ""),
                    display_name=cleaned.get("display_name", ""),
                    organisation=clean_text(cleaned["organisation"], multiline=False),
                )
            except ValidationError as error:
                self.add_error("organisation", error)
        return cleaned

    @classmethod
    def initial_for(cls, *, user: User, profile: RespondentProfile | None) -> dict[str, str]:
        if profile is None:
            # Vietnamese names read family name first.
            return {
                "full_name": f"{user.last_name} {user.first_name}".strip(),
                "display_name": DisplayName.FULL_NAME,
                "email_frequency": EmailFrequency.IMMEDIATE,
            }
        return {
            name: getattr(profile, name)
            for name in (
                "full_name",
                "respondent_type",
                "organisation",
                "province",
                "phone",
                "display_name",
                "email_frequency",
            )
        }


class AccountDeleteForm(forms.Form):
    """Confirms the deletion: the password, or the e-mail address for accounts without one."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.CharField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("You sign in without a password here, so type your e-mail address instead."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["email"]
        else:
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email.casefold() != self.user.email.casefold():
            raise forms.ValidationError(_("Type the e-mail address you sign in with."))
        return email
