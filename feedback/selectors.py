"""Reads on feedback: what a viewer may see of a draft's comments, threads and counts."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet

from drafts.models import DraftPage, DraftVersion

from .access import AnyUser, can_see_all_statuses, drafter_body_ids, is_moderator
from .choices import FeedbackKind, FeedbackStatus
from .models import Feedback, Subscription, Support
from .services.common import counts_cache_key

PAGE_SIZE = 20
COUNTS_TTL_S = 300
SORTS = {
    "newest": ("-created_at", "-pk"),
    "supported": ("-support_count", "-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
}
DEFAULT_SORT = "newest"


def feedback_counts(*, version: DraftVersion) -> dict[str, int]:
    """Published comments (not replies) per provision eid of the version ("" = whole draft).

    Cached per version and dropped whenever a comment of the version is published or hidden.
    """
    key = counts_cache_key(version.pk)
    counts = cache.get(key)
    if counts is None:
        rows = (
            Feedback.objects.filter(version=version, status=FeedbackStatus.PUBLISHED, depth=1)
            .values_list("eid")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts = dict(rows)
        cache.set(key, counts, COUNTS_TTL_S)
    return counts


def visible_feedback(*, draft: DraftPage, viewer: AnyUser) -> QuerySet[Feedback]:
    """The draft's comments the viewer may read: published ones and their own, or all for staff."""
    queryset = Feedback.objects.filter(draft=draft)
    if can_see_all_statuses(viewer, draft):
        return queryset
    if viewer.is_authenticated:
        return queryset.filter(Q(status=FeedbackStatus.PUBLISHED) | Q(author=viewer))
    return queryset.filter(status=FeedbackStatus.PUBLISHED)


@dataclass
class ThreadNode:
    feedback: Feedback
    replies: list["ThreadNode"] = field(default_factory=list)


@dataclass
class FeedbackListing:
    page: PaginatorPage
    threads: list[ThreadNode]
    sort: str
    eid: str
    critiques_only: bool
    supported: set[int]
    following: set[int]


def _threads(roots: list[Feedback], replies: list[Feedback]) -> list[ThreadNode]:
    """The roots with their replies nested; `replies` oldest first."""
    nodes = {root.pk: ThreadNode(root) for root in roots}
    children: dict[int, list[Feedback]] = defaultdict(list)
    for reply in replies:
        children[reply.parent_id].append(reply)  # type: ignore[index]

    def attach(node: ThreadNode) -> None:
        for child in children.get(node.feedback.pk, []):
            child_node = ThreadNode(child)
            node.replies.append(child_node)
            attach(child_node)

    for node in nodes.values():
        attach(node)
    return [nodes[root.pk] for root in roots]


def _with_display(queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return queryset.select_related(
        "version", "provision", "disposition__changed_provision__version"
    ).prefetch_related("attachments", "answers")


def feedback_listing(
    *,
    draft: DraftPage,
    viewer: AnyUser,
    eid: str | None = None,
    sort: str = DEFAULT_SORT,
    page_number: str | int = 1,
    critiques_only: bool = False,
) -> FeedbackListing:
    """One page of the draft's comment threads, newest / most supported / oldest first."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    visible = visible_feedback(draft=draft, viewer=viewer)
    roots = visible.filter(depth=1)
    if eid is not None:
        roots = roots.filter(eid=eid)
    if critiques_only:
        roots = roots.filter(kind=FeedbackKind.CRITIQUE)
    paginator = Paginator(_with_display(roots.order_by(*SORTS[sort])), PAGE_SIZE)
    page = paginator.get_page(page_number)
    root_list = list(page.object_list)
    replies = list(
        _with_display(visible.filter(thread__in=[root.pk for root in root_list])).order_by(
            "created_at", "pk"
        )
    )
    threads = _threads(root_list, replies)
    shown = [root.pk for root in root_list] + [reply.pk for reply in replies]
    return FeedbackListing(
        page=page,
        threads=threads,
        sort=sort,
        eid=eid or "",
        critiques_only=critiques_only,
        supported=supported_ids(viewer=viewer, feedback_ids=shown),
        following=followed_thread_ids(viewer=viewer, thread_ids=[root.pk for root in root_list]),
    )


@dataclass
class FeedbackThread:
    thread: ThreadNode
    supported: set[int]
    following: set[int]


def feedback_thread(*, feedback: Feedback, viewer: AnyUser) -> FeedbackThread:
    """The whole thread a comment belongs to, as the viewer may see it, with what they support
    and whether they follow it."""
    root = feedback.thread or feedback
    replies = list(
        _with_display(
            visible_feedback(draft=feedback.draft, viewer=viewer).filter(thread=root)
        ).order_by("created_at", "pk")
    )
    return FeedbackThread(
        thread=_threads([root], replies)[0],
        supported=supported_ids(
            viewer=viewer, feedback_ids=[root.pk, *(reply.pk for reply in replies)]
        ),
        following=followed_thread_ids(viewer=viewer, thread_ids=[root.pk]),
    )


def supported_ids(*, viewer: AnyUser, feedback_ids: list[int]) -> set[int]:
    if not viewer.is_authenticated or not feedback_ids:
        return set()
    return set(
        Support.objects.filter(user=viewer, feedback_id__in=feedback_ids).values_list(
            "feedback_id", flat=True
        )
    )


def followed_thread_ids(*, viewer: AnyUser, thread_ids: list[int]) -> set[int]:
    if not viewer.is_authenticated or not thread_ids:
        return set()
    return set(
        Subscription.objects.filter(user=viewer, thread_id__in=thread_ids).values_list(
            "thread_id", flat=True
        )
    )


def follows_draft(*, viewer: AnyUser, draft: DraftPage) -> bool:
    return (
        viewer.is_authenticated and Subscription.objects.filter(user=viewer, draft=draft).exists()
    )


def staff_drafts(*, user: AnyUser) -> QuerySet[DraftPage]:
    """The drafts a user works on as staff, newest first: every draft for moderators and
    superusers, else those of the bodies they draft for."""
    drafts = DraftPage.objects.order_by("-pk")
    if is_moderator(user) or user.is_superuser:
        return drafts
    return drafts.filter(drafting_body_id__in=drafter_body_ids(user))
