"""The permission matrix: seven kinds of visitor × every feedback view and action.

Each row is what one visitor gets from one view; private details (e-mail, phone, IP) are checked
on every page each visitor can open.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.choices import FeedbackStatus
from feedback.models import Feedback, FeedbackAttachment, Flag, Subscription, Support
from tests.factories import UserFactory
from tests.feedback.conftest import (
    ROLES,
    client_for,
    comment_create,
    outcome,
    respondent_create,
)

pytestmark = pytest.mark.django_db

AUTHOR_EMAIL = "tac.gia@example.com"
AUTHOR_PHONE = "0905777888"
AUTHOR_IP = "198.51.100.23"


@pytest.fixture
def world(open_draft, drafter, other_drafter, moderator):
    """The draft, its comments (published, pending, with files) and one user per role."""
    from django.contrib.auth.models import Group

    author = respondent_create(email=AUTHOR_EMAIL, phone=AUTHOR_PHONE, full_name="Phạm Tác Giả")
    editor = UserFactory.create(email="editor.test@example.com")
    editor.groups.add(Group.objects.get(name="Portal editors"))
    users = {
        "anonymous": None,
        "citizen": respondent_create(email="citizen.matrix@example.com"),
        "author": author,
        "drafter": drafter,
        "other_drafter": other_drafter,
        "editor": editor,
        "moderator": moderator,
    }
    published = comment_create(open_draft, author, body="Ý kiến công khai")
    Feedback.objects.filter(pk=published.pk).update(ip_address=AUTHOR_IP)
    pending = comment_create(open_draft, author, body="Chờ duyệt, gọi 0905111222")
    assert pending.status == FeedbackStatus.PENDING
    file = FeedbackAttachment.objects.create(
        feedback=published,
        file=SimpleUploadedFile("y-kien.pdf", b"%PDF-1.4\n%%EOF"),
        name="y-kien.pdf",
        content_type="application/pdf",
        size=14,
    )
    scan = FeedbackAttachment.objects.create(
        feedback=published,
        file=SimpleUploadedFile("cong-van.pdf", b"%PDF-1.4\n%%EOF"),
        name="cong-van.pdf",
        content_type="application/pdf",
        size=14,
        is_scan=True,
    )
    pending_file = FeedbackAttachment.objects.create(
        feedback=pending,
        file=SimpleUploadedFile("cho.pdf", b"%PDF-1.4\n%%EOF"),
        name="cho.pdf",
        content_type="application/pdf",
        size=14,
    )
    return {
        "draft": open_draft,
        "published": published,
        "pending": pending,
        "file": file,
        "scan": scan,
        "pending_file": pending_file,
        "users": users,
    }


#               anonymous citizen author  drafter  other_dr  editor   moderator
READS = {
    "draft page": (
        lambda w: w["draft"].url,
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    "comment list": (
        lambda w: reverse("feedback:list", args=[w["draft"].pk]),
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    "published comment": (
        lambda w: reverse("feedback:detail", args=[w["published"].pk]),
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    "pending comment": (
        lambda w: reverse("feedback:detail", args=[w["pending"].pk]),
        ["missing", "missing", "ok", "ok", "missing", "missing", "ok"],
    ),
    "attachment of a published comment": (
        lambda w: reverse("feedback:attachment", args=[w["file"].pk]),
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    "scanned letter": (
        lambda w: reverse("feedback:attachment", args=[w["scan"].pk]),
        ["missing", "missing", "missing", "ok", "missing", "missing", "ok"],
    ),
    "attachment of a pending comment": (
        lambda w: reverse("feedback:attachment", args=[w["pending_file"].pk]),
        ["missing", "missing", "ok", "ok", "missing", "missing", "ok"],
    ),
    "comment form": (
        lambda w: reverse("feedback:new", args=[w["draft"].pk]),
        ["login", "ok", "ok", "302", "302", "302", "302"],  # staff have no respondent profile
    ),
    "flag form": (
        lambda w: reverse("feedback:flag", args=[w["published"].pk]),
        ["login", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    "own profile": (lambda w: reverse("feedback:profile"), ["login", *["ok"] * 6]),
    "own data": (lambda w: reverse("feedback:data_export"), ["login", *["ok"] * 6]),
    "own notifications": (lambda w: reverse("feedback:notifications"), ["login", *["ok"] * 6]),
    "moderation queue": (
        lambda w: reverse("feedback_moderation_queue"),
        ["login", "login", "login", "denied", "denied", "denied", "ok"],
    ),
    "admin comment page": (  # the body's own drafters read it too, without the IP
        lambda w: reverse("feedback_admin_comment", args=[w["pending"].pk]),
        ["login", "login", "login", "ok", "missing", "denied", "ok"],
    ),
    "drafters' review": (
        lambda w: reverse("feedback_review"),
        ["login", "login", "login", "ok", "ok", "denied", "denied"],
    ),
    "paper submission form": (
        lambda w: reverse("feedback_paper_new"),
        ["login", "login", "login", "ok", "ok", "denied", "ok"],
    ),
}


@pytest.mark.parametrize("view", READS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_what(world, view, role):
    url, expected = READS[view]
    response = client_for(world["users"][role]).get(url(world))
    assert outcome(response) == expected[ROLES.index(role)]


def _private_details_shown(response) -> set[str]:
    content = response.content.decode() if hasattr(response, "content") else ""
    return {
        name
        for name, value in (("e-mail", AUTHOR_EMAIL), ("phone", AUTHOR_PHONE), ("IP", AUTHOR_IP))
        if value in content
    }


# What each role may see of the author's private details on any page it can open.
PRIVATE_ALLOWED = {
    "anonymous": set(),
    "citizen": set(),
    "author": {"e-mail", "phone", "IP"},  # their own data page
    "drafter": {"e-mail", "phone"},
    "other_drafter": set(),
    "editor": set(),
    "moderator": {"e-mail", "phone", "IP"},
}


@pytest.mark.parametrize("role", ROLES)
def test_private_details_are_never_shown_to_those_who_may_not_see_them(world, role):
    client = client_for(world["users"][role])
    shown: set[str] = set()
    for url, _expected in READS.values():
        response = client.get(url(world))
        if response.status_code == 200 and not response.get("Content-Disposition"):
            shown |= _private_details_shown(response)
    assert shown <= PRIVATE_ALLOWED[role]
    if role in ("anonymous", "citizen", "other_drafter", "editor"):
        assert not shown


def test_a_drafter_of_another_body_sees_nothing_private_in_the_review(world):
    client = client_for(world["users"]["other_drafter"])
    response = client.get(reverse("feedback_review"))
    assert "Chờ duyệt" not in response.content.decode()
    assert "Ý kiến công khai" not in response.content.decode()


ACTIONS = {
    # name: (method, url, data, effect checked after, expected outcome per role)
    "reply": lambda w: (
        reverse("feedback:reply", args=[w["published"].pk]),
        {"body": "Trả lời", "idempotency_key": str(uuid.uuid4())},
        lambda: Feedback.objects.filter(parent=w["published"]).count(),
    ),
    "support": lambda w: (
        reverse("feedback:support", args=[w["published"].pk]),
        {},
        lambda: Support.objects.filter(feedback=w["published"]).count(),
    ),
    "flag": lambda w: (
        reverse("feedback:flag", args=[w["published"].pk]),
        {"reason": "spam"},
        lambda: Flag.objects.filter(feedback=w["published"]).count(),
    ),
    "follow draft": lambda w: (
        reverse("feedback:follow_draft", args=[w["draft"].pk]),
        {},
        lambda: Subscription.objects.filter(draft=w["draft"]).count(),
    ),
    "reply to a pending comment": lambda w: (
        reverse("feedback:reply", args=[w["pending"].pk]),
        {"body": "Trả lời", "idempotency_key": str(uuid.uuid4())},
        lambda: Feedback.objects.filter(parent=w["pending"]).count(),
    ),
    "moderate": lambda w: (
        reverse("feedback_moderation_decide"),
        {"id": [w["pending"].pk], "action": "publish"},
        lambda: Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).count() - 1,
    ),
}
#                              anonymous citizen author drafter other_dr editor moderator
ACTION_EFFECT = {
    "reply": [0, 1, 1, 0, 0, 0, 0],  # staff have no respondent profile: asked to make one
    "support": [0, 1, 0, 1, 1, 1, 1],  # not one's own comment
    "flag": [0, 1, 1, 1, 1, 1, 1],
    "follow draft": [0, 1, 1, 1, 1, 1, 1],
    "reply to a pending comment": [0, 0, 0, 0, 0, 0, 0],
    "moderate": [0, 0, 0, 0, 0, 0, 1],
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(world, action, role):
    url, data, effect = ACTIONS[action](world)
    before = effect()
    response = client_for(world["users"][role]).post(url, data)
    assert response.status_code < 500
    assert effect() - before == ACTION_EFFECT[action][ROLES.index(role)]
