"""Shared fixtures: service guards that skip on a laptop and fail in CI, and demo data."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(what: str, available: bool, how: str) -> None:
    """Skip when `what` is missing on a developer machine; fail when it is missing in CI."""
    if available:
        return
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def require_service_url(env_var: str, what: str) -> str:
    url = os.environ.get(env_var, "")
    require(what, bool(url), f"set {env_var} (make test-services)")
    return url


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a test client request to /en/ leaves English active in the
    test's thread (LocaleMiddleware does not deactivate), and page URLs would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows' primary keys are reused."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo_site(db):
    """The demo portal, drafting bodies and users, as `make run` loads them."""
    from consult.demo import seed_demo

    seed_demo()
    from cms.models import HomePage

    return HomePage.objects.get()
