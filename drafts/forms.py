"""Forms of the drafts admin: upload a text for import (a new draft, or a new version)."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from .importers import MAX_UPLOAD_BYTES, DraftImportError, ParsedDocument, parse_upload
from .models import DocumentType, DraftingBody, DraftPage, consultation_period_errors
from .selectors import drafting_bodies_for


class SourceFileMixin(forms.Form):
    source = forms.FileField(
        label=_("Draft text"),
        help_text=_(".docx, .txt or Akoma Ntoso .xml, at most 20 MB."),
    )

    parsed: ParsedDocument

    def clean_source(self) -> UploadedFile:
        upload = self.cleaned_data["source"]
        if upload.size > MAX_UPLOAD_BYTES:  # checked before reading a byte of it
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": upload.size // (1024 * 1024), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        data = upload.read()
        try:
            self.parsed = parse_upload(upload.name, data)
        except DraftImportError as error:
            raise forms.ValidationError(str(error)) from error
        self.source_data = data
        return upload


class DraftImportForm(SourceFileMixin):
    """A new draft: its text plus what the text cannot say (type, body, period)."""

    document_type = forms.ModelChoiceField(DocumentType.objects.all(), label=_("Document type"))
    drafting_body = forms.ModelChoiceField(DraftingBody.objects.none(), label=_("Drafting body"))
    opens_at = forms.DateTimeField(label=_("Consultation opens at"), widget=AdminDateTimeInput)
    closes_at = forms.DateTimeField(label=_("Consultation closes at"), widget=AdminDateTimeInput)
    short_period_reason = forms.CharField(
        label=_("Reason for a shorter period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        bodies = drafting_bodies_for(user=user)
        self.fields["drafting_body"].queryset = bodies  # type: ignore[attr-defined]
        if len(bodies) == 1:  # a drafter's own body: nothing to choose
            self.fields["drafting_body"].initial = bodies[0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if all(cleaned.get(name) for name in ("document_type", "opens_at", "closes_at")):
            for field, message in consultation_period_errors(
                document_type=cleaned["document_type"],
                opens_at=cleaned["opens_at"],
                closes_at=cleaned["closes_at"],
                reason=cleaned.get("short_period_reason", ""),
            ).items():
                self.add_error(field, message)
        return cleaned

    def import_options(self) -> dict[str, Any]:
        """What the text cannot say, kept (as JSON) with the staged upload until it is confirmed."""
        data = self.cleaned_data
        return {
            "document_type": data["document_type"].pk,
            "drafting_body": data["drafting_body"].pk,
            "opens_at": data["opens_at"].isoformat(),
            "closes_at": data["closes_at"].isoformat(),
            "short_period_reason": data["short_period_reason"],
        }


class VersionImportForm(SourceFileMixin):
    """The next version (dự thảo lần N) of an existing draft."""

    draft = forms.ModelChoiceField(DraftPage.objects.none(), label=_("Draft"))
    change_note = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["draft"].queryset = DraftPage.objects.filter(  # type: ignore[attr-defined]
            drafting_body__in=drafting_bodies_for(user=user)
        ).order_by("-opens_at")

    def import_options(self) -> dict[str, Any]:
        return {"change_note": self.cleaned_data["change_note"]}
