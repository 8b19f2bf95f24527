"""Feedback on the draft's page: counts and links per provision, the panel, suggestion diffs."""

import re
import uuid

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from drafts.diff import Segment, word_diff
from drafts.models import ConsultationStatus, DraftPage, DraftVersion

from ..access import is_drafter_of
from ..choices import Province
from ..models import Feedback
from ..selectors import feedback_counts, follows_draft
from ..selectors_reports import published_report

register = template.Library()

# The cached text of a version carries one marker per provision; the counts and links, which
# change with every comment and differ by language and status, replace them per request.
# An eid is [A-Za-z0-9_] by construction; \w and - hold nothing HTML would need escaped.
_MARKER = re.compile(r"<!--feedback:([\w-]+)-->")


class FeedbackLinksNode(template.Node):
    def __init__(self, nodelist: template.NodeList, draft: str, version: str) -> None:
        self.nodelist = nodelist
        self.draft = template.Variable(draft)
        self.version = template.Variable(version)

    def render(self, context: Context) -> str:
        draft: DraftPage = self.draft.resolve(context)
        version: DraftVersion = self.version.resolve(context)
        counts = feedback_counts(version=version)
        # Thousands of provisions: everything that does not depend on the eid is built (and
        # escaped) once per request.
        list_url = escape(reverse("feedback:list", args=[draft.pk])) + "?dieu="
        new_url = (
            escape(reverse("feedback:new", args=[draft.pk]))
            + f"?phien-ban={version.number}&amp;dieu="
        )
        comment = escape(gettext("Comment"))
        is_open = draft.status == ConsultationStatus.OPEN
        count_texts: dict[int, str] = {}

        def count_text(count: int) -> str:
            if count not in count_texts:
                count_texts[count] = escape(
                    ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}
                )
            return count_texts[count]

        def links(match: re.Match[str]) -> str:
            eid = match[1]
            count = counts.get(eid, 0)
            parts = []
            if count:
                parts.append(
                    f'<a class="govuk-link" href="{list_url}{eid}">{count_text(count)}'
                    f'<span class="govuk-visually-hidden"> ({eid})</span></a>'
                )
            if is_open:
                parts.append(
                    f'<a class="govuk-link" href="{new_url}{eid}">{comment}'
                    f'<span class="govuk-visually-hidden"> ({eid})</span></a>'
                )
            if not parts:
                return ""
            return f'<span class="provision__feedback govuk-body-xs">{" · ".join(parts)}</span>'

        return _MARKER.sub(links, self.nodelist.render(context))


@register.tag
def feedback_links(parser: Parser, token: Token) -> FeedbackLinksNode:
    """{% feedback_links draft version %}…{% endfeedback_links %}: fill the markers inside."""
    try:
        _tag, draft, version = token.split_contents()
    except ValueError as error:
        raise template.TemplateSyntaxError("feedback_links takes a draft and a version") from error
    nodelist = parser.parse(("endfeedback_links",))
    parser.delete_first_token()
    return FeedbackLinksNode(nodelist, draft, version)


@register.inclusion_tag("feedback/includes/draft_panel.html", takes_context=True)
def feedback_panel(context: Context, draft: DraftPage, version: DraftVersion) -> dict:
    """The feedback box on a draft's page: how to comment (or why not), totals, following."""
    request = context["request"]
    counts = feedback_counts(version=version)
    return {
        "request": request,
        "draft": draft,
        "version": version,
        "total": sum(counts.values()),
        "on_draft": counts.get("", 0),
        "is_open": draft.status == ConsultationStatus.OPEN,
        "status": draft.status,
        "follows": follows_draft(viewer=request.user, draft=draft),
        "is_drafter": is_drafter_of(request.user, draft),
        **published_report(draft=draft),
    }


@register.simple_tag
def suggestion_diff(feedback: Feedback) -> tuple[Segment, ...]:
    """The suggested wording against the provision's text, word by word."""
    original = feedback.provision.text if feedback.provision else ""
    return word_diff(original, feedback.suggested_text)


@register.filter
def province_name(code: str) -> str:
    return str(Province(code).label) if code in Province.values else ""


@register.simple_tag
def new_idempotency_key() -> str:
    """A fresh key for one form: a retry of that form submits the same comment once."""
    return str(uuid.uuid4())
