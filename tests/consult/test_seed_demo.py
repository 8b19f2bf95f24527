"""seed_demo builds the demo portal once, however often it runs."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Page, PageLogEntry, Site

from cms.models import HomePage, NewsPage, PortalSettings
from consult.demo import DEMO_USERS
from drafts.models import DraftingBody
from feedback.models import Feedback

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": PageLogEntry.objects.count(),
        "bodies": DraftingBody.objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "feedback": Feedback.objects.count(),
    }


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = snapshot()

    call_command("seed_demo")

    assert snapshot() == first
    assert first["bodies"] == 2
    # The demo users, and the two sample organisations whose comments the demo draft shows.
    assert first["users"] == len(DEMO_USERS) + 2
    assert first["feedback"] == 4


def test_seed_demo_creates_a_city_department_portal(demo_site):
    site = Site.objects.get(is_default_site=True)
    portal = PortalSettings.for_site(site)

    assert site.root_page.specific == demo_site
    assert portal.agency_name == "Sở Thông tin và Truyền thông"
    assert portal.parent_agency_name.startswith("Ủy ban nhân dân thành phố")
    assert NewsPage.objects.live().count() == 2
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert HomePage.objects.count() == 1


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda demo: demo.role)
def test_every_demo_user_signs_in_with_the_documented_password(demo_site, demo):
    user = authenticate(username=demo.email, password=demo.password)

    assert user is not None
    assert EmailAddress.objects.get(user=user).verified


def test_demo_roles_are_groups(demo_site):
    user_model = get_user_model()
    drafter = user_model.objects.get(email="drafter@example.com")
    other_drafter = user_model.objects.get(email="drafter2@example.com")
    editor = user_model.objects.get(email="editor@example.com")
    citizen = user_model.objects.get(email="citizen@example.com")

    first_body, second_body = DraftingBody.objects.order_by("slug")
    assert (
        drafter.groups.get() == second_body.drafters or drafter.groups.get() == first_body.drafters
    )
    assert drafter.groups.get() != other_drafter.groups.get()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not citizen.has_perm("wagtailadmin.access_admin")
    assert not citizen.is_staff and not editor.is_superuser


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing to create demo users"):
        call_command("seed_demo")

    assert not get_user_model().objects.exists()
