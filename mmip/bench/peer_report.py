"""The "bench-peer" section of docs/benchmarks.md: the explorer's throughput as a ratio to
Datasette's on the same awards, and where the explorer's time goes when it falls short."""

from mmip.bench.peer import DATASETTE_SETTINGS, PAGE_SIZE, PROFILED, SEARCHED, Peer
from mmip.bench.report import counted, machine_description

RATIO_TARGET = 1.5


def _sql_start(sql: str) -> str:
    return f"`{sql[:100]}…`" if len(sql) > 100 else f"`{sql}`"


class PeerReport:
    def __init__(self, measured: Peer):
        self.measured = measured
        self.misses: list[str] = []

    def markdown(self) -> str:
        measured = self.measured
        self.misses = []
        settings = ", ".join(f"`{name} {value}`" for name, value in DATASETTE_SETTINGS.items())
        lines = [
            "## The explorer against Datasette (`make bench`)",
            "",
            f"Run on {machine_description()}.",
            "",
            f"**Record:** the {measured.exported:,} public awards of the {measured.awards:,} "
            "synthetic awards of the benchmark's database, exported with sqlite-utils (in "
            f"{measured.export_seconds:.1f} s) into a SQLite file: title, description, the "
            "funder's, recipient's and programme's names, amount and date, with FTS5 full-text "
            f"search on {', '.join(SEARCHED)} and indexes on the funder and the date.",
            "",
            f"**Servers:** Datasette {measured.datasette_version} (`datasette serve`, its own "
            f"uvicorn server, the file mutable as published; {settings}, so that it lists "
            f"{PAGE_SIZE} rows a page as the explorer does and never drops a facet or count for "
            "time) against this project's production stack: gunicorn with one sync worker, "
            "DEBUG off, the page cache off, on the same PostgreSQL database. Both on loopback "
            "HTTP on the same machine.",
            "",
            f"**Method, the same on both sides:** one client, requests one after another, a new "
            f"connection each; {counted(measured.warmup, 'warm-up request')}, then "
            f"{counted(measured.repeat, 'timed request')} of each page. Throughput is the timed "
            "requests divided by the seconds spent waiting for them. Before each request to the "
            "explorer the shared cache is emptied (not timed), so that it adds up its totals, "
            "median, charts and facet counts afresh, as after any change to the record; "
            "Datasette keeps no such cache and counts its rows and facet on every request.",
            "",
            "| page | ours | requests/s | median (ms) | size (kB) | awards matched | Datasette's equivalent | requests/s | median (ms) | size (kB) | awards matched | ratio ours/Datasette | target | met |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            *self.rows(),
            "",
            "**Where an explorer request goes with its figures afresh** (in the benchmark's "
            "process, through the test client, so without HTTP and gunicorn; the request of "
            f"median time of {PROFILED}):",
            "",
            *self.profiles(),
            "",
            f"Target: the explorer at least {RATIO_TARGET} times Datasette's throughput on both pages, "
            "with its figures afresh.",
            "",
        ]
        if self.misses:
            lines += ["**Missed:**", "", *(f"- {miss}" for miss in self.misses)]
        else:
            lines.append("**All targets met.**")
        return "\n".join(lines)

    def rows(self) -> list[str]:
        lines = []
        for page in self.measured.pages:
            ours, theirs = page["ours"], page["theirs"]
            ratio = ours["rps"] / theirs["rps"]
            met = ratio >= RATIO_TARGET
            lines.append(
                f"| {page['label']} | `{ours['path']}` | {ours['rps']:.1f} | {ours['median']:.1f} | "
                f"{ours['kilobytes']:,.0f} | {ours['matches']:,} | `{theirs['path']}` | "
                f"{theirs['rps']:.1f} | {theirs['median']:.1f} | {theirs['kilobytes']:,.0f} | "
                f"{theirs['matches']:,} | {ratio:.2f} | at least {RATIO_TARGET} | "
                f"{'yes' if met else '**no**'} |"
            )
            if not met:
                profile = page["profile"]
                python_ms = max(0.0, profile["total_ms"] - profile["db_ms"])
                self.misses.append(
                    f"{page['label']}: {ratio:.2f} times Datasette's throughput, target "
                    f"{RATIO_TARGET} times. With its figures afresh a request took "
                    f"{profile['total_ms']:.0f} ms: {profile['db_ms']:.0f} ms in its "
                    f"{counted(profile['count'], 'query', 'queries')} and {python_ms:.0f} ms in "
                    "Python (view and templates)."
                )
        return lines

    def profiles(self) -> list[str]:
        lines = [
            "| page | total (ms) | in its queries (ms) | queries | in Python (ms) | slowest queries |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for page in self.measured.pages:
            profile = page["profile"]
            python_ms = max(0.0, profile["total_ms"] - profile["db_ms"])
            slowest = "; ".join(
                f"{ms:.0f} ms {_sql_start(sql)}" for ms, sql in profile["slowest"]
            ).replace("|", "\\|")
            lines.append(
                f"| {page['label']} | {profile['total_ms']:.0f} | {profile['db_ms']:.0f} | "
                f"{profile['count']} | {python_ms:.0f} | {slowest} |"
            )
        return lines
