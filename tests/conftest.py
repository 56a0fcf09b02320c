"""Shared personas and settings for the suite. Tests run on the real PostgreSQL."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from playwright.sync_api import sync_playwright

from mmip.pagecache import forget_recent_pages
from tests.browser import launch_chromium, require_chromium
from tests.data_migrations import rerun_data_migrations


def pytest_collection_modifyitems(items):
    # A browser test starts chromium and serves pages to it: slow by nature.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _public_page_cache_only_where_tested(request, settings):
    """Page tests count the queries a view makes; the page cache (tests/test_page_cache.py,
    marked public_cache) would add its own, so elsewhere it is off."""
    if request.node.get_closest_marker("public_cache") is None:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # Each test's database changes are rolled back but the record generation is not, so a
    # page this process kept from an earlier test could match a later one's generation.
    forget_recent_pages()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A test database kept from an earlier run (--reuse-db) is as that run's last test left
    it. A browser test empties every table when it ends, the staff groups and their
    permissions among them, which only data migrations write. So when the groups are
    missing, each of this project's data migrations runs again, on the models as they were
    at that migration, exactly as `migrate` ran it."""
    with django_db_blocker.unblock():
        if not Group.objects.exists():
            rerun_data_migrations(connection)


def _staff_in(group_name: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return _staff_in("Editors", "editor")


@pytest.fixture
def viewer(db):
    return _staff_in("Viewers", "viewer")


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(username="admin", password="pw", email="a@example.org")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture(scope="module")
def browser():
    """One chromium for a test module. Playwright's sync API keeps an event loop running in
    this thread, and Django refuses database access from such a thread unless told it is
    deliberate; only while the browser runs, or `check --deploy` in a subprocess objects."""
    require_chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()


@pytest.fixture(autouse=True)
def _api_throttling_only_where_tested(request, settings):
    """The API counts each address's requests (api/throttling.py); tests that walk every page
    would run into the limit, and its query would join every count, so elsewhere it is off."""
    if request.node.get_closest_marker("api_throttle") is None:
        settings.API_THROTTLE_RATES = []
