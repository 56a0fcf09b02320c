import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from mmip.bench.report import machine_description, write_section

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


class Command(BaseCommand):
    help = (
        "Load the production server (gunicorn, DEBUG off) on loopback with wrk at 16 and 64 "
        "connections, against the main pages and a constant tiny response, and write "
        "throughput, p50, p99 and errors to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=10, help="Length of each run.")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)

    def handle(self, *args, seconds, workers, **options):
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed (apt-get install wrk; make loadtest does this)."
            )
        self.seconds, self.workers, self.verbosity = seconds, workers, options["verbosity"]
        rows = []
        with self.server(cache=True) as base:
            rows += self.measure(
                base, "cached", [("Reference (constant tiny response)", REFERENCE), *pages()]
            )
        with self.server(cache=False) as base:
            uncached = [(label, path) for label, path in pages() if label in UNCACHED]
            rows += self.measure(
                base, "uncached", [("Reference (constant tiny response)", REFERENCE), *uncached]
            )
        path = write_section("loadtest", self.report(rows))
        self.stdout.write(self.style.SUCCESS(f"Wrote the load test figures to {path}"))

    @contextmanager
    def server(self, *, cache: bool):
        port = free_port()
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PUBLIC_PAGE_CACHE_SECONDS": "3600" if cache else "0",
        }
        if not env.get("SECRET_KEY"):
            env["SECRET_KEY"] = "loadtest-only-" + os.urandom(24).hex()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(
            [str(gunicorn), "mmip.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers), "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            self.wait_until_up(base + REFERENCE, process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)

    def wait_until_up(self, url, process):
        for _ in range(100):
            if process.poll() is not None:
                raise CommandError("gunicorn stopped while starting; see its output above.")
            try:
                urllib.request.urlopen(url, timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError(f"The server did not answer at {url}.")

    def measure(self, base, mode, targets):
        rows = []
        for label, path in targets:
            urllib.request.urlopen(base + path, timeout=30)  # warm: first render, cache fill
            for connections in CONNECTIONS:
                result = subprocess.run(
                    ["wrk", "--latency", "--timeout", "10s", "-t2", f"-c{connections}", f"-d{self.seconds}s", base + path],
                    capture_output=True,
                    text=True,
                    check=True,
                )  # fmt: skip
                figures = parse_wrk(result.stdout)
                rows.append(
                    {
                        "label": label,
                        "path": path,
                        "mode": mode,
                        "connections": connections,
                        **figures,
                    }
                )
                if self.verbosity > 1:
                    self.stdout.write(result.stdout)
                self.stdout.write(
                    f"{label} ({mode}) at {connections}: {figures['rps']:.0f} req/s, "
                    f"p99 {figures['p99']:.1f} ms, errors {figures['errors'] + figures['non_2xx']}"
                )
        return rows

    def report(self, rows) -> str:
        reference = {
            (row["mode"], row["connections"]): row["rps"]
            for row in rows
            if row["path"] == REFERENCE
        }
        lines = [
            "## Load test (`make loadtest`)",
            "",
            f"Run on {machine_description()}.",
            f"gunicorn with {self.workers} sync workers and wrk (2 threads) on the same machine, "
            f"{self.seconds} s a run, over loopback; the demo record. *Cached*: the page cache on, "
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
            target = (
                None if row["path"] == REFERENCE else (0.70 if row["mode"] == "cached" else 0.10)
            )
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
