"""Drafting bodies come with their drafters' group."""

import pytest

from drafts.models import DraftingBody
from drafts.services import drafting_body_ensure
from tests.factories import DraftingBodyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_drafting_body_ensure_creates_the_body_and_its_group_once():
    first = drafting_body_ensure(slug="so-xay-dung", name="Sở Xây dựng", short_name="SXD")
    again = drafting_body_ensure(slug="so-xay-dung", name="Sở Xây dựng", short_name="SXD")

    assert first.pk == again.pk
    assert DraftingBody.objects.count() == 1
    assert first.drafters.name == "Drafters: SXD"
    assert first.drafters.permissions.filter(codename="access_admin").exists()


def test_drafters_are_members_of_their_body_group():
    body = DraftingBodyFactory.create()
    drafter = UserFactory.create()
    drafter.groups.add(body.drafters)

    assert list(DraftingBody.objects.filter(drafters__user=drafter)) == [body]
