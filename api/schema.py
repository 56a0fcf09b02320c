"""What drf-spectacular cannot see for itself: the answers every endpoint may give besides
its 200 (errors of one shape, 304 to a client holding the current answer, 429 past a rate),
added to every operation of the schema."""

ERROR = "#/components/schemas/Errors"

ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "parameter": {
                        "type": "string",
                        "description": "The parameter of the query string at fault, where one is.",
                    },
                    "message": {"type": "string", "description": "What is wrong, in plain words."},
                },
            },
        }
    },
}


def _error(description: str, **extra) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR}}},
        **extra,
    }


def add_common_responses(result, generator, request, public):
    """A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation["responses"]
            responses["304"] = {
                "description": "Not modified: the request's If-None-Match or If-Modified-Since "
                "names the current answer. No body."
            }
            responses["400"] = _error(
                "A parameter cannot be used: each one at fault is named, with what is wrong."
            )
            if "{" in path:
                responses["404"] = _error("No public record has that identifier.")
            responses["429"] = _error(
                "Too many requests from this address.",
                headers={
                    "Retry-After": {
                        "description": "Seconds until the rate's window starts again.",
                        "schema": {"type": "integer"},
                    }
                },
            )
    return result
