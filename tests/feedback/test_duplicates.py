"""Duplicate and campaign detection: what groups, what does not, as comments arrive and in bulk."""

import threading
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from feedback import duplicates
from feedback.choices import FeedbackStatus
from feedback.duplicates import (
    duplicate_group_assign,
    duplicate_group_members,
    duplicate_groups,
    duplicates_regroup,
    signatures,
    words,
)
from feedback.models import (
    DuplicateBand,
    DuplicateFingerprint,
    DuplicateGroup,
    DuplicateScan,
    Feedback,
)
from search.models import IndexingOutbox
from search.text import fold
from tests.conftest import require_service_url

from .conftest import comment_create, comment_stored

pytestmark = pytest.mark.django_db

CAMPAIGN = (
    "Chúng tôi là các hộ kinh doanh tại chợ Hàn, kiến nghị Ban soạn thảo giữ nguyên mức phí "
    "chỗ ngồi như hiện nay, không tăng thêm trong năm 2026 vì sức mua của người dân còn yếu, "
    "nhiều hộ đang thua lỗ và có nguy cơ phải nghỉ bán. Đề nghị thành phố có chính sách hỗ trợ "
    "tiểu thương ổn định kinh doanh."
)
# The same campaign text as people paste it: a word changed, one added, one dropped, shouting.
CAMPAIGN_EDITED = (
    "Chúng tôi là các hộ kinh doanh tại chợ Hàn, KIẾN NGHỊ Ban soạn thảo giữ nguyên mức phí "
    "chỗ ngồi như hiện nay, không tăng thêm trong năm 2026 vì sức mua của bà con còn yếu, "
    "rất nhiều hộ đang thua lỗ và có nguy cơ nghỉ bán!!! Đề nghị thành phố có chính sách hỗ "
    "trợ tiểu thương ổn định kinh doanh."
)
FORM_LETTER = (
    "Kính gửi Ban soạn thảo. Tôi tên là {name}, hiện cư trú tại {address}. Tôi không đồng ý "
    "với việc thu hồi đất để mở rộng đường Nguyễn Tất Thành giai đoạn hai khi chưa công bố "
    "phương án bồi thường, hỗ trợ và tái định cư cụ thể cho từng hộ. Đề nghị tổ chức đối thoại "
    "với các hộ dân bị ảnh hưởng trước khi phê duyệt dự án. Trân trọng, {name}."
)
SENDERS = [
    ("Nguyễn Văn An", "số 12 đường Lê Lợi, phường Hải Châu"),
    ("Trần Thị Bích Ngọc", "tổ 45, phường Thanh Khê Đông, quận Thanh Khê"),
    ("Lê Quang Huy", "kiệt 81 Ông Ích Khiêm, phường Thạch Thang"),
]
QUOTE = (
    "Ủy ban nhân dân cấp xã có trách nhiệm công khai danh sách các hộ gia đình, cá nhân bị thu "
    "hồi đất, mức bồi thường, hỗ trợ và phương án bố trí tái định cư tại trụ sở và nhà văn hóa "
    "khu dân cư trong thời hạn ít nhất hai mươi ngày trước khi phê duyệt"
)
OPINION_A = "Đề nghị rút ngắn thời hạn này xuống mười ngày để người dân sớm nhận tiền bồi thường."
OPINION_B = "Cần bổ sung việc đăng tải trên cổng thông tin điện tử của quận, vì nhiều người ở xa."
UNIQUE = [
    "Đề nghị làm rõ khái niệm dữ liệu mở tại Điều 2, vì hiện nay mỗi sở ngành hiểu một kiểu "
    "và công bố theo định dạng khác nhau.",
    "Tôi đề xuất bổ sung quy định bắt buộc cập nhật dữ liệu quy hoạch trong vòng năm ngày làm "
    "việc kể từ khi có quyết định phê duyệt điều chỉnh.",
    "Quy định về trách nhiệm của Sở Thông tin và Truyền thông còn chung chung, cần nêu rõ đầu "
    "mối tiếp nhận phản ánh của doanh nghiệp về chất lượng dữ liệu.",
]
AGREEMENT = "Tôi hoàn toàn tán thành dự thảo."


