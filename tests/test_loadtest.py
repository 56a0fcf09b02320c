"""make loadtest reads wrk's report correctly (the run itself is `make loadtest`)."""

import math

from mmip.bench.loadtest import parse_wrk, report

REPORT = """Running 10s test @ http://127.0.0.1:8000/ping
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    80.12ms   20.00ms 600.00ms   90.00%
  Latency Distribution
     50%   75.50ms
     75%   90.00ms
     90%  110.00ms
     99%    1.20s
  7034 requests in 10.00s, 1.23MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    703.40
Transfer/sec:    125.00KB
"""


def test_throughput_latency_and_errors_are_read_from_wrk():
    assert parse_wrk(REPORT) == {
        "rps": 703.40,
        "p50": 75.5,
        "p99": 1200.0,
        "errors": 3,
        "non_2xx": 4,
    }


def test_a_run_without_a_completed_request_reports_no_latency():
    figures = parse_wrk(
        "  0 requests in 10.00s, 0B read\n  Socket errors: connect 0, read 0, write 0, timeout 64\n"
        "Requests/sec:      0.00\n"
    )
    assert figures["errors"] == 64
    assert math.isnan(figures["p50"])


def test_a_run_without_a_latency_shows_a_dash_in_the_report():
    rows = [
        {"label": "Reference", "path": "/ping", "mode": "uncached", "connections": 64,
         "rps": 1000.0, "p50": 5.0, "p99": 9.0, "errors": 0, "non_2xx": 0},
        {"label": "Workstream page", "path": "/workstreams/skills/", "mode": "uncached",
         "connections": 64, "rps": 30.0, "p50": math.nan, "p99": math.nan, "errors": 0,
         "non_2xx": 0},
    ]  # fmt: skip
    written = report(rows, workers=4, seconds=10)
    assert (
        "| Workstream page (`/workstreams/skills/`) | uncached | 64 | 30 | 3% | \N{EN DASH} | \N{EN DASH} | 0 | 0 |"
        in written
    )
    assert "nan" not in written
    assert "Workstream page (uncached, 64 connections) at 3%, target 10%" in written


def test_latencies_in_seconds_are_read_despite_wrk_padding_them():
    figures = parse_wrk(
        "  Latency Distribution\n     50%    1.25s \n     75%    1.32s \n     99%    1.73s \n"
        "  228 requests in 5.02s, 5.57MB read\nRequests/sec:     45.39\n"
    )
    assert (figures["p50"], figures["p99"]) == (1250.0, 1730.0)
