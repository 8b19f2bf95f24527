"""Wagtail admin registration for feedback: moderation queue, review, search, paper entry,
synthesis reports."""

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.log_actions import LogActionRegistry, LogFormatter
from wagtail.models import BaseLogEntry

from .access import is_moderator
from .admin_views import moderation, paper, reports, review, search
from .admin_views.common import is_drafter, is_feedback_staff
from .services.reports import ACTION_PUBLISH


@hooks.register("register_admin_urls")
def register_feedback_admin_urls() -> list:
    return [
        path(
            "feedback/moderation/",
            moderation.ModerationQueueView.as_view(),
            name="feedback_moderation_queue",
        ),
        path(
            "feedback/moderation/results/",
            moderation.ModerationQueueView.as_view(results_only=True),
            name="feedback_moderation_queue_results",
        ),
        path(
            "feedback/moderation/decide/",
            moderation.moderation_decide_view,
            name="feedback_moderation_decide",
        ),
        path(
            "feedback/comments/<int:pk>/", moderation.comment_detail, name="feedback_admin_comment"
        ),
        path(
            "feedback/attachments/<int:pk>/",
            moderation.attachment_download,
            name="feedback_admin_attachment",
        ),
        path("feedback/review/", review.ReviewView.as_view(), name="feedback_review"),
        path(
            "feedback/review/results/",
            review.ReviewView.as_view(results_only=True),
            name="feedback_review_results",
        ),
        path("feedback/answers/new/", review.disposition_edit, name="feedback_disposition_new"),
        path(
            "feedback/answers/<int:pk>/", review.disposition_edit, name="feedback_disposition_edit"
        ),
        path(
            "feedback/answers/<int:pk>/publish/",
            review.disposition_publish_view,
            name="feedback_disposition_publish",
        ),
        path(
            "feedback/drafts/<int:draft_id>/answers/",
            review.dispositions,
            name="feedback_dispositions",
        ),
        path("feedback/paper/new/", paper.paper_submission_new, name="feedback_paper_new"),
        path("feedback/search/", search.feedback_search_admin, name="feedback_search"),
        path(
            "feedback/groups/<int:pk>/answer/",
            search.duplicate_group_answer,
            name="feedback_group_answer",
        ),
        path("feedback/reports/", reports.report_index, name="feedback_reports"),
        path(
            "feedback/drafts/<int:draft_id>/reports/",
            reports.report_list,
            name="feedback_report_list",
        ),
        path(
            "feedback/drafts/<int:draft_id>/reports/new/",
            reports.report_request_view,
            name="feedback_report_request",
        ),
        path(
            "feedback/reports/<int:pk>/publish/",
            reports.report_publish_view,
            name="feedback_report_publish",
        ),
        path(
            "feedback/reports/<int:pk>/status/",
            reports.report_status,
            name="feedback_report_status",
        ),
    ]


@hooks.register("register_permissions")
def register_moderation_permission() -> QuerySet[Permission]:
    """Lets administrators grant "Can moderate feedback" to a group in Wagtail's group editor."""
    return Permission.objects.filter(
        content_type__app_label="feedback", codename="moderate_feedback"
    )


class ShownToMenuItem(MenuItem):
    """A menu item shown only to the users `shown_to(user)` accepts."""

    def __init__(self, *args: object, shown_to: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(self.shown_to(request.user))  # type: ignore[operator]


feedback_menu = Menu(
    items=[
        ShownToMenuItem(
            _("Moderation queue"),
            reverse_lazy("feedback_moderation_queue"),
            icon_name="warning",
            order=100,
            shown_to=is_moderator,
        ),
        ShownToMenuItem(
            _("Feedback on our drafts"),
            reverse_lazy("feedback_review"),
            icon_name="comment",
            order=200,
            shown_to=is_drafter,
        ),
        ShownToMenuItem(
            _("Search feedback"),
            reverse_lazy("feedback_search"),
            icon_name="search",
            order=250,
            shown_to=is_feedback_staff,
        ),
        ShownToMenuItem(
            _("Synthesis reports"),
            reverse_lazy("feedback_reports"),
            icon_name="doc-full-inverse",
            order=280,
            shown_to=is_feedback_staff,
        ),
        ShownToMenuItem(
            _("Enter a paper submission"),
            reverse_lazy("feedback_paper_new"),
            icon_name="doc-full",
            order=300,
            shown_to=is_feedback_staff,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_feedback_menu() -> SubmenuMenuItem:
    # Shown when at least one of its items is (SubmenuMenuItem.is_shown).
    return SubmenuMenuItem(_("Feedback"), feedback_menu, icon_name="comment", order=240)


@hooks.register("register_log_actions")
def register_report_log_actions(actions: LogActionRegistry) -> None:
    """The page history says who put a synthesis report on the draft's page, and when."""

    @actions.register_action(ACTION_PUBLISH)
    class ReportPublished(LogFormatter):
        label = _("Publish the synthesis report")

        def format_message(self, log_entry: BaseLogEntry) -> str:
            title = (log_entry.data or {}).get("title", "")
            return _("Published the synthesis report “%(title)s”") % {"title": title}
