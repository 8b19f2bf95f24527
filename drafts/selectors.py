"""Reads on drafts: the provision tree of a version, the list of drafts with its filters."""

import copy
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from wagtail.permission_policies.pages import PagePermissionPolicy

from .importers.structure import Kind, ParsedDocument, ParsedProvision
from .models import (
    ConsultationStatus,
    DocumentType,
    DraftIndexPage,
    DraftingBody,
    DraftPage,
    DraftVersion,
    PolicyArea,
    Provision,
)


@dataclass
class ProvisionNode:
    provision: Provision
    children: list["ProvisionNode"] = field(default_factory=list)

    @property
    def eid(self) -> str:
        return self.provision.eid

    @property
    def kind(self) -> str:
        return self.provision.kind


def provision_tree(*, version: DraftVersion) -> list[ProvisionNode]:
    """The version's provisions as a tree, from one query in document order."""
    nodes: dict[int, ProvisionNode] = {}
    roots: list[ProvisionNode] = []
    for provision in version.provisions.order_by("order"):
        node = ProvisionNode(provision)
        nodes[provision.pk] = node
        if provision.parent_id is None:
            roots.append(node)
        else:
            nodes[provision.parent_id].children.append(node)
    return roots


def table_of_contents(*, tree: list[ProvisionNode]) -> list[ProvisionNode]:
    """Containers and articles only (chapters → articles), for the reader's navigation."""
    wanted = {Kind.PART, Kind.CHAPTER, Kind.SECTION, Kind.SUBSECTION, Kind.ARTICLE}

    def prune(nodes: list[ProvisionNode]) -> list[ProvisionNode]:
        return [
            ProvisionNode(node.provision, prune(node.children) if node.kind != Kind.ARTICLE else [])
            for node in nodes
            if node.kind in wanted
        ]

    return prune(tree)


def version_to_parsed(*, version: DraftVersion) -> ParsedDocument:
    """A saved version in the importers' shape, for the exporters (AKN, .docx)."""

    def convert(nodes: list[ProvisionNode]) -> list[ParsedProvision]:
        return [
            ParsedProvision(
                kind=Kind(node.provision.kind),
                num=node.provision.num,
                eid=node.provision.eid,
                heading=node.provision.heading,
                text=node.provision.text,
                children=convert(node.children),
            )
            for node in nodes
        ]

    header = {
        parsed_field: copy.copy(getattr(version, field))
        for parsed_field, field in DraftVersion.PARSED_FIELDS.items()
    }
    return ParsedDocument(provisions=convert(provision_tree(version=version)), **header)


def published_versions(*, draft: DraftPage) -> QuerySet[DraftVersion]:
    return draft.versions.filter(published_at__lte=timezone.now()).order_by("number")


def latest_published_version(*, draft: DraftPage) -> DraftVersion | None:
    return published_versions(draft=draft).last()


def status_filter(status: str) -> Q:
    """The queryset condition for a consultation status, derived from the period like the model."""
    now = timezone.now()
    reported = Q(synthesis_report__isnull=False)
    conditions = {
        ConsultationStatus.UPCOMING: Q(opens_at__gt=now) & ~reported,
        ConsultationStatus.OPEN: Q(opens_at__lte=now, closes_at__gt=now) & ~reported,
        ConsultationStatus.CLOSED: Q(closes_at__lte=now) & ~reported,
        ConsultationStatus.REPORTED: reported,
    }
    return conditions[ConsultationStatus(status)]


@dataclass(frozen=True)
class DraftFilters:
    status: str = ""
    document_type: str = ""
    drafting_body: str = ""
    policy_area: str = ""


def _clean_filters(params: QueryDict) -> DraftFilters:
    """Unknown or malformed filter values are ignored, never an error page."""
    status = params.get("status", "")
    return DraftFilters(
        status=status if status in ConsultationStatus.values else "",
        document_type=params.get("document_type", "")[:50],
        drafting_body=params.get("drafting_body", "")[:100],
        policy_area=params.get("policy_area", "")[:120],
    )


def draft_list(*, index: DraftIndexPage, filters: DraftFilters) -> QuerySet[DraftPage]:
    drafts = (
        DraftPage.objects.live()
        .public()
        .child_of(index)
        .select_related("document_type", "drafting_body")
        .order_by("-opens_at", "-pk")
    )
    if filters.status:
        drafts = drafts.filter(status_filter(filters.status))
    if filters.document_type:
        drafts = drafts.filter(document_type__code=filters.document_type)
    if filters.drafting_body:
        drafts = drafts.filter(drafting_body__slug=filters.drafting_body)
    if filters.policy_area:
        drafts = drafts.filter(policy_areas__slug=filters.policy_area)
    return drafts


def draft_list_filter(*, index: DraftIndexPage, params: QueryDict) -> dict[str, object]:
    """The context of the draft index page: filtered, paginated drafts and the filter choices."""
    filters = _clean_filters(params)
    paginator = Paginator(draft_list(index=index, filters=filters), index.page_size)
    drafts_page: PaginatorPage = paginator.get_page(params.get("page"))
    return {
        "filters": filters,
        "drafts_page": drafts_page,
        "status_choices": ConsultationStatus.choices,
        "document_types": DocumentType.objects.all(),
        "drafting_bodies": DraftingBody.objects.all(),
        "policy_areas": PolicyArea.objects.all(),
    }


def drafting_bodies_for(*, user: User | AnonymousUser) -> QuerySet[DraftingBody]:
    """The bodies whose drafts the user may import and edit: their own, or all for editors."""
    if not user.is_authenticated:
        return DraftingBody.objects.none()
    if PagePermissionPolicy().user_has_permission(user, "publish"):
        return DraftingBody.objects.all()
    return DraftingBody.objects.filter(drafters__user=user)
