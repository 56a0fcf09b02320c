"""The standard a funder's file is read against, from the copy kept in the repository
(mmip/standards.py), so that importing works offline: the 360Giving Data Standard's
schemas. The org-id register's list codes are there too, as the Organisation form checks
them as well."""

import copy
import functools
import json
from typing import TYPE_CHECKING

import fastjsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mmip.standards import GRANT_SCHEMA, PACKAGE_SCHEMA

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

# jsonschema is imported where a validator is first made, not here: with its format checkers
# it takes about a second and 30 MB to import, which every process of the site (each web
# worker, each command) would pay at start-up for the few that import a file.


@functools.cache
def grant_schema() -> dict:
    return json.loads(GRANT_SCHEMA.read_text(encoding="utf-8"))


@functools.cache
def grant_validator() -> "Draft202012Validator":
    """One grant against the standard. The schema declares its draft in a spelling the
    referencing package does not detect, so the draft is named; FormatChecker (with
    jsonschema[format-nongpl]) is what tells a date from a date-time in its oneOf."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(grant_schema(), format_checker=FormatChecker())


@functools.cache
def _grant_is_valid():
    """The same schema compiled to plain Python (fastjsonschema), some twenty times faster:
    a file of 100,000 grants is checked in seconds. It stops at the first error, so a grant
    it finds invalid is checked again by grant_validator() for every error in full. It
    knows drafts up to 7, which is all this schema uses (its $defs are plain pointers)."""
    schema = copy.deepcopy(grant_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def grant_errors(grant) -> list[tuple[tuple, str]]:
    """Each way the grant is not valid against the standard, as (path, message in plain
    words), such as (("amountAwarded",), "Amount Awarded is “£1,500”, which is not a
    number."). Empty when it is valid."""
    try:
        _grant_is_valid()(grant)
    except fastjsonschema.JsonSchemaValueException as error:
        found = [_in_words(e) for e in grant_validator().iter_errors(grant)]
        return found or [(tuple(error.path[1:]), error.message)]
    return []


def _in_words(error) -> tuple[tuple, str]:
    path = tuple(error.absolute_path)
    title = field_title(path) if path else "The grant"
    value = error.instance
    shown = f"“{value}”" if isinstance(value, str) else json.dumps(value, default=str)[:80]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        where = f"{title} has no" if path else "The grant has no"
        return (*path, missing), f"{where} {field_title((*path, missing)).split(': ')[-1]}."
    if error.validator == "oneOf" and not path:
        return (), _root_rule_in_words(error)
    if error.validator == "oneOf":
        return path, f"{title} {shown} is not a date (YYYY-MM-DD) or a date and time."
    if error.validator == "type":
        expected = error.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        words = {
            "number": "a number",
            "integer": "a whole number",
            "string": "text",
            "array": "a list",
            "object": "a group of fields",
            "boolean": "true or false",
            "null": "empty",
        }
        wanted = " or ".join(words.get(kind, kind) for kind in kinds)
        return path, f"{title} is {shown}, which is not {wanted}."
    if error.validator == "format":
        kind = {"uri": "a web address", "date-time": "a date and time"}.get(
            error.validator_value, error.validator_value
        )
        return path, f"{title} {shown} is not {kind}."
    if error.validator == "enum":
        return path, f"{title} {shown} is not one of the standard's codes."
    if error.validator == "minItems":
        return path, f"{title} is an empty list."
    return path, f"{title}: {error.message}"


def _root_rule_in_words(error) -> str:
    """The standard's one rule on a whole grant: its required fields, with a recipient
    organisation or a recipient individual but not both (a oneOf of two lists)."""
    missing: dict[int, set[str]] = {}
    for branch in error.context:
        if branch.validator == "required":
            name = branch.message.split("'")[1]
            missing.setdefault(branch.relative_schema_path[0], set()).add(name)
    if len(missing) < 2:
        return "The grant names both a recipient organisation and a recipient individual."
    common = set.intersection(*missing.values())
    words = [f"The grant has no {field_title((name,))}." for name in sorted(common)]
    if all(branch - common for branch in missing.values()):
        words.append("The grant names neither a recipient organisation nor a recipient individual.")
    return " ".join(words)


@functools.cache
def package_validator() -> "Draft202012Validator":
    """A package's own fields (title, publisher, licence, dates) against the standard: the
    grants are checked one at a time as they stream past, so they are left out here."""
    from jsonschema import Draft202012Validator, FormatChecker

    package = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    grant_url = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resource(grant_url, DRAFT202012.create_resource(grant_schema()))
    without_grants = {
        **package,
        "required": [name for name in package.get("required", []) if name != "grants"],
        "properties": {
            name: value for name, value in package["properties"].items() if name != "grants"
        },
    }
    return Draft202012Validator(without_grants, registry=registry, format_checker=FormatChecker())


def field_title(path: tuple) -> str:
    """The standard's own title for a field of a grant, as its spreadsheet columns are
    headed ("Recipient Org: Charity Number"), from a path such as
    ("recipientOrganization", 0, "charityNumber")."""
    schema, titles = grant_schema(), []
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
            continue
        node = _resolved(schema, node.get("items", node)).get("properties", {}).get(part)
        if node is None:
            titles.append(str(part))
            break
        node = {**_resolved(schema, node), **node}
        titles.append(node.get("title", str(part)))
    return ": ".join(titles)


def _resolved(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return schema["$defs"][ref.removeprefix("#/$defs/")]
    return node