def comment(draft, body, *, quote="", parent=None, status=FeedbackStatus.PUBLISHED, minutes=0):
    """A comment as it is stored (no service, no task): grouping is what is tested."""
    return comment_stored(
        draft,
        body,
        quote=quote,
        parent=parent,
        status=status,
        created_at=timezone.now() + timedelta(minutes=minutes),
    )


def assign_each(comments):
    for item in comments:
        duplicate_group_assign(feedback_id=item.pk)


def regroup(comments):
    duplicates_regroup(draft=comments[0].draft)


GROUPINGS = {"as they arrive": assign_each, "in bulk": regroup}


@pytest.fixture(params=list(GROUPINGS))
def group_them(request):
    """Each behaviour holds both for the task, comment by comment, and for the bulk regroup."""
    return GROUPINGS[request.param]


def partition(draft):
    """The groups of the draft as sets of comment ids."""
    return {
        frozenset(Feedback.objects.filter(duplicate_group=group).values_list("pk", flat=True))
        for group in DuplicateGroup.objects.filter(draft=draft)
    }


def ids(*comments):
    return frozenset(item.pk for item in comments)


# What is compared ---------------------------------------------------------------------------


def test_words_fold_as_search_does_without_punctuation_nor_numbers():
    text = "Đất đai: ĐỀ NGHỊ giữ nguyên “mức phí” (năm 2026, số 09.05.123)… Tán thành! ﬁ"

    assert b" ".join(words(text)) == b"dat dai de nghi giu nguyen muc phi nam so tan thanh fi"
    # search.text.fold's words, without what is not a letter.
    for sample in [text, CAMPAIGN, FORM_LETTER, QUOTE, *UNIQUE, "Ồ ẩm ướt; Ỹ Ỵ ỵ ĐƯỢC đ"]:
        folded = "".join(c if c.isalpha() else " " for c in fold(sample)).split()
        assert [word.decode() for word in words(sample)] == folded


def test_words_of_other_scripts_are_left_out():
    assert words("Дума 会议 tán thành") == [b"tan", b"thanh"]


def test_words_leave_out_the_quoted_passage_pasted_into_the_body():
    body = f"Khoản 2 quy định “{QUOTE}”. {OPINION_A}"

    assert words(body, QUOTE) == words(f"Khoản 2 quy định. {OPINION_A}")


def test_signatures_do_not_depend_on_how_many_texts_are_signed_together(monkeypatch):
    texts = [words(text) for text in [CAMPAIGN, CAMPAIGN_EDITED, *UNIQUE]]
    together = signatures(texts)
    monkeypatch.setattr(duplicates, "_SIGN_CHUNK", 40)  # one or two texts per chunk

    assert np.array_equal(signatures(texts), together)
    assert np.array_equal(np.vstack([signatures([text]) for text in texts]), together)
    assert duplicates.estimate(together[0], together[1]) > 0.6
    assert duplicates.estimate(together[2], together[3]) < 0.3


# What groups, and what does not -------------------------------------------------------------


def test_exact_copies_group(open_draft, group_them):
    copies = [comment(open_draft, CAMPAIGN, minutes=n) for n in range(3)]
    other = comment(open_draft, UNIQUE[0])

    group_them([*copies, other])

    assert partition(open_draft) == {ids(*copies)}
    group = DuplicateGroup.objects.get()
    assert (group.size, group.representative_id) == (3, copies[0].pk)


def test_a_form_letter_with_other_names_and_addresses_groups(open_draft, group_them):
    letters = [
        comment(open_draft, FORM_LETTER.format(name=name, address=address))
        for name, address in SENDERS
    ]

    group_them(letters)

    assert partition(open_draft) == {ids(*letters)}


