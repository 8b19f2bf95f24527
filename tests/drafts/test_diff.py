"""Comparing versions: aligned by eid, renumbered provisions found by similarity, word changes."""

import pytest

from drafts.diff import Change, compare_versions, word_diff
from drafts.services import draft_version_create
from tests.drafts.conftest import article, parsed_document

pytestmark = pytest.mark.django_db


def changes_by_eid(changes):
    return {(c.new or c.old).eid: c for c in changes}


def test_word_diff_marks_inserted_and_deleted_words():
    segments = word_diff("Dữ liệu được quản lý tập trung.", "Dữ liệu được quản lý thống nhất.")

    assert [(s.op, s.text) for s in segments if s.op != "equal"] == [
        ("delete", "tập trung."),
        ("insert", "thống nhất."),
    ]
    assert (
        "".join(s.text for s in segments if s.op != "insert") == "Dữ liệu được quản lý tập trung."
    )


def test_changed_added_and_removed_provisions(open_draft):
    old = open_draft.versions.get()
    new = draft_version_create(
        draft=open_draft,
        parsed=parsed_document(
            article("1", "Phạm vi điều chỉnh", "Quy định này áp dụng cho mọi cơ quan nhà nước."),
            article("2", "Dữ liệu mở", "Dữ liệu được quản lý tập trung."),
        ),
    )

    changes = changes_by_eid(compare_versions(old=old, new=new))

    assert changes["art_1__para_1"].change == Change.CHANGED
    assert ("insert", "mọi ") in [(s.op, s.text) for s in changes["art_1__para_1"].text]
    assert changes["art_2__para_1"].change == Change.UNCHANGED
    assert changes["art_2__para_2"].change == Change.REMOVED
    assert changes["art_2__para_2__point_a"].change == Change.REMOVED


def test_a_renumbered_article_is_matched_by_its_text(open_draft):
    old = open_draft.versions.get()
    new = draft_version_create(
        draft=open_draft,
        parsed=parsed_document(
            article("1", "Phạm vi điều chỉnh", "Quy định này áp dụng cho cơ quan nhà nước."),
            article("2", "Chữ ký số", "Văn bản điện tử phải được ký số."),
            article(
                "3",
                "Dữ liệu mở",
                "Dữ liệu được quản lý tập trung.",
                "Các loại dữ liệu mở gồm:",
                points={2: ["Dữ liệu thủ tục hành chính;", "Dữ liệu quy hoạch."]},
            ),
        ),
    )

    changes = compare_versions(old=old, new=new)
    by_eid = changes_by_eid(changes)

    assert by_eid["art_2"].change == Change.ADDED
    assert by_eid["art_3"].old.eid == "art_2"
    assert by_eid["art_3"].renumbered
    assert by_eid["art_3__para_2__point_b"].old.eid == "art_2__para_2__point_b"
    assert not any(c.change == Change.REMOVED for c in changes)
    assert [c.provision.eid for c in changes][:3] == ["chp_I", "art_1", "art_1__para_1"]


def test_provisions_are_named_as_people_cite_them():
    from django.utils import translation

    from drafts.templatetags.drafts_tags import eid_label

    with translation.override("vi"):
        assert eid_label("art_5__para_2__point_dd") == "Điều 5, khoản 2, điểm đ"
        assert eid_label("chp_II__sec_1") == "Chương II, Mục 1"
    with translation.override("en"):
        assert eid_label("att_1__art_5__para_2") == "Attachment 1, Article 5, clause 2"
