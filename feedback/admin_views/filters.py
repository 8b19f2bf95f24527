"""The filters of the feedback listings, written to use the comment table's indexes."""

import django_filters
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from drafts.models import DraftPage

from ..access import drafter_body_ids, is_moderator
from ..choices import Channel, FeedbackStatus, HoldReason, RespondentType, Stance
from ..models import Feedback

FLAGGED = "yes"
DISPOSITION_STATES = [
    ("none", _("Not answered")),
    ("saved", _("Answer saved, not published")),
    ("published", _("Answer published")),
]


def reviewable_drafts(request: HttpRequest | None) -> QuerySet[DraftPage]:
    """The drafts a drafter reviews: those of their bodies (all of them for a superuser)."""
    drafts = DraftPage.objects.order_by("-pk")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return drafts.none()
    if user.is_superuser:
        return drafts
    return drafts.filter(drafting_body_id__in=drafter_body_ids(user))


def moderated_drafts(request: HttpRequest | None) -> QuerySet[DraftPage]:
    user = getattr(request, "user", None)
    if user is None or not is_moderator(user):
        return DraftPage.objects.none()
    return DraftPage.objects.order_by("-pk")


def with_hold_reason(queryset: QuerySet[Feedback], reason: str) -> QuerySet[Feedback]:
    """Comments held for `reason`: JSON containment where the database has it (PostgreSQL
    can index it), the stored JSON text otherwise (SQLite)."""
    if connections[queryset.db].features.supports_json_field_contains:
        return queryset.filter(hold_reasons__contains=[reason])
    return queryset.filter(hold_reasons__icontains=f'"{reason}"')


class DefaultStatusMixin:
    """The listing opens on one status; choosing "any status" sends `status=` explicitly."""

    default_status = FeedbackStatus.PENDING

    def __init__(self, data: QueryDict | None = None, *args: object, **kwargs: object) -> None:
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = self.default_status
        super().__init__(data, *args, **kwargs)  # type: ignore[call-arg]
        self.form.fields["status"].initial = self.default_status  # type: ignore[attr-defined]


class ModerationQueueFilterSet(DefaultStatusMixin, WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FeedbackStatus.choices, empty_label=_("Any status")
    )
    draft = django_filters.ModelChoiceFilter(
        label=_("Draft"), queryset=moderated_drafts, empty_label=_("All drafts")
    )
    hold_reason = django_filters.ChoiceFilter(
        label=_("Held because"),
        choices=HoldReason.choices,
        empty_label=_("Any reason"),
        method="filter_hold_reason",
    )
    flagged = django_filters.ChoiceFilter(
        label=_("Readers' flags"),
        choices=[(FLAGGED, _("Flagged, not yet reviewed"))],
        empty_label=_("Flagged or not"),
        method="filter_flagged",
    )
    channel = django_filters.ChoiceFilter(
        label=_("Received"), choices=Channel.choices, empty_label=_("Any channel")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Feedback
        fields: list[str] = []

    def filter_hold_reason(
        self, queryset: QuerySet[Feedback], name: str, value: str
    ) -> QuerySet[Feedback]:
        return with_hold_reason(queryset, value) if value else queryset

    def filter_flagged(
        self, queryset: QuerySet[Feedback], name: str, value: str
    ) -> QuerySet[Feedback]:
        return queryset.filter(flag_count__gt=0) if value == FLAGGED else queryset


class ReviewFilterSet(DefaultStatusMixin, WagtailFilterSet):
    """Drafters look at what the public sees by default: published comments."""

    default_status = FeedbackStatus.PUBLISHED

    draft = django_filters.ModelChoiceFilter(
        label=_("Draft"), queryset=reviewable_drafts, empty_label=_("All our drafts")
    )
    eid = django_filters.CharFilter(
        label=_("Provision (with its clauses and points)"), method="filter_eid"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FeedbackStatus.choices, empty_label=_("Any status")
    )
    stance = django_filters.ChoiceFilter(
        label=_("Stance"), choices=Stance.choices, empty_label=_("Any stance")
    )
    disposition_state = django_filters.ChoiceFilter(
        label=_("Answer"),
        choices=DISPOSITION_STATES,
        empty_label=_("Answered or not"),
        method="filter_disposition_state",
    )
    respondent_type = django_filters.ChoiceFilter(
        label=_("Respondent type"), choices=RespondentType.choices, empty_label=_("Anyone")
    )

    class Meta:
        model = Feedback
        fields: list[str] = []

    def filter_eid(self, queryset: QuerySet[Feedback], name: str, value: str) -> QuerySet[Feedback]:
        # A provision and everything inside it: art_5 covers art_5__para_2__point_a, not art_50.
        eid = value.strip()
        if not eid:
            return queryset
        return queryset.filter(Q(eid=eid) | Q(eid__startswith=f"{eid}__"))

    def filter_disposition_state(
        self, queryset: QuerySet[Feedback], name: str, value: str
    ) -> QuerySet[Feedback]:
        if value == "none":
            return queryset.filter(disposition__isnull=True)
        if value == "saved":
            return queryset.filter(
                disposition__isnull=False, disposition__published_at__isnull=True
            )
        if value == "published":
            return queryset.filter(disposition__published_at__isnull=False)
        return queryset
