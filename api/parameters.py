"""What a query string may hold. A parameter the address does not take is refused with a
400 that names it: a misspelt filter (``fundr=``) silently ignored would hand back every
record as if it were the answer."""

from mmip.filtering import shown

# The funding explorer's page number: the API pages by cursor (api/paging.py).
PAGE_NUMBER = "page"


def unknown_parameters(query_params, allowed) -> list[tuple[str, str]]:
    """(parameter, message) for each parameter of query_params not in allowed."""
    allowed = list(allowed)
    problems = []
    for name in query_params:
        if name in allowed:
            continue
        if name == PAGE_NUMBER:
            if not any(query_params.getlist(name)):
                continue  # an empty page number asks for the first page, as on the explorer
            message = (
                "The API pages with cursors, not page numbers: leave page out for the first "
                "page, then follow each page's next link."
            )
        elif allowed:
            message = (
                f"There is no parameter “{shown(name)}” here. This address takes "
                f"{', '.join(allowed)}."
            )
        else:
            message = f"There is no parameter “{shown(name)}” here. This address takes none."
        problems.append((shown(name), message))
    return problems
