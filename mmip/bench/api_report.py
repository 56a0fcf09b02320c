"""The "bench-api" section of docs/benchmarks.md: the JSON API's award list and summary at
scale, each figure beside its target."""

from mmip.bench.api import FILTERED, LIST, PAGE_SIZES, SUMMARY, ApiAtScale, deep_label
from mmip.bench.report import counted, machine_description

TARGETS_MS = {LIST: 50, FILTERED: 100, SUMMARY: 100}
# Page 200 "costs no more than page 1": its median may exceed page 1's by this share at
# most, what two runs of the same page differ by on a busy machine.
DEEP_ALLOWANCE = 0.10


class ApiReport:
    def __init__(self, measured: ApiAtScale):
        self.measured = measured
        self.misses: list[str] = []

    def markdown(self) -> str:
        measured = self.measured
        self.misses = []
        lines = [
            "## JSON API at scale (`make bench`)",
            "",
            f"Run on {machine_description()}.",
            "",
            f"**Record:** the same {measured.awards:,} synthetic awards in `{measured.big}` as the "
            f"explorer's figures; query counts compared with {measured.compare_awards:,} awards in "
            f"`{measured.small}`. Requested through Django's test client as the explorer is, with the page "
            f"cache off and DEBUG off, {counted(measured.warmup, 'warm-up request')} then "
            f"{counted(measured.repeat, 'timed request')} of each; throttling on at a rate no "
            "run reaches, so its statement is timed too. The filtered list takes the explorer's "
            "filtered page's query string. The summary's figures stay in the shared cache, as "
            "in production, so it is timed as every request after the first finds it. Page "
            f"{measured.deep_page} is reached by following the `next` links from page 1, 25 "
            "awards a page, and timed against page 1 with the two requested in turn, so that both meet "
            "the same moments of the machine.",
            "",
            "| request | median (ms) | p95 (ms) | queries | size (kB) | target (p95) | met |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
            *self.times(),
            "",
            *self.deep(),
            "",
            *self.query_counts(),
            "",
            f"Targets: the list p95 under {TARGETS_MS[LIST]} ms, the filtered list and the summary "
            f"under {TARGETS_MS[FILTERED]} ms; page {measured.deep_page} no dearer than page 1 "
            f"(median within {DEEP_ALLOWANCE:.0%}, the same queries); queries per request "
            "independent of the page size and of the size of the record.",
            "",
        ]
        if self.misses:
            lines += ["**Missed:**", "", *(f"- {miss}" for miss in self.misses)]
        else:
            lines.append("**All targets met.**")
        return "\n".join(lines)

    def times(self) -> list[str]:
        lines = []
        for label, path in self.measured.endpoints:
            figures = self.measured.timings[label]
            queries = self.measured.queries[label]
            target = TARGETS_MS.get(label)
            met = target is None or figures["p95"] < target
            lines.append(
                f"| {label} (`{path[:80]}{'…' if len(path) > 80 else ''}`) | "
                f"{figures['median']:.1f} | {figures['p95']:.1f} | {queries['count']} | "
                f"{queries['kilobytes']:,.1f} | "
                f"{f'under {target} ms' if target else 'no more than page 1'} | "
                f"{'yes' if met else '**no**'} |"
            )
            if not met:
                self.misses.append(
                    f"{label}: p95 {figures['p95']:.0f} ms, target under {target} ms; one request "
                    f"spent {queries['db_ms']:.0f} ms of {queries['total_ms']:.0f} ms in its "
                    f"{counted(queries['count'], 'query', 'queries')}."
                )
        return lines

    def deep(self) -> list[str]:
        measured = self.measured
        deep = deep_label(measured.deep_page)
        first, last = measured.first_and_deep
        first_q, last_q = measured.queries[LIST]["count"], measured.queries[deep]["count"]
        ratio = last / first
        met = ratio <= 1 + DEEP_ALLOWANCE and first_q == last_q
        if not met:
            self.misses.append(
                f"Page {measured.deep_page}: median {last:.1f} ms and {last_q} queries, "
                f"against page 1's {first:.1f} ms and {first_q}."
            )
        return [
            f"| page, timed in turn with the other | median (ms) | queries | page {measured.deep_page} against page 1 | met |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| 1 | {first:.1f} | {first_q} | | |",
            f"| {measured.deep_page} | {last:.1f} | {last_q} | {ratio:.2f} times | "
            f"{'yes' if met else '**no**'} |",
        ]

    def query_counts(self) -> list[str]:
        measured = self.measured
        lines = [
            f"| request | queries at {measured.compare_awards:,} awards | queries at {measured.awards:,} awards | "
            f"afresh at {measured.compare_awards:,} | afresh at {measured.awards:,} | independent |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        rows = [(label, measured.queries[label]) for label, _ in measured.endpoints[:3]]
        rows += list(measured.sizes.items())
        for label, big in rows:
            small = measured.compared[label]
            same = small["count"] == big["count"] and small["afresh"] == big["afresh"]
            lines.append(
                f"| {label} | {small['count']} | {big['count']} | {small['afresh']} | "
                f"{big['afresh']} | {'yes' if same else '**no**'} |"
            )
            if not same:
                self.misses.append(
                    f"{label}: {small['count']} queries ({small['afresh']} afresh) at "
                    f"{measured.compare_awards:,} awards but {big['count']} ({big['afresh']}) at "
                    f"{measured.awards:,}."
                )
        sizes = [measured.sizes[f"per_page={size}"] for size in PAGE_SIZES]
        if len({(size["count"], size["afresh"]) for size in sizes}) > 1:
            self.misses.append(
                "Queries differ with the page size: "
                + ", ".join(
                    f"{size['count']} ({size['afresh']} afresh) at per_page={n}"
                    for n, size in zip(PAGE_SIZES, sizes, strict=True)
                )
                + "."
            )
        lines.append("")
        lines.append(
            "Page sizes compared: "
            + " and ".join(
                f"per_page={n}, {size['count']} queries ({size['afresh']} afresh)"
                for n, size in zip(PAGE_SIZES, sizes, strict=True)
            )
            + (
                " (the same)."
                if len({(s["count"], s["afresh"]) for s in sizes}) == 1
                else " (**not the same**)."
            )
        )
        return lines
