"""The "imports" section of docs/benchmarks.md: importing our own 360Giving export of the
large synthetic record, each step beside its target, and what was wrong when a step did
not do what it should (every grant new, every award written, nothing written again)."""

import os

from mmip.bench.databases import SEED
from mmip.bench.importing import ImportsAtScale
from mmip.bench.report import counted, machine_description, verdict

PREVIEW_SECONDS_TARGET = 30
IMPORT_SECONDS_TARGET = 60
IMPORT_MEMORY_TARGET_MB = 300
AGAIN_SECONDS_TARGET = 30
# step: (label, seconds target, memory target or None)
TARGETS = {
    "preview": ("Preview (a dry run) against the empty database", PREVIEW_SECONDS_TARGET, None),
    "import": ("Import into the empty database", IMPORT_SECONDS_TARGET, IMPORT_MEMORY_TARGET_MB),
    "again": ("The same file again (changes nothing)", AGAIN_SECONDS_TARGET, None),
}


class ImportsReport:
    def __init__(self, measured: ImportsAtScale):
        self.measured = measured
        self.misses: list[str] = []

    def markdown(self) -> str:
        measured = self.measured
        self.misses = []
        imported = measured.steps["import"]
        lines = [
            "## Importing a funder's 360Giving file at scale (`make bench`)",
            "",
            f"Run on {machine_description()}.",
            "",
            f"**File:** our own 360Giving export (`{measured.export_path}`, requested through "
            "Django's test client as the downloads above are, and read to the last byte) of the "
            f"{measured.awards:,} synthetic awards of `generate_synthetic --seed {SEED} --awards "
            f"{measured.awards}` in `{measured.source}`: {measured.export_megabytes:,.1f} MB, "
            f"{counted(imported['counts']['grants_in_file'], 'grant')}, naming "
            f"{counted(imported['organisations_new'], 'organisation')} and "
            f"{counted(imported['programmes_new'], 'programme')}.",
            "",
            f"**Steps:** `manage.py import_360giving`'s work with every grant chosen, each step in "
            f"a fresh Python process with DEBUG off, against `{measured.target}`, a database of "
            "the benchmark's own, migrated and emptied before the first step: the preview (a "
            "dry run, writing nothing); the import; then, with the database analysed as "
            "autovacuum would leave it, the import of the same file again, which finds nothing "
            "to change and writes nothing. Time is from opening the file (its checksum and "
            "first pass included) to the end of the step, the commit included. Peak memory is "
            "the process's peak resident set size (VmHWM in `/proc/self/status`); beside it, "
            "the process's peak before the step began, with Python, Django and the project "
            "loaded. CPU is the step's process's own CPU time: on a busy machine it is what the "
            "step cost this process, where the time also counts the waits for a core (the "
            "database server's work is in its own processes, counted in the time alone). "
            f"The machine's load average as the steps began: {measured.load:.1f}, on "
            f"{os.cpu_count()} cores.",
            "",
            "| step | time (s) | CPU (s) | peak memory (MB) | before the step (MB) | new | "
            "unchanged | awards after | target | met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            *(self.step_line(step) for step in TARGETS),
            "",
            *self.busy(),
        ]
        return "\n".join(lines + verdict(self.misses))

    def busy(self) -> list[str]:
        """A warning, when other work shared the machine, that the times are not the steps'
        own."""
        cores = os.cpu_count() or 1
        if self.measured.load <= cores:
            return []
        return [
            f"**The machine was busy** with other work as the steps began (load average "
            f"{self.measured.load:.1f} on {cores} cores), so the times include waits for a core "
            "and are longer than the steps take alone: the CPU column is the steps' own. "
            "Measure again on a quiet machine before taking a missed target as a regression.",
            "",
        ]

    def step_line(self, step: str) -> str:
        label, seconds_target, memory_target = TARGETS[step]
        figures = self.measured.steps[step]
        counts = figures["counts"]
        problems = []
        if figures["seconds"] >= seconds_target:
            problems.append(f"took {figures['seconds']:.1f} s")
        if memory_target and figures["peak_mb"] >= memory_target:
            problems.append(
                f"peaked at {figures['peak_mb']:.0f} MB, {figures['before_mb']:.0f} MB of it "
                "before the step began"
            )
        problems += self.wrong(step, figures)
        target = f"under {seconds_target} s" + (f" and {memory_target} MB" if memory_target else "")
        if problems:
            self.misses.append(f"{label}: " + "; ".join(problems) + ".")
        return (
            f"| {label} | {figures['seconds']:.1f} | {figures['cpu_seconds']:.1f} | {figures['peak_mb']:.0f} | "
            f"{figures['before_mb']:.0f} | {counts['new']:,} | {counts['unchanged']:,} | "
            f"{figures['awards_after']:,} | {target} | {'**no**' if problems else 'yes'} |"
        )

    def wrong(self, step: str, figures: dict) -> list[str]:
        """What the step did that it should not have: a figure of the wrong work is no figure."""
        awards, counts = self.measured.awards, figures["counts"]
        found = []
        if counts["with_problems"]:
            found.append(f"found {counted(counts['with_problems'], 'grant')} with problems")
        expected = {
            "preview": {"new": awards, "awards_after": 0, "wrote": False},
            "import": {"new": awards, "awards_after": awards, "wrote": True},
            "again": {"new": 0, "awards_after": awards, "wrote": False},
        }[step]
        if counts["new"] != expected["new"]:
            found.append(f"found {counts['new']:,} new grants, not {expected['new']:,}")
        if figures["awards_after"] != expected["awards_after"]:
            found.append(
                f"left {figures['awards_after']:,} awards, not {expected['awards_after']:,}"
            )
        if figures["wrote"] != expected["wrote"]:
            found.append("wrote to the record" if figures["wrote"] else "wrote nothing")
        return found
