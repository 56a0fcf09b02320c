"""The load test (`make loadtest`): the production server (gunicorn, DEBUG off) on loopback
under wrk, against the main pages and a constant tiny response; the "loadtest" section.

The server is started twice: with the page cache on, as in production, and off, so that
every request renders its page.
"""

import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse

from mmip.bench.report import machine_description

CONNECTIONS = (16, 64)
# The reference: a constant tiny response through the same server and middleware.
REFERENCE = "/ping"


def pages() -> list[tuple[str, str]]:
    """(label, path) of the pages under test; those whose page does not exist are left out."""
    wanted = [
        ("Home page", "home", []),
        ("Workstream page", "workstream-detail", ["skills"]),
        ("Funding explorer", "funding-explorer", []),
        ("Organisation page", "organisation-detail", ["cell-and-gene-therapy-catapult"]),
        ("Search", "search", []),
    ]
    found = []
    for label, name, args in wanted:
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            continue
        found.append((label, path + ("?q=apprenticeships" if name == "search" else "")))
    return found


# Pages measured a second time with the page cache off, with the target they must meet.
UNCACHED = {"Workstream page", "Funding explorer"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output: str) -> dict:
    # wrk pads figures in seconds with a trailing space ("99%    1.73s ").
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, flags=re.M))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # With no completed request wrk prints no distribution; the errors column tells why.
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(latency["50"]) if "50" in latency else float("nan"),
        "p99": to_ms(latency["99"]) if "99" in latency else float("nan"),
        "errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _ms(value: float) -> str:
    """A latency for the table; a dash where wrk gave none (no request completed)."""
    return "\N{EN DASH}" if math.isnan(value) else f"{value:.1f}"


def load_test(*, workers: int, seconds: int, write: Callable[[str], None], verbosity: int) -> str:
    """Loads the server with the page cache on, then off; returns the report."""
    if not shutil.which("wrk"):
        raise CommandError("wrk is not installed (apt-get install wrk; make loadtest does this).")
    run = {"seconds": seconds, "write": write, "verbosity": verbosity}
    reference = ("Reference (constant tiny response)", REFERENCE)
    with server(cache=True, workers=workers) as base:
        rows = measure(base, "cached", [reference, *pages()], **run)
    with server(cache=False, workers=workers) as base:
        uncached = [(label, path) for label, path in pages() if label in UNCACHED]
        rows += measure(base, "uncached", [reference, *uncached], **run)
    return report(rows, workers=workers, seconds=seconds)


@contextmanager
def server(*, cache: bool, workers: int, env: dict | None = None):
    """gunicorn on a free loopback port, in production mode; ``env`` adds to or overrides
    its environment (the benchmark points it at a database of its own)."""
    port = free_port()
    given = env or {}
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_PAGE_CACHE_SECONDS": "3600" if cache else "0",
        **given,
    }
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = "loadtest-only-" + os.urandom(24).hex()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "mmip.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + REFERENCE, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(url, process):
    for _ in range(100):
        if process.poll() is not None:
            raise CommandError("gunicorn stopped while starting; see its output above.")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"The server did not answer at {url}.")


def measure(
    base: str,
    mode: str,
    targets: list[tuple[str, str]],
    *,
    seconds: int,
    write: Callable[[str], None],
    verbosity: int,
) -> list[dict]:
    rows = []
    for label, path in targets:
        urllib.request.urlopen(base + path, timeout=30)  # warm: first render, cache fill
        for connections in CONNECTIONS:
            result = subprocess.run(
                ["wrk", "--latency", "--timeout", "10s", "-t2", f"-c{connections}", f"-d{seconds}s", base + path],
                capture_output=True,
                text=True,
                check=True,
            )  # fmt: skip
            figures = parse_wrk(result.stdout)
            rows.append(
                {"label": label, "path": path, "mode": mode, "connections": connections, **figures}
            )
            if verbosity > 1:
                write(result.stdout)
            write(
                f"{label} ({mode}) at {connections}: {figures['rps']:.0f} req/s, "
                f"p99 {figures['p99']:.1f} ms, errors {figures['errors'] + figures['non_2xx']}"
            )
    return rows


def report(rows, *, workers: int, seconds: int) -> str:
    reference = {
        (row["mode"], row["connections"]): row["rps"] for row in rows if row["path"] == REFERENCE
    }
    lines = [
        "## Load test (`make loadtest`)",
        "",
        f"Run on {machine_description()}.",
        f"gunicorn with {workers} sync workers and wrk (2 threads) on the same machine, "
        f"{seconds} s a run, over loopback; the demo record. *Cached*: the page cache on, "
        "as in production; *uncached*: the page cache off, so every request renders the page. "
        "The ratio compares a page's throughput with the constant tiny response "
        f"(`{REFERENCE}`) in the same server mode and at the same concurrency.",
        "",
        "| page | cache | connections | requests/s | ratio to reference | p50 (ms) | p99 (ms) | errors | non-2xx/3xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    misses = []
    for row in rows:
        ratio = row["rps"] / reference[(row["mode"], row["connections"])]
        lines.append(
            f"| {row['label']} (`{row['path']}`) | {row['mode']} | {row['connections']} | "
            f"{row['rps']:.0f} | {ratio:.0%} | {_ms(row['p50'])} | {_ms(row['p99'])} | "
            f"{row['errors']} | {row['non_2xx']} |"
        )
        target = None if row["path"] == REFERENCE else (0.70 if row["mode"] == "cached" else 0.10)
        if target and ratio < target:
            misses.append(
                f"{row['label']} ({row['mode']}, {row['connections']} connections) at {ratio:.0%}, target {target:.0%}"
            )
        if row["connections"] == 64 and (row["errors"] or row["non_2xx"]):
            misses.append(f"{row['label']} ({row['mode']}) had errors at 64 connections")
    lines += [
        "",
        "Targets: no errors and no 5xx at 64 connections; cached pages at least 70% of the "
        "reference; uncached workstream and explorer pages at least 10%.",
        "",
        ("All targets met." if not misses else "Missed: " + "; ".join(misses) + "."),
    ]
    return "\n".join(lines)
