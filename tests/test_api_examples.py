"""The curl examples on /about/data/ work: each is run as it is printed, with curl and jq,
against a server holding the demo record, and answers JSON."""

import html
import json
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from funding.models import Award
from tests.factories import DEMO_FIXTURES

pytestmark = pytest.mark.slow

EXAMPLE = re.compile(r'<pre class="api-examples"><code>(.*?)</code></pre>', re.DOTALL)


@pytest.fixture
def demo(transactional_db):
    call_command("loaddata", *[str(path) for path in DEMO_FIXTURES], verbosity=0)


def examples(live_server) -> list[str]:
    page = subprocess.run(
        ["curl", "-sf", f"{live_server.url}/about/data/"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [html.unescape(example) for example in EXAMPLE.findall(page)]


def test_every_example_on_about_the_data_answers_json(live_server, demo):
    for tool in ("curl", "jq"):
        if shutil.which(tool) is None:
            pytest.skip(f"the examples need {tool}")

    found = examples(live_server)

    assert len(found) == 7
    for example in found:
        assert example.startswith(("curl ", "url=")), example
        assert live_server.url in example
        result = subprocess.run(
            ["bash", "-c", example], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, (example, result.stderr)
        lines = result.stdout.splitlines()
        if example.startswith("url="):
            # The loop: one award a line, every public award once.
            awards = [json.loads(line)["id"] for line in lines]
            assert sorted(awards) == sorted(
                Award.objects.public().values_list("identifier", flat=True)
            )
        else:
            answer = json.loads(result.stdout)
            assert "errors" not in answer, example
