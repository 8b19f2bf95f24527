"""Forms citizens fill in: a comment (or reply) and a flag. Rules live in the services."""

import uuid

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftPage

from .attachments import ACCEPT
from .choices import FlagReason, Stance
from .services.comments import BODY_MAX, QUOTE_MAX, SUGGESTION_MAX, CommentInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        # The service counts characters after cleaning; this only stops absurd posts early.
        max_length=BODY_MAX * 2,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def comment_input(self) -> CommentInput:
        return CommentInput(body=self.cleaned_data["body"])


class CommentForm(ReplyForm):
    """A comment on the whole draft or one provision; answers to the targeted questions added."""

    quote = forms.CharField(
        label=_("Passage you comment on (optional)"),
        help_text=_("Copy the words from the provision, or select them on the draft's page."),
        required=False,
        max_length=QUOTE_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    stance = forms.ChoiceField(
        label=_("Your stance"), choices=Stance.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Your comment"),
        help_text=_("Plain text, up to 10.000 characters. Line breaks are kept."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX * 2,
    )
    suggested_text = forms.CharField(
        label=_("Suggested wording of the provision (optional)"),
        help_text=_("Write the provision as you would have it; the change is shown to everyone."),
        required=False,
        max_length=SUGGESTION_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    critique = forms.BooleanField(
        label=_("This is an official critique (ý kiến phản biện) from our organisation"),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("PDF, Word (.docx) or images (PNG, JPEG, WebP); up to 5 files of 10 MB each."),
        required=False,
    )

    def __init__(
        self,
        *args: object,
        draft: DraftPage,
        on_provision: bool,
        may_critique: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not on_provision:
            del self.fields["quote"], self.fields["suggested_text"]
        if not may_critique:
            del self.fields["critique"]
        self.questions = list(draft.targeted_questions.all())
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=BODY_MAX,
            )

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{question.pk}"] for question in self.questions]

    def comment_input(self) -> CommentInput:
        data = self.cleaned_data
        return CommentInput(
            body=data["body"],
            stance=data["stance"],
            quote=data.get("quote", ""),
            suggested_text=data.get("suggested_text", ""),
            kind="critique" if data.get("critique") else "comment",
            answers={q.pk: data.get(f"answer_{q.pk}", "") for q in self.questions},
            attachments=data.get("attachments", []),
        )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this comment?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