def test_small_edits_group(open_draft, group_them):
    original = comment(open_draft, CAMPAIGN)
    edited = comment(open_draft, CAMPAIGN_EDITED)

    group_them([original, edited])

    assert partition(open_draft) == {ids(original, edited)}


def test_different_comments_quoting_the_same_long_provision_do_not_group(open_draft, group_them):
    first = comment(open_draft, OPINION_A, quote=QUOTE)
    second = comment(open_draft, OPINION_B, quote=QUOTE)
    # The passage pasted into the body as well, between quotation marks.
    third = comment(open_draft, f"Khoản 3 quy định: “{QUOTE}”. {UNIQUE[2]}", quote=QUOTE)
    fourth = comment(open_draft, f"Tại khoản 3: “{QUOTE}”. {UNIQUE[1]}", quote=QUOTE)

    group_them([first, second, third, fourth])

    assert partition(open_draft) == set()


def test_short_agreements_never_group(open_draft, group_them):
    agreements = [comment(open_draft, AGREEMENT) for _ in range(5)]
    agreements += [comment(open_draft, "Tán thành.") for _ in range(5)]

    group_them(agreements)

    assert partition(open_draft) == set()
    assert DuplicateFingerprint.objects.filter(text_hash__isnull=True).count() == 10


def test_replies_never_group(open_draft, group_them):
    thread = comment(open_draft, UNIQUE[0])
    replies = [comment(open_draft, CAMPAIGN, parent=thread) for _ in range(3)]

    group_them([thread, *replies])

    assert partition(open_draft) == set()
    assert Feedback.objects.filter(duplicate_group__isnull=False).count() == 0


def test_unrelated_comments_stay_alone(open_draft, group_them):
    comments = [comment(open_draft, text) for text in UNIQUE]

    group_them(comments)

    assert partition(open_draft) == set()


def test_groups_are_per_draft(open_draft, group_them):
    from tests.drafts.conftest import parsed_document, published_draft

    other_draft = published_draft(
        index=open_draft.get_parent().specific, parsed=parsed_document(), slug="du-thao-khac"
    )
    here = [comment(open_draft, CAMPAIGN), comment(open_draft, CAMPAIGN)]
    there = comment(other_draft, CAMPAIGN)

    group_them([*here, there])
    if group_them is regroup:
        duplicates_regroup(draft=other_draft)

    assert partition(open_draft) == {ids(*here)}
    assert partition(other_draft) == set()


# As comments arrive -------------------------------------------------------------------------


