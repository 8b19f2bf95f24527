"""Dispositions: only the draft's own body answers, groups of comments, the log, publication."""

import pytest
from django.utils import translation

from drafts.models import DraftPage
from drafts.services import draft_version_create, draft_version_publish
from feedback.choices import DispositionKind, NotificationKind
from feedback.errors import FeedbackRefused
from feedback.models import Disposition, DispositionEvent, Feedback, Notification
from feedback.services.dispositions import disposition_publish, disposition_save
from feedback.services.moderation import moderation_decide
from tests.drafts.conftest import article, parsed_document, published_draft

from .conftest import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals asserted by their English msgids, whatever the Vietnamese catalogue holds."""
    with translation.override("en"):
        yield


ANSWER = "Cơ quan soạn thảo tiếp thu, bổ sung quy định về dữ liệu mở."


@pytest.fixture
def three_comments(open_draft, respondent, other_respondent, press_respondent):
    return [
        comment_create(open_draft, respondent, body="Cần định nghĩa dữ liệu mở."),
        comment_create(open_draft, other_respondent, eid="art_2", body="Bổ sung dữ liệu mở."),
        comment_create(open_draft, press_respondent, eid="art_2__para_1", body="Đồng ý bổ sung."),
    ]


def ids(comments: list[Feedback]) -> list[int]:
    return [comment.pk for comment in comments]


def second_version(draft: DraftPage, *, publish: bool = True):
    version = draft_version_create(
        draft=draft,
        parsed=parsed_document(
            article("1", "Phạm vi điều chỉnh", "Quy định này áp dụng cho cơ quan nhà nước."),
            article("2", "Dữ liệu mở", "Dữ liệu mở là dữ liệu được công bố rộng rãi."),
            article("3", "Giải thích từ ngữ", "Trong Quy định này, các từ ngữ được hiểu như sau."),
        ),
    )
    return draft_version_publish(version=version) if publish else version


def test_a_group_of_three_comments_shares_one_disposition(three_comments, drafter):
    disposition = disposition_save(
        drafter=drafter,
        feedback_ids=ids(three_comments),
        kind=DispositionKind.ACCEPTED,
        answer="  Cơ quan soạn thảo tiếp thu,\r\n\r\n\r\nbổ sung quy định.  ",
    )

    assert disposition.answer == "Cơ quan soạn thảo tiếp thu,\n\nbổ sung quy định."
    assert disposition.created_by == drafter
    assert not disposition.is_published
    assert sorted(disposition.feedback.values_list("pk", flat=True)) == sorted(ids(three_comments))
    event = DispositionEvent.objects.get(disposition=disposition)
    assert (event.action, event.actor, event.kind) == ("saved", drafter, DispositionKind.ACCEPTED)
    assert event.feedback_ids == sorted(ids(three_comments))


def test_a_comment_moved_to_another_group_leaves_its_old_one(three_comments, drafter):
    first = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments[:1]), kind="noted", answer="Ghi nhận."
    )
    kept = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments[1:2]), kind="explained", answer="Vì..."
    )
    disposition_publish(drafter=drafter, disposition=kept)

    regrouped = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments), kind="accepted", answer=ANSWER
    )

    assert not Disposition.objects.filter(pk=first.pk).exists()  # unpublished and empty
    kept.refresh_from_db()
    assert kept.is_published  # a published answer is never removed silently
    assert kept.events.latest("pk").feedback_ids == []
    assert regrouped.feedback.count() == 3


def test_editing_a_group_takes_unticked_comments_out(three_comments, drafter):
    disposition = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments), kind="accepted", answer=ANSWER
    )

    disposition_save(
        drafter=drafter,
        feedback_ids=ids(three_comments[:2]),
        kind="partly_accepted",
        answer=ANSWER,
        disposition=disposition,
    )

    disposition.refresh_from_db()
    assert disposition.kind == "partly_accepted"
    assert sorted(disposition.feedback.values_list("pk", flat=True)) == ids(three_comments[:2])
    assert Feedback.objects.get(pk=three_comments[2].pk).disposition is None
    assert disposition.events.count() == 2


def test_a_drafter_of_another_body_cannot_answer(three_comments, other_drafter, drafter):
    with pytest.raises(FeedbackRefused) as refused:
        disposition_save(
            drafter=other_drafter, feedback_ids=ids(three_comments), kind="noted", answer="x"
        )
    assert refused.value.status == 403

    disposition = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments), kind="noted", answer="Ghi nhận."
    )
    with pytest.raises(FeedbackRefused) as refused:
        disposition_publish(drafter=other_drafter, disposition=disposition)
    assert refused.value.status == 403
    disposition.refresh_from_db()
    assert not disposition.is_published
    assert Disposition.objects.count() == 1


def test_comments_on_two_drafts_are_not_answered_together(
    open_draft, draft_index, respondent, drafter
):
    other = published_draft(index=draft_index, parsed=parsed_document(), slug="du-thao-thu-hai")
    DraftPage.objects.filter(pk=other.pk).update(drafting_body=open_draft.drafting_body)
    other.refresh_from_db()
    comments = [comment_create(open_draft, respondent), comment_create(other, respondent)]

    with pytest.raises(FeedbackRefused) as refused:
        disposition_save(drafter=drafter, feedback_ids=ids(comments), kind="noted", answer="x")

    assert refused.value.status == 400
    assert not Disposition.objects.exists()


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("approved", ANSWER), ("accepted", " \n "), ("accepted", "a" * 10_001)],
)
def test_bad_answers_are_refused(three_comments, drafter, kind, answer):
    with pytest.raises(FeedbackRefused):
        disposition_save(
            drafter=drafter, feedback_ids=ids(three_comments), kind=kind, answer=answer
        )

    assert not Disposition.objects.exists()


def test_hidden_comments_are_not_answered(three_comments, drafter, moderator):
    moderation_decide(
        moderator=moderator, feedback_ids=ids(three_comments[:1]), action="hide", reason="spam"
    )

    with pytest.raises(FeedbackRefused):
        disposition_save(
            drafter=drafter, feedback_ids=ids(three_comments), kind="noted", answer="x"
        )


def test_changed_provision_needs_a_later_version(three_comments, drafter):
    with pytest.raises(FeedbackRefused, match="no version later"):
        disposition_save(
            drafter=drafter,
            feedback_ids=ids(three_comments),
            kind="accepted",
            answer=ANSWER,
            changed_eid="art_1",
        )
    assert not Disposition.objects.exists()


def test_changed_provision_resolves_in_the_later_version(three_comments, drafter):
    draft = three_comments[0].draft
    later = second_version(draft)

    with pytest.raises(FeedbackRefused, match="“art_9” is not a provision"):
        disposition_save(
            drafter=drafter,
            feedback_ids=ids(three_comments),
            kind="accepted",
            answer=ANSWER,
            changed_eid="art_9",
        )
    disposition = disposition_save(
        drafter=drafter,
        feedback_ids=ids(three_comments),
        kind="accepted",
        answer=ANSWER,
        changed_eid=" art_3 ",
    )

    changed = disposition.changed_provision
    assert changed is not None
    assert (changed.version, changed.eid) == (later, "art_3")


def test_publishing_tells_the_authors(
    three_comments, drafter, respondent, other_respondent, django_capture_on_commit_callbacks
):
    disposition = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments), kind="accepted", answer=ANSWER
    )

    with django_capture_on_commit_callbacks(execute=True):
        disposition_publish(drafter=drafter, disposition=disposition)

    disposition.refresh_from_db()
    assert disposition.published_by == drafter
    assert disposition.published_at is not None
    assert list(disposition.events.values_list("action", flat=True)) == ["saved", "published"]
    told = set(
        Notification.objects.filter(
            kind=NotificationKind.ANSWER, feedback__in=three_comments
        ).values_list("user", flat=True)
    )
    assert {respondent.pk, other_respondent.pk} <= told

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        disposition_publish(drafter=drafter, disposition=disposition)
    assert callbacks == []  # publishing twice tells nobody twice
    assert disposition.events.count() == 2


def test_editing_a_published_answer_keeps_it_published_and_tells_again(
    three_comments, drafter, django_capture_on_commit_callbacks
):
    disposition = disposition_save(
        drafter=drafter, feedback_ids=ids(three_comments), kind="accepted", answer=ANSWER
    )
    disposition_publish(drafter=drafter, disposition=disposition)
    disposition.refresh_from_db()
    published_at = disposition.published_at

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        disposition_save(
            drafter=drafter,
            feedback_ids=ids(three_comments),
            kind="partly_accepted",
            answer=ANSWER + " Một phần.",
            disposition=disposition,
        )
    # The authors hear of the new answer; the search index learns its new kind.
    assert len(callbacks) == 2

    disposition.refresh_from_db()
    assert disposition.published_at == published_at
    assert list(disposition.events.values_list("action", flat=True)) == [
        "saved",
        "published",
        "saved",
    ]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        disposition_save(
            drafter=drafter,
            feedback_ids=ids(three_comments),
            kind="partly_accepted",
            answer=ANSWER + " Một phần.",
            disposition=disposition,
        )
    assert callbacks == []  # nothing they read changed


def test_an_answer_pointing_at_an_unpublished_version_waits_for_it(three_comments, drafter):
    later = second_version(three_comments[0].draft, publish=False)
    disposition = disposition_save(
        drafter=drafter,
        feedback_ids=ids(three_comments),
        kind="accepted",
        answer=ANSWER,
        changed_eid="art_3",
    )

    with pytest.raises(FeedbackRefused, match="not published yet") as refused:
        disposition_publish(drafter=drafter, disposition=disposition)
    assert refused.value.status == 409

    draft_version_publish(version=later)
    assert disposition_publish(drafter=drafter, disposition=disposition).is_published
