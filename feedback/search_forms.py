"""The feedback search form: GET parameters, named like the comment list's (`dieu`, `phien-ban`)."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftPage
from search.query import MAX_FILTER_VALUES, MAX_TEXT_LENGTH, SORTS

from .choices import DispositionKind, FeedbackStatus, Province, RespondentType, Stance
from .documents import NONE, WHOLE_DRAFT
from .selectors_search import FeedbackSearchParams

# Field name -> URL parameter. Vietnamese, like the comment list's `dieu` and `phien-ban`;
# `q`, `sort` and `page` are the words every search and list on the site already uses.
PARAMETERS = {
    "q": "q",
    "draft": "du-thao",
    "version": "phien-ban",
    "provision": "dieu",
    "stance": "quan-diem",
    "respondent_type": "doi-tuong",
    "province": "tinh",
    "status": "trang-thai",
    "disposition": "tiep-thu",
    "has_attachment": "tep",
    "duplicate_group": "nhom",
    "date_from": "tu-ngay",
    "date_to": "den-ngay",
    "sort": "sort",
}
# The filters shown as facets (a fieldset of tick boxes, each with its count), in this order.
FACETS = (
    "stance",
    "respondent_type",
    "province",
    "status",
    "disposition",
    "has_attachment",
    "version",
)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # the date input's value, and what people type
SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "supported": _("Most supported"),
}
_EID = re.compile(r"^[A-Za-z0-9_]{1,200}$")


class NumberListField(forms.MultipleChoiceField):
    """Several whole numbers (version numbers, group ids) whose possible values are open-ended."""

    def valid_value(self, value: str) -> bool:
        return value.isdigit() and len(value) <= 12


class FeedbackSearchForm(forms.Form):
    """Validates what a search URL asks; the selector turns it into a query.

    `drafts` are the drafts the viewer may pick; `show_status` adds the status filter (people who
    see more than published comments).
    """

    q = forms.CharField(
        label=_("Words to find"),
        required=False,
        help_text=_(
            "Without diacritics is fine. “Quotation marks” for an exact phrase, -word to leave "
            "a word out, word* for words that start with it."
        ),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_TEXT_LENGTH}),
    )
    draft = forms.ModelChoiceField(
        label=_("Draft"),
        queryset=DraftPage.objects.none(),
        required=False,
        empty_label=_("All drafts"),
        error_messages={"invalid_choice": _("This draft does not exist or is not public.")},
    )
    version = NumberListField(label=_("Version"), required=False)
    provision = forms.CharField(
        label=_("Provision (with its clauses and points)"),
        required=False,
        help_text=_("Its identifier, for example art_5 or art_5__para_2."),
    )
    stance = forms.MultipleChoiceField(
        label=_("Stance"),
        required=False,
        choices=[*Stance.choices, (NONE, _("No stance (replies)"))],
    )
    respondent_type = forms.MultipleChoiceField(
        label=_("Respondent type"), required=False, choices=RespondentType.choices
    )
    province = forms.MultipleChoiceField(
        label=_("Province or city"),
        required=False,
        choices=[*Province.choices, (NONE, _("Not given"))],
    )
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=FeedbackStatus.choices
    )
    disposition = forms.MultipleChoiceField(
        label=_("Answer"),
        required=False,
        choices=[*DispositionKind.choices, (NONE, _("Not answered yet"))],
    )
    has_attachment = forms.MultipleChoiceField(
        label=_("Attached files"),
        required=False,
        choices=[("yes", _("With files")), ("no", _("Without files"))],
    )
    duplicate_group = NumberListField(label=_("Duplicate group"), required=False)
    date_from = forms.DateField(
        label=_("Submitted from"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Submitted until"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(sort, SORT_LABELS[sort]) for sort in SORTS],
    )

    def __init__(
        self,
        data: object = None,
        *,
        drafts: QuerySet[DraftPage],
        show_status: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(data, **kwargs)  # type: ignore[arg-type]
        self.fields["draft"].queryset = drafts  # type: ignore[attr-defined]
        if not show_status:
            del self.fields["status"]

    def add_prefix(self, field_name: str) -> str:
        """The URL parameter of a field: forms and links read and write the same names."""
        return PARAMETERS.get(field_name, field_name)

    def clean_provision(self) -> str:
        eid = self.cleaned_data["provision"].strip()
        if eid and eid != WHOLE_DRAFT and not _EID.match(eid):
            raise ValidationError(
                _("This is not a provision identifier (for example art_5__para_2).")
            )
        return eid

    def clean(self) -> dict:
        data = super().clean() or {}
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField) and len(data.get(name) or ()) > (
                MAX_FILTER_VALUES
            ):
                self.add_error(name, _("Too many values chosen."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def params(self, *, page: str | None) -> FeedbackSearchParams:
        """The validated search (call after is_valid())."""
        data = self.cleaned_data
        filters: dict[str, tuple[str, ...]] = {}
        if data.get("draft"):
            filters["draft"] = (str(data["draft"].pk),)
        if data.get("provision"):
            filters["provision"] = (data["provision"],)
        for name in (*FACETS, "duplicate_group"):
            values = data.get(name)
            if values:
                filters[name] = tuple(dict.fromkeys(values))
        date_from: datetime.date | None = data.get("date_from")
        date_to: datetime.date | None = data.get("date_to")
        return FeedbackSearchParams(
            text=data.get("q") or "",
            filters=filters,
            date_from=date_from,
            date_to=date_to,
            sort=data.get("sort") or "",
            page=int(page) if page and page.isdigit() and len(page) < 9 else 1,
        )
