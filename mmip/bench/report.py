"""Shared by `make bench` and `make loadtest`: each section of docs/benchmarks.md belongs to
one measurement and is rewritten alone, so any of them can run without losing the others'
figures."""

import os
import platform
import re
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings

BENCHMARKS = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Measured on this project's own machines by `make bench` (the funding explorer, downloads and
progress pages at scale, the JSON API at scale, the explorer against Datasette serving the same
awards, and the main pages on the demo record; `BENCH_ARGS=--pages-only`, `--api-only` or
`--peer-only` runs one part alone) and `make loadtest` (the production server under concurrent
load). Each rewrites only its own sections below. Figures vary between
machines: compare runs on the same machine.
"""


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{datetime.now():%d %B %Y %H:%M}, {os.cpu_count()} cores ({cpu}){memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
        + (f", commit {commit}" if commit else "")
    )


def counted(number: int, thing: str, things: str = "") -> str:
    """'1 award', '3 awards', '2 queries' (things for a plural that is not thing + s)."""
    return f"{number:,} {thing if number == 1 else things or thing + 's'}"


def verdict(misses: list[str]) -> list[str]:
    """A section's last lines: each target missed, or that all were met."""
    if misses:
        return ["**Missed:**", "", *(f"- {miss}" for miss in misses)]
    return ["**All targets met.**"]


def write_section(name: str, body: str) -> Path:
    """Replace (or append) the section between the markers named `name`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else HEADER
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.parent.mkdir(exist_ok=True)
    BENCHMARKS.write_text(text)
    return BENCHMARKS