def test_a_new_comment_joins_the_existing_group_through_the_task(
    open_draft, respondent, other_respondent, press_respondent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = comment_create(open_draft, respondent, body=CAMPAIGN)
        second = comment_create(open_draft, other_respondent, body=CAMPAIGN_EDITED)
    group = DuplicateGroup.objects.get()
    assert partition(open_draft) == {ids(first, second)}

    with django_capture_on_commit_callbacks(execute=True):
        third = comment_create(open_draft, press_respondent, body=CAMPAIGN)

    third.refresh_from_db()
    group.refresh_from_db()
    assert third.duplicate_group == group
    assert (group.size, group.representative_id) == (3, first.pk)


def test_the_comments_that_change_group_are_queued_for_search(open_draft):
    leader = comment(open_draft, CAMPAIGN)
    assign_each([leader])
    follower = comment(open_draft, CAMPAIGN)
    IndexingOutbox.objects.all().delete()

    duplicate_group_assign(feedback_id=follower.pk)

    queued = IndexingOutbox.objects.filter(index="feedback").values_list("object_id", flat=True)
    assert set(queued) == {str(leader.pk), str(follower.pk)}


def test_examining_a_comment_twice_changes_nothing(open_draft):
    copies = [comment(open_draft, CAMPAIGN) for _ in range(2)]
    assign_each(copies)
    group = DuplicateGroup.objects.get()

    again = duplicate_group_assign(feedback_id=copies[1].pk)

    assert again == group
    group.refresh_from_db()
    assert group.size == 2
    assert DuplicateGroup.objects.count() == 1


def test_a_comment_like_two_groups_merges_them(open_draft):
    # Two variants far enough apart not to group, and a third text halfway between them.
    left = CAMPAIGN + " " + UNIQUE[0]
    right = CAMPAIGN + " " + UNIQUE[1]
    pair_left = [comment(open_draft, left) for _ in range(2)]
    pair_right = [comment(open_draft, right) for _ in range(2)]
    assign_each([*pair_left, *pair_right])
    assert partition(open_draft) == {ids(*pair_left), ids(*pair_right)}

    bridge = comment(open_draft, CAMPAIGN)
    duplicate_group_assign(feedback_id=bridge.pk)

    assert partition(open_draft) == {ids(*pair_left, *pair_right, bridge)}
    assert DuplicateGroup.objects.get().size == 5


def test_missing_or_reply_comments_are_not_examined(open_draft):
    thread = comment(open_draft, UNIQUE[0])
    reply = comment(open_draft, CAMPAIGN, parent=thread)

    assert duplicate_group_assign(feedback_id=reply.pk) is None
    assert duplicate_group_assign(feedback_id=999_999) is None
    assert not DuplicateFingerprint.objects.filter(feedback=reply).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_make_one_group(open_draft):
    require_service_url("DATABASE_URL", "PostgreSQL")
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    first = comment(open_draft, CAMPAIGN)
    assign_each([first])  # alone: no group yet, but its keys are stored
    copies = [comment(open_draft, CAMPAIGN) for _ in range(4)]
    barrier = threading.Barrier(len(copies))
    errors = []

    def examine(pk):
        try:
            barrier.wait(timeout=10)
            duplicate_group_assign(feedback_id=pk)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=examine, args=(item.pk,)) for item in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert partition(open_draft) == {ids(first, *copies)}
    assert DuplicateGroup.objects.get().size == 5


# In bulk ----------------------------------------------------------------------------------


def mixed_comments(draft):
    """A draft's worth of comments of every kind, in arrival order."""
    made = []
    for minute, (name, address) in enumerate(SENDERS):
        made.append(comment(draft, FORM_LETTER.format(name=name, address=address), minutes=minute))
        made.append(comment(draft, CAMPAIGN if minute % 2 else CAMPAIGN_EDITED, minutes=minute))
        made.append(comment(draft, UNIQUE[minute], minutes=minute))
        made.append(comment(draft, AGREEMENT, minutes=minute))
    made.append(comment(draft, OPINION_A, quote=QUOTE))
    made.append(comment(draft, OPINION_B, quote=QUOTE))
    made.append(comment(draft, CAMPAIGN, parent=made[0]))
    return made


def test_regrouping_finds_the_groups_found_as_comments_arrived(open_draft):
    comments = mixed_comments(open_draft)
    assign_each(comments)
    arrived = partition(open_draft)
    representatives = dict(DuplicateGroup.objects.values_list("pk", "representative_id"))
    assert len(arrived) == 2  # the form letter and the campaign

    report = duplicates_regroup(draft=open_draft)

    assert partition(open_draft) == arrived
    assert dict(DuplicateGroup.objects.values_list("pk", "representative_id")) == representatives
    assert (report.examined, report.groups, report.grouped, report.changed) == (14, 2, 6, 0)
    assert report.too_short == 3
    assert DuplicateScan.objects.get(draft=open_draft).regrouped_at is not None


def test_comments_grouped_in_bulk_are_found_by_the_next_arrival(open_draft):
    comments = mixed_comments(open_draft)  # imported without the task
    duplicates_regroup(draft=open_draft)
    group = Feedback.objects.get(pk=comments[1].pk).duplicate_group

    late = comment(open_draft, CAMPAIGN_EDITED, minutes=10)
    assert duplicate_group_assign(feedback_id=late.pk) == group

    keys = DuplicateBand.objects.filter(draft=open_draft)
    assert keys.count() == len(set(keys.values_list("key", flat=True)))


