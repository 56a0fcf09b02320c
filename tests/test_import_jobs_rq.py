"""The same background jobs on Redis, through django-tasks-rq: chosen from the environment
(TASKS_BACKEND=rq, never by default), and an import's preview and apply queued by the admin's
own code, carried by Redis and run by `manage.py worker` in a process of its own.

The settings tests need no Redis. The round trip needs a Redis server: REDIS_URL names it,
or TEST_REDIS_URL for a run whose cache should stay in the database (.ci/run sets that when
a server answers on this machine); without either it is skipped, saying so."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
import redis
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from funding.models import Award
from imports import uploads
from imports.choices import Choices
from imports.models import Upload
from mmip.settings import redis_database
from tests import giving_files as gf
from tests.test_settings_and_setup import CHECKOUT, UNUSED_DATABASE_URL, run_manage

REDIS_SERVER = os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL") or ""
# The jobs of these tests queue in a Redis database of their own on that server, never the
# one REDIS_URL names, which holds the cache when it is set.
QUEUE_DATABASE = 15

pytestmark = pytest.mark.slow


def settings_of(**env) -> list[str]:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TASKS['default']['BACKEND']); print('django_rq' in s.INSTALLED_APPS); "
        "print(getattr(s, 'RQ_QUEUES', None))",
        DEBUG="true",
        DATABASE_URL=UNUSED_DATABASE_URL,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-3:]


def test_the_jobs_queue_in_the_database_unless_redis_is_chosen():
    assert settings_of(TASKS_BACKEND=None, TASKS_REDIS_URL=None, REDIS_URL=None) == [
        "django_tasks_db.DatabaseBackend",
        "False",
        "None",
    ]
    # A Redis cache alone does not move the jobs.
    assert settings_of(TASKS_BACKEND=None, REDIS_URL="redis://127.0.0.1:6379/0")[:2] == [
        "django_tasks_db.DatabaseBackend",
        "False",
    ]


def test_tasks_backend_rq_queues_them_in_redis_with_a_timeout_fit_for_a_large_import():
    backend, installed, queues = settings_of(
        TASKS_BACKEND="rq", TASKS_REDIS_URL="redis://127.0.0.1:6379/1", REDIS_URL=None
    )
    assert (backend, installed) == ("django_tasks_rq.RQBackend", "True")
    assert queues == "{'default': {'URL': 'redis://127.0.0.1:6379/1', 'DEFAULT_TIMEOUT': 3600}}"


def test_the_rq_settings_pass_the_backends_own_checks():
    result = run_manage(
        "check",
        DEBUG="true",
        DATABASE_URL=UNUSED_DATABASE_URL,
        TASKS_BACKEND="rq",
        TASKS_REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of database, rq, not 'celery'"),
        ({"TASKS_BACKEND": "rq", "TASKS_REDIS_URL": None}, "set TASKS_REDIS_URL"),
        (
            {
                "TASKS_BACKEND": "rq",
                "REDIS_URL": "redis://cache.internal:6379",
                "TASKS_REDIS_URL": "redis://cache.internal:6379/0",
            },
            "names the Redis database of the cache",
        ),
    ],
)
def test_a_queue_that_cannot_work_is_refused_in_words(env, message):
    result = run_manage("check", DEBUG="true", DATABASE_URL=UNUSED_DATABASE_URL, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_redis_address_is_its_server_and_database():
    assert redis_database("redis://h:6379") == redis_database("redis://h/0") == ("h", 6379, 0)
    assert redis_database("redis://h:6379/1") == redis_database("redis://h?db=1") == ("h", 6379, 1)
    assert redis_database("") is None


# The round trip through a real Redis server.


def queue_url() -> str:
    server = redis.Redis.from_url(REDIS_SERVER).connection_pool.connection_kwargs
    return f"redis://{server.get('host', '127.0.0.1')}:{server.get('port', 6379)}/{QUEUE_DATABASE}"


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    host = quote(db["HOST"] or db["OPTIONS"].get("host", ""), safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def run_worker() -> None:
    """`manage.py worker --burst`, configured for Redis as a deployment is, by its environment:
    it runs every job waiting, each in a process forked for it, then stops."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "rq",
        "TASKS_REDIS_URL": queue_url(),
        "ENV_FILE": os.devnull,
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "worker", "--burst"],
        cwd=CHECKOUT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def on_redis():
    if not REDIS_SERVER:
        pytest.skip(
            "needs a Redis server: set REDIS_URL, or TEST_REDIS_URL to keep the cache in the "
            "database (the settings tests above run without one)"
        )
    queue = redis.Redis.from_url(queue_url())
    try:
        queue.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"No Redis answers at {queue_url()}: {error}")
    queue.flushdb()  # the tests' own database on the server: jobs left by an earlier run
    backend = {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    with override_settings(TASKS={"default": backend}, RQ_QUEUES={"default": {"URL": queue_url()}}):
        yield queue
    queue.flushdb()
    queue.close()


@pytest.mark.django_db(transaction=True)
def test_a_preview_and_an_apply_run_through_redis_and_a_worker_of_their_own(on_redis):
    staff = User.objects.create_user("staff-rq")
    upload = uploads.receive(
        uploaded=SimpleUploadedFile(
            "grants.json", gf.dumps(gf.package([gf.grant(0), gf.grant(1)]))
        ),
        choices=Choices(),
        user=staff,
    )
    # Queued in Redis once the upload was committed; nothing ran it yet.
    assert on_redis.llen("rq:queue:default") == 1
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.RECEIVED

    run_worker()

    upload.refresh_from_db()
    assert upload.state == Upload.State.PREVIEWED, upload.failure
    assert upload.preview["counts"]["new"] == 2
    assert not Award.objects.exists()

    uploads.request_apply(
        upload=upload, user=staff, skip_problems=False, digest=upload.preview["digest"]
    )
    run_worker()

    upload.refresh_from_db()
    assert upload.state == Upload.State.APPLIED, upload.failure
    assert upload.finished_by == staff
    assert sorted(Award.objects.values_list("identifier", flat=True)) == sorted(
        [gf.grant(0)["id"], gf.grant(1)["id"]]
    )
    assert on_redis.llen("rq:queue:default") == 0
