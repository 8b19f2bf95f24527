"""Staff reach the Wagtail admin through the same allauth sign-in as everyone else."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_admin_visit_goes_to_the_allauth_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"


def test_wagtails_own_sign_in_form_is_not_reachable(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/pages/"


def test_editor_signs_in_and_reaches_the_admin(client, demo_site):
    response = client.post(
        reverse("account_login"),
        {"login": "editor@example.com", "password": "demo-editor-2026", "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_citizen_cannot_enter_the_admin(client, demo_site):
    client.post(
        reverse("account_login"), {"login": "citizen@example.com", "password": "demo-citizen-2026"}
    )

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