def test_regrouping_keeps_group_ids_and_releases_comments_that_no_longer_match(open_draft):
    copies = [comment(open_draft, CAMPAIGN) for _ in range(3)]
    assign_each(copies)
    group = DuplicateGroup.objects.get()
    Feedback.objects.filter(pk=copies[2].pk).update(body=UNIQUE[2])  # e.g. restored from paper

    report = duplicates_regroup(draft=open_draft)

    assert partition(open_draft) == {ids(*copies[:2])}
    assert DuplicateGroup.objects.get().pk == group.pk
    assert report.changed == 1


def test_a_group_that_falls_apart_is_deleted(open_draft):
    copies = [comment(open_draft, CAMPAIGN) for _ in range(2)]
    assign_each(copies)
    Feedback.objects.filter(pk=copies[1].pk).update(body=UNIQUE[2])

    duplicates_regroup(draft=open_draft)

    assert not DuplicateGroup.objects.exists()
    assert not Feedback.objects.filter(duplicate_group__isnull=False).exists()


# The representative and the selectors -------------------------------------------------------


def test_the_representative_is_the_most_common_published_text(open_draft, group_them):
    edited = comment(open_draft, CAMPAIGN_EDITED, minutes=0)
    pending = [
        comment(open_draft, CAMPAIGN, status=FeedbackStatus.PENDING, minutes=n) for n in (1, 2, 3)
    ]
    copies = [comment(open_draft, CAMPAIGN, minutes=n) for n in (5, 4)]

    group_them([edited, *pending, *copies])

    group = DuplicateGroup.objects.get()
    # Five copies of the template, but only the published ones count: two against one edited
    # copy; of the two, the first recorded (not the earliest dated).
    assert group.size == 6
    assert group.representative_id == copies[0].pk


def test_the_public_count_leaves_out_what_is_not_published(open_draft):
    campaign = [comment(open_draft, CAMPAIGN, minutes=n) for n in range(3)]
    letters = [
        comment(open_draft, FORM_LETTER.format(name=n, address=a), status=s)
        for (n, a), s in zip(SENDERS, ["published", "hidden", "pending"], strict=True)
    ]
    assign_each([*campaign, *letters])
    Feedback.objects.filter(pk=campaign[0].pk).update(status=FeedbackStatus.HIDDEN)

    for_drafters = duplicate_groups(draft=open_draft)
    public = duplicate_groups(draft=open_draft, published_only=True)

    assert [(summary.count, summary.representative) for summary in for_drafters] == [
        (3, campaign[0]),
        (3, letters[0]),
    ]
    # The hidden representative gives way to the earliest published copy; the letters have
    # only one published member: no group to show.
    assert [(summary.count, summary.representative) for summary in public] == [(2, campaign[1])]
    group = for_drafters[0].group
    assert list(duplicate_group_members(group=group)) == campaign
    assert list(duplicate_group_members(group=group, published_only=True)) == campaign[1:]


# The command ------------------------------------------------------------------------------


def test_the_command_regroups_a_draft(open_draft, capsys):
    comments = mixed_comments(open_draft)

    call_command("feedback_duplicates", "--draft", str(open_draft.pk))

    out = capsys.readouterr().out
    assert f"{open_draft.pk}" in out
    assert "14" in out and "6" in out
    assert Feedback.objects.get(pk=comments[1].pk).duplicate_group is not None


def test_the_command_regroups_every_draft_with_comments(open_draft, capsys):
    mixed_comments(open_draft)

    call_command("feedback_duplicates", "--all")

    assert len(partition(open_draft)) == 2


def test_the_command_names_a_draft_that_does_not_exist(open_draft, english):
    with pytest.raises(CommandError, match="No draft has the id 999999"):
        call_command("feedback_duplicates", "--draft", "999999")
