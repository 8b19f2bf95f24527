"""The feedback search index: what a comment looks like to search, and how it is built.

One index serves drafters (every status, scoped to their body's drafts) and the public
(published only): the caller's Query.scope says which. Nothing private goes in: no e-mail,
phone, IP address, organisation of an individual, or submission key; the author appears as
the public name the comment is shown under, and as a user id only to find "my comments".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Exists, F, OuterRef
from elasticsearch_dsl import Date, Document, Integer, Keyword, MetaField, Text

from drafts.models import Provision
from search.analysis import INDEX_SETTINGS, vietnamese_text
from search.registry import SearchIndex, register

from .models import Feedback, FeedbackAttachment

FEEDBACK_INDEX = "feedback"
WHOLE_DRAFT = "_whole"  # the provision value of a comment on the whole draft
NONE = "none"  # the value of a keyword that has none (no disposition, no duplicate group)
EXCERPT_LENGTH = 300


class FeedbackDocument(Document):
    id = Keyword()  # the comment's pk; the engine breaks ties in date order on it
    body = vietnamese_text(themes=True)
    suggested_text = vietnamese_text()
    quote = vietnamese_text()

    draft = Keyword()
    version = Keyword()  # the version's number, "1", "2"
    # The provision commented on and each of its ancestors ("chp_II", "art_5",
    # "art_5__para_2"), so a filter on an article or chapter finds comments on its parts.
    provision = Keyword(multi=True)
    stance = Keyword()
    respondent_type = Keyword()
    province = Keyword()
    status = Keyword()
    # The drafting body's answer, published or not: for drafters only. The public filters
    # on public_disposition, which stays "none" until the answer is published.
    disposition = Keyword()
    public_disposition = Keyword()
    has_attachment = Keyword()
    kind = Keyword()
    channel = Keyword()
    is_reply = Keyword()
    drafting_body = Keyword()
    author = Keyword()
    duplicate_group = Keyword()
    created = Date()
    support_count = Integer()
    stamp = Keyword()

    # Shown in the result list, not searched.
    eid = Keyword(index=False, doc_values=False)
    author_name = Keyword(index=False, doc_values=False)
    excerpt = Text(index=False)

    class Index:
        name = FEEDBACK_INDEX
        settings = INDEX_SETTINGS

    class Meta:
        # A field missing here is a mistake in build(), not something to guess a mapping for.
        dynamic = MetaField("strict")


KEYWORD_FIELDS = frozenset(
    {
        "draft",
        "version",
        "provision",
        "stance",
        "respondent_type",
        "province",
        "status",
        "disposition",
        "public_disposition",
        "has_attachment",
        "kind",
        "channel",
        "is_reply",
        "drafting_body",
        "author",
        "duplicate_group",
    }
)
STORED_FIELDS = (
    "id",
    "draft",
    "version",
    "eid",
    "author_name",
    "respondent_type",
    "province",
    "stance",
    "status",
    "created",
    "support_count",
    "disposition",
    "public_disposition",
    "duplicate_group",
    "excerpt",
)


def _has_duplicate_groups() -> bool:
    # Duplicate groups arrive in a later migration; until then every comment is in none.
    return any(field.name == "duplicate_group" for field in Feedback._meta.get_fields())


def _rows(ids: Sequence[Any] | None, *, with_text: bool) -> Any:
    """Comments as dicts with what a document (or only its stamp) needs, in one query."""
    queryset = Feedback.objects.all() if ids is None else Feedback.objects.filter(pk__in=ids)
    queryset = queryset.annotate(
        drafting_body=F("draft__drafting_body_id"),
        disposition_kind=F("disposition__kind"),
        disposition_published_at=F("disposition__published_at"),
    )
    fields = [
        "pk",
        "status",
        "support_count",
        "author_id",
        "author_name",
        "drafting_body",
        "disposition_id",
        "disposition_kind",
        "disposition_published_at",
    ]
    if _has_duplicate_groups():
        fields.append("duplicate_group_id")
    if with_text:
        queryset = queryset.annotate(
            version_number=F("version__number"),
            with_attachment=Exists(
                # Scanned letters are for staff only: they do not make a public attachment.
                FeedbackAttachment.objects.filter(feedback=OuterRef("pk"), is_scan=False)
            ),
        )
        fields += [
            "draft_id",
            "version_id",
            "version_number",
            "provision_id",
            "eid",
            "parent_id",
            "kind",
            "channel",
            "stance",
            "respondent_type",
            "province",
            "body",
            "quote",
            "suggested_text",
            "created_at",
            "with_attachment",
        ]
    return queryset.order_by("pk").values(*fields)


def _stamp(row: dict[str, Any]) -> str:
    """Changes whenever the document would: status, answer, supports, author, group, body."""
    parts = (
        row["status"],
        row["disposition_id"],
        row["disposition_kind"],
        row["disposition_published_at"] is not None,
        row["support_count"],
        row["author_id"],
        row["author_name"],
        row["drafting_body"],
        row.get("duplicate_group_id"),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def _ancestors(rows: list[dict[str, Any]]) -> dict[int, list[str]]:
    """Provision id -> its eid and its ancestors' eids, root first, for the rows' versions."""
    version_ids = {row["version_id"] for row in rows if row["provision_id"]}
    tree = {
        pk: (parent_id, eid)
        for pk, parent_id, eid in Provision.objects.filter(version_id__in=version_ids).values_list(
            "pk", "parent_id", "eid"
        )
    }
    paths: dict[int, list[str]] = {}
    for row in rows:
        pk = row["provision_id"]
        if not pk or pk in paths:
            continue
        path: list[str] = []
        node: int | None = pk
        while node is not None and node in tree:
            parent_id, eid = tree[node]
            path.append(eid)
            node = parent_id
        paths[pk] = path[::-1]
    return paths


def _provisions(row: dict[str, Any], paths: dict[int, list[str]]) -> list[str]:
    if not row["eid"]:
        return [WHOLE_DRAFT]
    path = paths.get(row["provision_id"])
    if path:
        return path
    # No provision row (should not happen): its eid's own prefixes are its ancestors.
    parts = row["eid"].split("__")
    return ["__".join(parts[: n + 1]) for n in range(len(parts))]


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_LENGTH:
        return text
    cut = text[:EXCERPT_LENGTH].rsplit(maxsplit=1)[0]
    return f"{cut}…"


def build(ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The documents of these comments (a comment that no longer exists gives none)."""
    rows = list(_rows([int(i) for i in ids if str(i).isdigit()], with_text=True))
    paths = _ancestors(rows)
    for row in rows:
        disposition = row["disposition_kind"] or NONE
        published = row["disposition_published_at"] is not None
        group = row.get("duplicate_group_id")
        yield {
            "id": str(row["pk"]),
            "body": row["body"],
            "suggested_text": row["suggested_text"],
            "quote": row["quote"],
            "draft": str(row["draft_id"]),
            "version": str(row["version_number"]),
            "provision": _provisions(row, paths),
            "stance": row["stance"] or NONE,
            "respondent_type": row["respondent_type"],
            "province": row["province"] or NONE,
            "status": row["status"],
            "disposition": disposition,
            "public_disposition": disposition if published else NONE,
            "has_attachment": "yes" if row["with_attachment"] else "no",
            "kind": row["kind"],
            "channel": row["channel"],
            "is_reply": "yes" if row["parent_id"] else "no",
            "drafting_body": str(row["drafting_body"]),
            "author": str(row["author_id"]) if row["author_id"] else NONE,
            "duplicate_group": str(group) if group else NONE,
            "created": row["created_at"],
            "support_count": row["support_count"],
            "stamp": _stamp(row),
            "eid": row["eid"],
            "author_name": row["author_name"],
            "excerpt": _excerpt(row["body"]),
        }


def all_ids() -> Iterator[str]:
    for pk in (
        Feedback.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)
    ):
        yield str(pk)


def stamps() -> Iterator[tuple[str, str]]:
    for row in _rows(None, with_text=False).iterator(chunk_size=5000):
        yield str(row["pk"]), _stamp(row)


feedback_index = register(
    SearchIndex(
        name=FEEDBACK_INDEX,
        document=FeedbackDocument,
        text_fields={"body": 3, "suggested_text": 2, "quote": 1},
        keyword_fields=KEYWORD_FIELDS,
        date_field="created",
        build=build,
        all_ids=all_ids,
        stamps=stamps,
        sort_fields={"supported": "support_count"},
        stored_fields=STORED_FIELDS,
    )
)
