"""Writes on drafts: drafting bodies, imported versions and their provision trees, publication."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .defaults import DEFAULT_MIN_CONSULTATION_DAYS, DOCUMENT_TYPES
from .importers.structure import ParsedDocument, ParsedProvision, document_from_dict
from .models import (
    DocumentType,
    DraftImport,
    DraftingBody,
    DraftPage,
    DraftVersion,
    Provision,
)


@transaction.atomic
def drafting_body_ensure(
    *, slug: str, name: str, short_name: str = "", email: str = ""
) -> DraftingBody:
    """Create the drafting body with its drafters group, or update it in place (idempotent)."""
    group, _ = Group.objects.get_or_create(name=f"Drafters: {short_name or name}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    body, _ = DraftingBody.objects.update_or_create(
        slug=slug,
        defaults={"name": name, "short_name": short_name, "email": email, "drafters": group},
    )
    return body


def _flatten(
    provisions: Iterable[ParsedProvision], depth: int = 0
) -> Iterable[tuple[int, ParsedProvision, ParsedProvision | None]]:
    """(depth, provision, parent) in document order."""
    for provision in provisions:
        yield depth, provision, None
        for child_depth, child, parent in _flatten(provision.children, depth + 1):
            yield child_depth, child, parent or provision


@transaction.atomic
def draft_version_create(
    *,
    draft: DraftPage,
    parsed: ParsedDocument,
    change_note: str = "",
    source_name: str = "",
    source_data: bytes | None = None,
    user: User | None = None,
) -> DraftVersion:
    """Save a parsed text as the draft's next version (unpublished), with its provision tree."""
    last = draft.versions.select_for_update().aggregate(last=Max("number"))["last"] or 0
    version = DraftVersion.objects.create(
        draft=draft,
        number=last + 1,
        change_note=change_note,
        created_by=user,
        **{
            field: getattr(parsed, parsed_field)
            for parsed_field, field in DraftVersion.PARSED_FIELDS.items()
        },
    )
    if source_data is not None:
        version.source_file.save(source_name or "source", ContentFile(source_data), save=True)
    _provisions_create(version=version, parsed=parsed)
    return version


def _provisions_create(*, version: DraftVersion, parsed: ParsedDocument) -> None:
    # Parents are saved before their children (document order), so each child can point at its
    # parent's primary key; rows go in batches per depth to keep this to a few queries.
    rows = list(_flatten(parsed.provisions))
    saved: dict[int, Provision] = {}
    for depth in range(max((row[0] for row in rows), default=-1) + 1):
        batch = []
        for order, (row_depth, provision, parent) in enumerate(rows):
            if row_depth != depth:
                continue
            batch.append(
                (
                    id(provision),
                    Provision(
                        version=version,
                        parent=saved[id(parent)] if parent is not None else None,
                        kind=str(provision.kind),
                        num=provision.num,
                        eid=provision.eid,
                        heading=provision.heading,
                        text=provision.text,
                        order=order,
                        depth=depth,
                    ),
                )
            )
        created = Provision.objects.bulk_create([row for _, row in batch], batch_size=500)
        saved.update(zip((key for key, _ in batch), created, strict=True))


def draft_version_publish(*, version: DraftVersion, at: datetime | None = None) -> DraftVersion:
    """Make the version public (now, or at a scheduled moment); earlier versions stay readable."""
    version.published_at = at or timezone.now()
    version.save(update_fields=["published_at"])
    return version


def draft_versions_publish_pending(*, draft: DraftPage) -> int:
    """Publish the versions imported since the page was last published.

    Called whenever the draft page is published (by an editor, a workflow or Wagtail's scheduled
    publishing), so a new version goes public together with the page revision that announces it.
    """
    return draft.versions.filter(published_at__isnull=True).update(published_at=timezone.now())


