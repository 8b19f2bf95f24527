"""Versions: a parsed text saved as a provision tree, published with its page, kept readable."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from drafts.models import ConsultationStatus, DraftVersion, Provision
from drafts.selectors import provision_tree, published_versions, version_to_parsed
from drafts.services import draft_version_create
from tests.drafts.conftest import article, parsed_document

pytestmark = pytest.mark.django_db


def test_the_tree_is_saved_in_document_order_with_parents(open_draft):
    version = open_draft.versions.get()

    eids = list(version.provisions.values_list("eid", flat=True))

    assert eids == [
        "chp_I",
        "art_1",
        "art_1__para_1",
        "art_2",
        "art_2__para_1",
        "art_2__para_2",
        "art_2__para_2__point_a",
        "art_2__para_2__point_b",
    ]
    point = Provision.objects.select_related("parent__parent__parent").get(
        version=version, eid="art_2__para_2__point_b"
    )
    ancestors = []
    node = point.parent
    while node is not None:
        ancestors.append(node.eid)
        node = node.parent
    assert ancestors == ["art_2__para_2", "art_2", "chp_I"]
    assert point.depth == 3


def test_a_saved_version_reads_back_as_the_parsed_text(open_draft):
    version = open_draft.versions.get()

    assert version_to_parsed(version=version).to_dict() == parsed_document().to_dict()


def test_version_one_is_published_with_the_page(open_draft):
    version = open_draft.versions.get()

    assert version.number == 1
    assert version.is_published


def test_a_second_version_waits_for_the_page_to_be_published_and_keeps_the_first(open_draft):
    second = draft_version_create(
        draft=open_draft,
        parsed=parsed_document(article("1", "Phạm vi", "Nội dung mới.")),
        change_note="Tiếp thu ý kiến",
    )

    assert second.number == 2
    assert [v.number for v in published_versions(draft=open_draft)] == [1]

    open_draft.save_revision().publish()

    assert [v.number for v in published_versions(draft=open_draft)] == [1, 2]
    assert DraftVersion.objects.get(pk=second.pk).is_published
    assert [node.eid for node in provision_tree(version=open_draft.versions.get(number=1))] == [
        "chp_I"
    ]


def test_status_follows_the_period_without_any_job(open_draft):
    opens, closes = open_draft.opens_at, open_draft.closes_at

    assert (
        open_draft.status_at(opens - datetime.timedelta(seconds=1)) == ConsultationStatus.UPCOMING
    )
    assert open_draft.status_at(opens) == ConsultationStatus.OPEN
    assert open_draft.status_at(closes) == ConsultationStatus.CLOSED
    assert open_draft.status == ConsultationStatus.OPEN
    assert open_draft.days_left in (39, 40)


def test_a_short_period_needs_a_recorded_reason(open_draft):
    open_draft.closes_at = open_draft.opens_at + datetime.timedelta(days=10)

    with pytest.raises(ValidationError) as error:
        open_draft.full_clean()
    assert "short_period_reason" in error.value.message_dict

    open_draft.short_period_reason = "Văn bản cần ban hành gấp để kịp thời hạn của Trung ương."
    open_draft.full_clean()


def test_a_period_that_closes_before_it_opens_is_refused(open_draft):
    open_draft.closes_at = open_draft.opens_at - datetime.timedelta(hours=1)

    with pytest.raises(ValidationError) as error:
        open_draft.full_clean()
    assert "closes_at" in error.value.message_dict


def test_a_scheduled_version_goes_public_when_wagtail_publishes_the_page(open_draft):
    draft_version_create(draft=open_draft, parsed=parsed_document())
    open_draft.go_live_at = timezone.now() + datetime.timedelta(days=1)
    open_draft.save_revision().publish()  # scheduled, not published yet

    assert [v.number for v in published_versions(draft=open_draft)] == [1]

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
        call_command("publish_scheduled")
        assert [v.number for v in published_versions(draft=open_draft)] == [1, 2]
