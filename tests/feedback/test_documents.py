"""The feedback search index: what a comment's document holds (and never holds), its stamp, and
that every write changing what search shows puts the comment in the indexing outbox."""

from __future__ import annotations

import uuid

import pytest

from feedback.choices import Channel, FeedbackStatus, RespondentType
from feedback.documents import FEEDBACK_INDEX, KEYWORD_FIELDS, STORED_FIELDS, feedback_index
from feedback.models import Feedback
from feedback.services.comments import (
    CommentInput,
    feedback_create,
    flag_add,
    paper_submission_create,
    support_add,
)
from feedback.services.dispositions import disposition_publish, disposition_save
from feedback.services.moderation import moderation_decide
from feedback.services.respondents import respondent_delete
from search.models import IndexingOutbox
from tests.feedback.conftest import comment_create
from tests.feedback.test_admin_feedback import scan_png

pytestmark = pytest.mark.django_db

DOCUMENT_KEYS = {
    "id",
    "body",
    "suggested_text",
    "quote",
    "created",
    "support_count",
    "stamp",
    "eid",
    "author_name",
    "excerpt",
    *KEYWORD_FIELDS,
}


def document(feedback: Feedback) -> dict[str, object]:
    (built,) = feedback_index.build([str(feedback.pk)])
    return built


def stamp(feedback: Feedback) -> str:
    return dict(feedback_index.stamps())[str(feedback.pk)]


def queued() -> list[str]:
    """The comment ids waiting in the outbox, oldest first, and empty it."""
    rows = IndexingOutbox.objects.filter(index=FEEDBACK_INDEX).order_by("pk")
    ids = list(rows.values_list("object_id", flat=True))
    rows.delete()
    return ids


def test_a_comment_on_a_point_is_filed_under_the_point_and_every_ancestor(open_draft, respondent):
    comment = comment_create(
        open_draft,
        respondent,
        eid="art_2__para_2__point_a",
        body="Dữ liệu thủ tục hành chính phải được công khai đầy đủ.",
    )

    built = document(comment)

    assert set(built) == DOCUMENT_KEYS
    assert built["provision"] == ["chp_I", "art_2", "art_2__para_2", "art_2__para_2__point_a"]
    assert built["eid"] == "art_2__para_2__point_a"
    assert {key: built[key] for key in ("id", "draft", "version", "drafting_body")} == {
        "id": str(comment.pk),
        "draft": str(open_draft.pk),
        "version": "1",
        "drafting_body": str(open_draft.drafting_body_id),
    }
    assert {key: built[key] for key in ("stance", "respondent_type", "province", "status")} == {
        "stance": "amend",
        "respondent_type": "individual",
        "province": "da-nang",
        "status": "published",
    }
    assert (built["kind"], built["channel"], built["is_reply"]) == ("comment", "online", "no")
    assert (built["disposition"], built["public_disposition"]) == ("none", "none")
    assert (built["has_attachment"], built["duplicate_group"]) == ("no", "none")
    assert built["author"] == str(respondent.pk)
    assert built["author_name"] == "Nguyễn Thị Lan"
    assert built["body"] == built["excerpt"] == comment.body
    assert built["created"] == comment.created_at
    assert set(STORED_FIELDS) <= DOCUMENT_KEYS


def test_a_comment_on_the_whole_draft_and_a_reply(open_draft, respondent, other_respondent):
    whole = comment_create(open_draft, respondent, eid="")
    reply = feedback_create(
        author=other_respondent,
        draft=open_draft,
        version=whole.version,
        data=CommentInput(body="Tôi đồng ý với ý kiến này."),
        parent=whole,
    )

    assert document(whole)["provision"] == ["_whole"]
    assert (document(reply)["is_reply"], document(reply)["stance"]) == ("yes", "none")


def test_nothing_private_goes_into_the_document(open_draft, respondent):
    comment = feedback_create(
        author=respondent,
        draft=open_draft,
        version=open_draft.versions.get(),
        data=CommentInput(body="Góp ý về dữ liệu mở.", stance="agree"),
        eid="art_1",
        idempotency_key=uuid.uuid4(),
        ip_address="203.0.113.7",
    )

    values = " ".join(str(value) for value in document(comment).values())

    for private in (
        respondent.email,
        "0905123456",  # the profile's phone
        "203.0.113.7",
        str(comment.idempotency_key),
    ):
        assert private not in values


