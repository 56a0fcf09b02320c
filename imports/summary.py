"""An import's preview in lines of plain text, for the command line."""

SHOWN_IN_TEXT = 20


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def summary_lines(found: dict, *, detail: bool = False) -> list[str]:
    counts, dataset = found["counts"], found["dataset"]
    lines = [
        f"Dataset: “{dataset['title']}” by {dataset['publisher_name']}"
        + (" (in the record)" if dataset["id"] else " (new)"),
        f"Chosen: {found['selection']}.",
        f"Grants in the file: {counts['grants_in_file']:,}. New: {counts['new']:,}. "
        f"Changed: {counts['changed']:,}. Unchanged: {counts['unchanged']:,}. "
        f"Not chosen: {counts['skipped']:,}. With problems: {counts['with_problems']:,}.",
    ]
    if dataset["imported_before"]:
        lines.append(dataset["imported_before"])
    organisations, counted = found["organisations"], found["organisation_counts"]
    lines.append(
        "Organisations: "
        f"{counted['by_identifier']:,} matched by identifier, "
        f"{counted['by_number']:,} by charity or company number, "
        f"{counted['by_name']:,} by name alone, {counted['new']:,} new."
    )
    unconfirmed = [row for row in organisations["by_name"] if not row["confirmed"]]
    for row in unconfirmed:
        lines.append(
            f"  To confirm: “{row['name_in_file']}” ({row['identifier']}) is “{row['organisation']}” "
            f"in the record? Give --confirm {row['identifier']} if so."
        )
    new_programmes = found["programmes"]["new"]
    if new_programmes:
        lines.append(f"New programmes: {', '.join(row['name'] for row in new_programmes)}.")
    for note in found["file"]["notes"]:
        lines.append(f"Note: {note}")
    if found["problems"]:
        lines.append(f"Problems ({_plural(counts['with_problems'], 'grant')}):")
        for problem in found["problems"][:SHOWN_IN_TEXT]:
            lines.append(f"  {problem['identifier']} ({problem['where']}): {problem['message']}")
        if len(found["problems"]) > SHOWN_IN_TEXT:
            lines.append(
                "  … and more: see them all with --verbosity 2, or in the admin's preview."
            )
    if found["fields_not_kept"]:
        lines.append(
            "Fields the record does not keep: "
            + ", ".join(row["field"] for row in found["fields_not_kept"])
            + "."
        )
    if counts["no_longer_in_file"]:
        lines.append(
            f"No longer in the file (kept, not deleted): {_plural(counts['no_longer_in_file'], 'award')}: "
            + ", ".join(found["no_longer_in_file"][:SHOWN_IN_TEXT])
        )
    if detail:
        for row in found["changed"]:
            changes = "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in row["changes"])
            lines.append(f"  Changed {row['identifier']}: {changes}")
        for row in found["problems"][SHOWN_IN_TEXT:]:
            lines.append(f"  {row['identifier']} ({row['where']}): {row['message']}")
        for row in found["notes"]:
            lines.append(f"  Note on {row['identifier']} ({row['where']}): {row['message']}")
    return lines
