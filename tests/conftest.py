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


def restore_wagtail_roots() -> None:
    """Re-create what Wagtail's migrations put in an empty database: locale, page, collection roots.

    Transactional tests end with a flush, which keeps content types and permissions (post_migrate
    re-creates them) but drops this data, so a later transactional test finds no root. Django's
    serialized_rollback cannot restore it for the browser tests: Playwright's sync API keeps an
    event loop running in the test thread, so Django hands the test a per-context connection that
    lacks the serialized copy. Fixtures that build a portal call this first.
    """
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    if Page.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


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
