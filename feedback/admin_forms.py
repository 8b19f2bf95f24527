"""Forms of the staff's feedback admin: moderation decisions, answers, paper submissions."""

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from drafts.models import DraftPage, DraftVersion
from drafts.selectors import published_versions

from .attachments import ACCEPT
from .choices import (
    Channel,
    DispositionKind,
    FeedbackKind,
    ModerationAction,
    ModerationReason,
    Province,
    RespondentType,
    Stance,
)
from .selectors import staff_drafts
from .services.comments import BODY_MAX, SUGGESTION_MAX
from .services.dispositions import ANSWER_MAX
from .services.moderation import NOTE_MAX
from .services.reports import APPENDIX_MAX_COMMENTS


def selected_ids(values: list[str]) -> list[int]:
    """The comment ids ticked in a listing (`id` parameters); anything else is ignored."""
    return sorted({int(value) for value in values if value.isdigit()})


class ModerationDecisionForm(forms.Form):
    """Publish or hide: hiding needs a reason from the published list (Điều lệ góp ý)."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ModerationAction.PUBLISH, _("Publish")),
            (ModerationAction.HIDE, _("Hide")),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Reason (required to hide)"),
        choices=[("", _("— no reason —")), *ModerationReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note for the log (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("action") == ModerationAction.HIDE and not data.get("reason"):
            self.add_error("reason", _("Choose the published rule the comments break."))
        return data


class DispositionForm(forms.Form):
    """The drafting body's answer to a group of comments."""

    kind = forms.ChoiceField(label=_("Disposition"), choices=DispositionKind.choices)
    answer = forms.CharField(
        label=_("Answer (published with the comments)"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    changed_eid = forms.CharField(
        label=_("Provision changed in a later version (optional)"),
        help_text=_("Its identifier in the later version, for example art_5__para_2."),
        required=False,
        max_length=200,
    )


class VersionChoiceField(forms.ModelChoiceField):
    """A draft version by its label; ``with_title``: after its draft's title, among many drafts."""

    def __init__(self, *args: Any, with_title: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_title = with_title

    def label_from_instance(self, obj: DraftVersion) -> str:
        return f"{obj.draft.title} – {obj.label}" if self.with_title else str(obj.label)


class PaperSubmissionForm(forms.Form):
    """A submission received on paper or by official letter (công văn), typed in by staff."""

    draft = forms.ModelChoiceField(label=_("Draft"), queryset=DraftPage.objects.none())
    version = VersionChoiceField(
        label=_("Version commented on"), queryset=DraftVersion.objects.none(), with_title=True
    )
    eid = forms.CharField(
        label=_("Provision (optional)"),
        help_text=_("Its identifier, for example art_5__para_2; leave empty for the whole draft."),
        required=False,
        max_length=200,
    )
    organisation = forms.CharField(
        label=_("From (organisation or person)"), max_length=255, strip=True
    )
    respondent_type = forms.ChoiceField(label=_("Respondent type"), choices=RespondentType.choices)
    province = forms.ChoiceField(
        label=_("Province or city"),
        choices=[("", _("— not stated —")), *Province.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(Channel.LETTER, Channel.LETTER.label), (Channel.PAPER, Channel.PAPER.label)],
    )
    received_on = forms.DateField(label=_("Received on"), widget=AdminDateInput)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=FeedbackKind.choices,
        initial=FeedbackKind.COMMENT,
        help_text=_("An official critique (phản biện) comes from a press agency or organisation."),
    )
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    body = forms.CharField(
        label=_("Comment"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    suggested_text = forms.CharField(
        label=_("Suggested wording (optional)"),
        required=False,
        max_length=SUGGESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scan = forms.FileField(
        label=_("Scanned letter (optional, staff only)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        drafts = staff_drafts(user=user)
        self.fields["draft"].queryset = drafts  # type: ignore[attr-defined]
        self.fields["version"].queryset = (  # type: ignore[attr-defined]
            DraftVersion.objects.filter(draft__in=drafts, published_at__isnull=False)
            .select_related("draft")
            .order_by("-draft_id", "-number")
        )
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self) -> datetime.date:
        received: datetime.date = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return received

    def clean(self) -> dict:
        data = super().clean() or {}
        draft, version = data.get("draft"), data.get("version")
        if draft and version and version.draft_id != draft.pk:
            self.add_error("version", _("This version belongs to another draft."))
        if (
            data.get("kind") == FeedbackKind.CRITIQUE
            and data.get("respondent_type") not in RespondentType.organisational()
        ):
            self.add_error(
                "kind", _("Only press agencies and organisations submit official critiques.")
            )
        return data

    @property
    def received_at(self) -> datetime.datetime:
        """The day received, as the start of that day in the portal's time zone."""
        return datetime.datetime.combine(
            self.cleaned_data["received_on"],
            datetime.time.min,
            tzinfo=timezone.get_current_timezone(),
        )


class ReportRequestForm(forms.Form):
    """Which published version of the draft, and whether to list every comment."""

    version = VersionChoiceField(
        label=_("Version"),
        queryset=DraftVersion.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the version the report is about."),
            "invalid_choice": _("Choose one of this draft's published versions."),
        },
    )
    appendix = forms.BooleanField(
        label=_("Add the appendix: every published comment, one per row"),
        required=False,
    )

    def __init__(self, *args: object, draft: DraftPage, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(VersionChoiceField, self.fields["version"])
        field.queryset = published_versions(draft=draft).order_by("-number")
        self.fields["appendix"].help_text = gettext(
            "Longer to generate: about six comments a page, for at most %(limit)s comments."
        ) % {"limit": number_format(APPENDIX_MAX_COMMENTS, force_grouping=True)}