@transaction.atomic
def draft_create(
    *,
    index: Page,
    parsed: ParsedDocument,
    document_type: DocumentType,
    drafting_body: DraftingBody,
    opens_at: datetime,
    closes_at: datetime,
    title: str = "",
    slug: str = "",
    summary: str = "",
    short_period_reason: str = "",
    source_name: str = "",
    source_data: bytes | None = None,
    user: User | None = None,
) -> DraftPage:
    """A new draft page (not yet live) below the index, with the parsed text as version 1."""
    draft = DraftPage(
        title=title or parsed.title or source_name,
        slug=slug,
        document_type=document_type,
        intended_number=parsed.number,
        drafting_body=drafting_body,
        summary=summary,
        opens_at=opens_at,
        closes_at=closes_at,
        short_period_reason=short_period_reason,
        live=False,
        owner=user,
    )
    index.add_child(instance=draft)
    draft.save_revision(user=user)
    draft_version_create(
        draft=draft, parsed=parsed, source_name=source_name, source_data=source_data, user=user
    )
    return draft


@transaction.atomic
def draft_import_stage(
    *,
    user: User,
    parsed: ParsedDocument,
    source_name: str,
    source_data: bytes,
    draft: DraftPage | None = None,
    options: dict | None = None,
) -> DraftImport:
    """Keep an upload and its parse for review; nothing is published or created yet."""
    staged = DraftImport(
        created_by=user,
        draft=draft,
        source_name=source_name,
        parsed=parsed.to_dict(),
        options=options or {},
    )
    staged.source_file.save(source_name, ContentFile(source_data), save=False)
    staged.save()
    return staged


@transaction.atomic
def draft_import_confirm(*, staged: DraftImport, index: Page) -> DraftPage:
    """Turn a reviewed upload into a draft (not live) or the draft's next version (unpublished)."""
    parsed = document_from_dict(staged.parsed)
    with staged.source_file.open("rb") as source:
        source_data = source.read()
    if staged.draft is not None:
        draft = staged.draft
        draft_version_create(
            draft=draft,
            parsed=parsed,
            change_note=staged.options.get("change_note", ""),
            source_name=staged.source_name,
            source_data=source_data,
            user=staged.created_by,
        )
    else:
        options = staged.options
        draft = draft_create(
            index=index,
            parsed=parsed,
            document_type=DocumentType.objects.get(pk=options["document_type"]),
            drafting_body=DraftingBody.objects.get(pk=options["drafting_body"]),
            opens_at=datetime.fromisoformat(options["opens_at"]),
            closes_at=datetime.fromisoformat(options["closes_at"]),
            short_period_reason=options.get("short_period_reason", ""),
            source_name=staged.source_name,
            source_data=source_data,
            user=staged.created_by,
        )
    staged.source_file.delete(save=False)
    staged.delete()
    return draft


DRAFTER_PAGE_PERMISSIONS = ["add_page", "change_page"]


@transaction.atomic
def draft_publication_workflow_ensure(*, index: Page, approvers: Group) -> Workflow:
    """Drafters add and edit drafts below the index and submit them; the approvers publish.

    A Wagtail workflow with one group-approval task, assigned to the draft index page.
    """
    for body in DraftingBody.objects.select_related("drafters"):
        for codename in DRAFTER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=body.drafters,
                page=index,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    task, _ = GroupApprovalTask.objects.get_or_create(name="Biên tập viên duyệt và xuất bản")
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.get_or_create(name="Duyệt dự thảo văn bản")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def document_types_ensure() -> None:
    """The default document types, where missing (the migration creates them on a new database)."""
    for code, name in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code,
            defaults={"name": name, "min_consultation_days": DEFAULT_MIN_CONSULTATION_DAYS},
        )


def draft_imports_expire(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete uploads left at the review step (and their files); returns how many."""
    expired = DraftImport.objects.filter(created_at__lt=timezone.now() - older_than)
    count = 0
    for staged in expired.iterator():
        staged.source_file.delete(save=False)
        staged.delete()
        count += 1
    return count
