"""Shared personas and settings for the suite. Tests run on the real PostgreSQL."""

import pytest
from django.contrib.auth.models import Group, User


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
