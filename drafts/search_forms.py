"""The portal search form: what was typed and the draft filters, as GET parameters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from search.query import MAX_TEXT_LENGTH

from .models import ConsultationStatus, DocumentType, DraftingBody


class PortalSearchForm(forms.Form):
    """Parameter names are those of the draft list's filters, so its links and ours agree."""

    # Length, quotes and wildcards are checked by search.query.parse_text, with its messages.
    q = forms.CharField(
        label=_("Words to find"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_TEXT_LENGTH}),
    )
    status = forms.ChoiceField(label=_("Consultation status"), required=False)
    document_type = forms.ChoiceField(label=_("Document type"), required=False)
    drafting_body = forms.ChoiceField(label=_("Drafting body"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything = [("", _("All"))]
        fields = self.fields
        fields["status"].choices = [*everything, *ConsultationStatus.choices]  # type: ignore[attr-defined]
        fields["document_type"].choices = [  # type: ignore[attr-defined]
            *everything,
            *DocumentType.objects.values_list("code", "name"),
        ]
        fields["drafting_body"].choices = [  # type: ignore[attr-defined]
            *everything,
            *DraftingBody.objects.values_list("slug", "name"),
        ]

    @property
    def draft_filters(self) -> dict[str, str]:
        """The filters that only drafts can satisfy, those set (after validation)."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("status", "document_type", "drafting_body")
            if data.get(name)
        }