def test_a_long_body_is_excerpted_at_a_word(open_draft, respondent):
    comment = comment_create(open_draft, respondent, body="Đề nghị sửa đổi " * 60)

    excerpt = document(comment)["excerpt"]

    assert isinstance(excerpt, str) and len(excerpt) <= 301 and excerpt.endswith("…")
    cut = excerpt.removesuffix("…")
    assert comment.body.startswith(cut) and comment.body[len(cut)] == " "  # at a whole word


def test_only_a_published_answer_shows_to_the_public(open_draft, respondent, drafter):
    comment = comment_create(open_draft, respondent)
    disposition = disposition_save(
        drafter=drafter, feedback_ids=[comment.pk], kind="accepted", answer="Tiếp thu."
    )

    assert (document(comment)["disposition"], document(comment)["public_disposition"]) == (
        "accepted",
        "none",
    )

    disposition_publish(drafter=drafter, disposition=disposition)

    assert document(comment)["public_disposition"] == "accepted"


def test_a_scanned_letter_is_not_a_public_attachment(open_draft, respondent, drafter):
    letter = paper_submission_create(
        entered_by=drafter,
        draft=open_draft,
        version=open_draft.versions.get(),
        data=CommentInput(body="Công văn góp ý.", stance="amend"),
        organisation="Hiệp hội Doanh nghiệp",
        respondent_type=RespondentType.ORGANISATION,
        channel=Channel.LETTER,
        scan=scan_png(),
    )
    attached = comment_create(open_draft, respondent, attachments=[scan_png()])

    assert (document(letter)["has_attachment"], document(letter)["channel"]) == ("no", "letter")
    assert document(letter)["author"] == "none"
    assert document(attached)["has_attachment"] == "yes"


def test_a_comment_that_no_longer_exists_builds_nothing(open_draft, respondent):
    comment = comment_create(open_draft, respondent)

    assert list(feedback_index.build([str(comment.pk), "999999", "not-an-id"])) == [
        document(comment)
    ]
    assert list(feedback_index.all_ids()) == [str(comment.pk)]


def test_the_stamp_changes_with_what_search_shows_and_only_then(
    open_draft, respondent, other_respondent, moderator, drafter
):
    comment = comment_create(open_draft, respondent)
    stamps = [stamp(comment)]
    assert document(comment)["stamp"] == stamps[0]

    flag_add(user=other_respondent, feedback=comment, reason="spam")  # flags are not in search
    assert stamp(comment) == stamps[-1]

    support_add(user=other_respondent, feedback=comment)
    stamps.append(stamp(comment))
    disposition_save(drafter=drafter, feedback_ids=[comment.pk], kind="noted", answer="Ghi nhận.")
    stamps.append(stamp(comment))
    moderation_decide(
        moderator=moderator, feedback_ids=[comment.pk], action="hide", reason="off_topic"
    )
    stamps.append(stamp(comment))
    respondent_delete(user=respondent)
    stamps.append(stamp(comment))

    assert len(set(stamps)) == 5
    comment.refresh_from_db()
    assert document(comment)["stamp"] == stamps[-1]


def test_every_write_that_changes_the_document_queues_the_comment(
    open_draft, respondent, other_respondent, moderator, drafter
):
    published = comment_create(open_draft, respondent)
    open_draft.moderation = "pre"
    held = comment_create(open_draft, other_respondent)
    assert held.status == FeedbackStatus.PENDING  # drafters search pending comments too
    assert queued() == [str(published.pk), str(held.pk)]

    support_add(user=other_respondent, feedback=published)
    assert queued() == [str(published.pk)]

    flag_add(user=other_respondent, feedback=published, reason="spam")
    assert queued() == []

    moderation_decide(moderator=moderator, feedback_ids=[held.pk], action="publish")
    assert queued() == [str(held.pk)]

    disposition = disposition_save(
        drafter=drafter, feedback_ids=[published.pk, held.pk], kind="accepted", answer="Tiếp thu."
    )
    assert sorted(queued()) == sorted([str(published.pk), str(held.pk)])
    disposition_save(  # the same answer again: nothing search holds changed
        drafter=drafter,
        feedback_ids=[published.pk, held.pk],
        kind="accepted",
        answer="Tiếp thu.",
        disposition=disposition,
    )
    assert queued() == []
    disposition_save(  # one comment leaves the answer
        drafter=drafter,
        feedback_ids=[held.pk],
        kind="accepted",
        answer="Tiếp thu.",
        disposition=disposition,
    )
    assert queued() == [str(published.pk)]
    disposition_publish(drafter=drafter, disposition=disposition)
    assert queued() == [str(held.pk)]

    respondent_delete(user=respondent)
    assert queued() == [str(published.pk)]
