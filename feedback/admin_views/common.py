"""What the feedback admin views share: who may use them, the refusal page, the tick column."""

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BaseColumn

from ..access import drafter_body_ids, is_drafter_of, is_moderator
from ..models import Feedback

LISTING_PAGE_SIZE = 50


class AdminRequest(HttpRequest):
    """Wagtail admin views only run for signed-in users with admin access."""

    user: User


def is_drafter(user: User) -> bool:
    """A drafter of some drafting body (superusers count as every body's)."""
    return bool(user.is_superuser or drafter_body_ids(user))


def is_feedback_staff(user: User) -> bool:
    """Moderators and drafters: the people the feedback admin is for."""
    return is_moderator(user) or is_drafter(user)


def may_handle(user: User, feedback: Feedback) -> bool:
    """Moderators handle every comment; drafters only those on their own body's drafts."""
    return is_moderator(user) or is_drafter_of(user, feedback.draft)


def forbidden(request: HttpRequest, message: "str | StrPromise" = "") -> HttpResponse:
    """403, rendered in the admin (Wagtail would turn PermissionDenied into a redirect home)."""
    return TemplateResponse(
        request,
        "feedback/admin/forbidden.html",
        {
            "page_title": _("Not allowed"),
            "message": message or _("You do not have permission to use this page."),
        },
        status=403,
    )


class SelectColumn(BaseColumn):
    """A tick box per row, named `id`, inside the listing's form; the header ticks them all."""

    header_template_name = "feedback/admin/select_header.html"
    cell_template_name = "feedback/admin/select_cell.html"

    def __init__(self) -> None:
        super().__init__("select", label=gettext_lazy("Select"), width="1%")
