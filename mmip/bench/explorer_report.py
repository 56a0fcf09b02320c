"""The "bench" section of docs/benchmarks.md: the explorer, downloads and progress pages at
scale, each figure beside its target, and why a page missed its target when one did."""

from django.urls import reverse

from mmip.bench.databases import SEED
from mmip.bench.explorer import DOWNLOADS, AtScale
from mmip.bench.report import counted, machine_description, verdict

PAGE_P95_TARGET_MS = 100


def _sql_start(sql: str) -> str:
    return f"`{sql[:110]}…`" if len(sql) > 110 else f"`{sql}`"


class Report:
    def __init__(self, measured: AtScale):
        self.measured = measured
        self.misses: list[str] = []

    def markdown(self) -> str:
        measured = self.measured
        self.misses = []
        lines = [
            "## Funding explorer, downloads and progress at scale (`make bench`)",
            "",
            f"Run on {machine_description()}.",
            "",
            f"**Record:** {measured.awards:,} synthetic awards and {measured.milestones:,} "
            "milestones with the initiatives, commitments, indicators and progress updates that "
            f"go with them (`generate_synthetic --seed {SEED} --awards {measured.awards} "
            f"--milestones {measured.milestones}`, laid out around the day it was made) in "
            f"`{measured.big}`, a database of the benchmark's own beside the configured one, vacuumed "
            f"and analysed before measuring; query counts are compared with {measured.compare_awards:,} "
            f"awards and {measured.compare_milestones:,} milestones in `{measured.small}`. The "
            "workstream page is that of the workstream with the most milestones.",
            "",
            "**Pages:** requested through Django's test client in the benchmark's own process "
            "(middleware, view and templates, without a network or a WSGI server), with the page "
            "cache off (`PUBLIC_PAGE_CACHE_SECONDS = 0`, so every request renders the page) and "
            f"DEBUG off; {counted(measured.warmup, 'warm-up request')}, then "
            f"{counted(measured.repeat, 'timed request')} of each page. The explorer's figures "
            "(totals, median and the two charts of a filter) and the overview of /progress/ (its "
            "counts and lists) stay in the shared cache until the record changes, as in "
            "production (`RECORD_FIGURES_CACHE_SECONDS`), so these requests find them there, as "
            "every request of a filter after its first does; the second table empties the cache "
            "before each request, as a change to the record does, and is what the first "
            "visitor after a change waits.",
            "",
            f"**Downloads:** every award, {counted(measured.download_runs, 'run')} of each, each in a "
            "fresh Python process that requests the download through the same client and reads it "
            "to the last byte. Time is from the request to the last byte (the median run). Peak "
            "memory is the process's peak resident set size (VmHWM in `/proc/self/status`; the "
            "largest run): all the memory the download needs, psycopg's C buffers included, "
            "which tracemalloc would not see. (`resource.getrusage` would not do: on Linux its "
            "`ru_maxrss` keeps the peak of the process that started the child.) Beside it, the "
            "process's peak before the download began, with Python, Django and the project loaded.",
            "",
            *self.page_times(),
            "",
            "| page, its remembered figures made afresh | median (ms) | p95 (ms) |",
            "| --- | ---: | ---: |",
            *(
                f"| {label} | {figures['median']:.1f} | {figures['p95']:.1f} |"
                for label, figures in measured.afresh.items()
            ),
            "",
            *self.downloads(),
            "",
            *self.query_counts(),
            "",
            f"Targets: pages p95 under {PAGE_P95_TARGET_MS} ms; each full download within its "
            "time and peak memory (in its row); queries per page independent of the size of the "
            "record.",
            "",
        ]
        return "\n".join(lines + verdict(self.misses))

    def page_times(self) -> list[str]:
        lines = [
            "| page | median (ms) | p95 (ms) | size (kB) | target (p95) | met |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, path in self.measured.pages:
            figures = self.measured.timings[label]
            met = figures["p95"] < PAGE_P95_TARGET_MS
            size = self.measured.queries[label]["kilobytes"]
            lines.append(
                f"| {label} (`{path}`) | {figures['median']:.1f} | {figures['p95']:.1f} | "
                f"{size:,.0f} | under {PAGE_P95_TARGET_MS} ms | {'yes' if met else '**no**'} |"
            )
            if not met:
                self.misses.append(self.page_miss(label, figures, self.measured.queries[label]))
        return lines

    def downloads(self) -> list[str]:
        awards = self.measured.awards
        lines = [
            f"| download of all {awards:,} awards | size (MB) | rows | queries | time (s) | peak memory (MB) | before the download (MB) | targets | met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for kind, spec in DOWNLOADS.items():
            figures = self.measured.downloads[kind]
            problems = []
            if figures["seconds"] >= spec.seconds:
                problems.append(f"took {figures['seconds']:.1f} s")
            if figures["peak_mb"] >= spec.memory_mb:
                problems.append(
                    f"peaked at {figures['peak_mb']:.0f} MB, {figures['before_mb']:.0f} MB of it "
                    "before the download began"
                )
            rows = figures["rows"]
            if rows is not None and rows != awards:
                problems.append(f"held {rows:,} of the {awards:,} awards")
            every = ", every award" if rows is not None else ""
            lines.append(
                f"| {spec.label} (`{reverse(spec.url_name)}`) | {figures['megabytes']:.1f} | "
                f"{'not counted' if rows is None else f'{rows:,}'} | {figures['queries']} | "
                f"{figures['seconds']:.2f} | {figures['peak_mb']:.0f} | {figures['before_mb']:.0f} | "
                f"under {spec.seconds:g} s and {spec.memory_mb:g} MB{every} | "
                f"{'**no**' if problems else 'yes'} |"
            )
            if problems:
                self.misses.append(f"{spec.label} download: " + "; ".join(problems) + ".")
        return lines

    def query_counts(self) -> list[str]:
        measured = self.measured
        lines = [
            f"| page | queries at {measured.compare_awards:,} awards | queries at {measured.awards:,} awards | "
            f"afresh at {measured.compare_awards:,} | afresh at {measured.awards:,} | independent of the size of the record |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, _ in measured.pages:
            small, big = measured.compared[label], measured.queries[label]
            same = small["count"] == big["count"] and small["afresh"] == big["afresh"]
            lines.append(
                f"| {label} | {small['count']} | {big['count']} | {small['afresh']} | "
                f"{big['afresh']} | {'yes' if same else '**no**'} |"
            )
            if not same:
                self.misses.append(
                    f"{label}: {small['count']} queries ({small['afresh']} afresh) at "
                    f"{measured.compare_awards:,} awards but {big['count']} ({big['afresh']}) at {measured.awards:,}."
                )
        return lines

    @staticmethod
    def page_miss(label: str, figures: dict, queries: dict) -> str:
        """Why a page was slow: how one request's time divided between the database and
        Python (view and templates), and the slowest queries."""
        slowest = "; ".join(f"{ms:.0f} ms {_sql_start(sql)}" for ms, sql in queries["slowest"])
        python_ms = max(0.0, queries["total_ms"] - queries["db_ms"])
        if queries["db_ms"] >= python_ms:
            cause = (
                "Most of it is the database: the number of queries does not grow with the "
                "record, but queries that read every matching row (totals, charts, counts, "
                "lists without a limit) take longer the larger the record."
            )
        else:
            cause = (
                "Most of it is Python: building the page and rendering its templates, "
                f"{queries['kilobytes']:,.0f} kB of HTML."
            )
        return (
            f"{label}: p95 {figures['p95']:.0f} ms, target under {PAGE_P95_TARGET_MS} ms. One "
            f"request took {queries['total_ms']:.0f} ms: {queries['db_ms']:.0f} ms in its "
            f"{counted(queries['count'], 'query', 'queries')} and {python_ms:.0f} ms in Python (view and "
            f"templates). {cause} The slowest queries: {slowest}."
        )
