"""The layers of docs/architecture.md: `make lint` checks them with import-linter; this
checks that its contract for the core names every core module, so a new one cannot slip
past it."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
# Above the core (mmip.site, mmip.bench), or the project's wiring that names every app.
NOT_CORE = {"site", "bench", "urls", "__init__"}


def core_contract() -> dict:
    config = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())
    (contract,) = [
        c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith("The core")
    ]
    return contract


def test_the_core_contract_names_every_core_module():
    modules = {
        f"mmip.{path.stem}"
        for path in (CHECKOUT / "mmip").iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists()) and path.stem not in NOT_CORE
    }

    assert modules == set(core_contract()["source_modules"])


def test_the_core_may_not_import_any_feature_app_or_the_site():
    forbidden = set(core_contract()["forbidden_modules"])

    assert {"workstreams", "funding", "skills", "mmip.site", "mmip.bench"} <= forbidden


@pytest.mark.slow
def test_a_web_process_starts_without_the_import_only_libraries():
    """jsonschema (a second and 30 MB with its format checkers) serves only the import of a
    funder's file, and Datasette only the benchmark: a web worker, or a command that does
    neither, does not load them at start-up."""
    check = (
        "import sys, django; django.setup();"
        "from django.urls import resolve; resolve('/');"
        "print(sorted(m for m in ('jsonschema', 'datasette') if m in sys.modules))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "mmip.settings", "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=CHECKOUT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
