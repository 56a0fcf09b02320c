"""Every error the API gives is JSON of one shape, so a program reads them all one way:

    {"errors": [{"parameter": "per_page", "message": "A page holds ..."}]}

``parameter`` names the part of the query string at fault, and is left out where no single
parameter is (an unknown address, a method other than GET)."""

from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mmip import errors as site_errors
from mmip.filtering import shown


class ParameterError(exceptions.APIException):
    """400: one or more parameters of the query string cannot be used. ``problems`` is a
    list of (parameter, message)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(detail="; ".join(message for _, message in problems))


def error_body(*messages: str, problems: list[tuple[str, str]] = ()) -> dict:
    return {
        "errors": [
            *({"parameter": parameter, "message": message} for parameter, message in problems),
            *({"message": message} for message in messages),
        ]
    }


def _message(exc: exceptions.APIException, method: str) -> str:
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"The API is read-only: {shown(method)} is not allowed. Use GET."
    if isinstance(exc, exceptions.NotAcceptable):
        return "The API answers only in JSON: ask for application/json, or leave Accept out."
    detail = exc.detail
    if isinstance(detail, list | dict):
        return "; ".join(
            str(item) for item in (detail.values() if isinstance(detail, dict) else detail)
        )
    return str(detail)


def exception_handler(exc, context):
    """DRF's handler, with its answers rewritten into the one shape above."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ParameterError):
        response.data = error_body(problems=exc.problems)
    elif isinstance(exc, exceptions.APIException):
        response.data = error_body(_message(exc, context["request"].method))
    return response


def not_found(request, *args, **kwargs):
    """An address under /api/ that is nothing: JSON, as every other answer of the API."""
    return JsonResponse(
        error_body(
            f"There is nothing at {shown(request.path, limit=120)}. The API's endpoints are "
            "listed at /api/v1/."
        ),
        status=404,
    )


def server_error(request):
    """The project's handler500: under /api/ a program gets JSON of the one shape, a 503
    with Retry-After while the database cannot be reached and a 500 otherwise, never a
    page of HTML or a traceback; elsewhere, the site's own pages."""
    if not request.path.startswith("/api/"):
        return site_errors.server_error(request)
    if site_errors.database_unavailable():
        return site_errors.unavailable(
            JsonResponse(
                error_body(
                    "The record cannot be read just now. Try again in "
                    f"{site_errors.RETRY_AFTER_SECONDS} seconds."
                ),
                status=503,
            )
        )
    return JsonResponse(
        error_body("Something went wrong on our side. It has been logged; try again later."),
        status=500,
    )


def response_of(status_code: int, *messages: str, headers: dict | None = None) -> Response:
    return Response(error_body(*messages), status=status_code, headers=headers)
