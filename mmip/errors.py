"""The server-error view: a database that cannot be reached is a 503, not a 500.

Django turns an exception anywhere in the request (a view, or a middleware such as the page
cache asking for the record generation) into a call to handler500 while the exception is
still being handled, so the error can be told apart here. Neither page touches the database.
"""

import sys

from django import db
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

DATABASE_UNAVAILABLE = (db.OperationalError, db.InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable() -> bool:
    """Whether the exception being handled says the database cannot be reached."""
    _, error, _ = sys.exc_info()
    return isinstance(error, DATABASE_UNAVAILABLE)


def unavailable(response: HttpResponse) -> HttpResponse:
    """A 503 that asks to come back soon, and that no cache keeps."""
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request):
    if database_unavailable():
        return unavailable(HttpResponse(loader.get_template("503.html").render(), status=503))
    return default_server_error(request)
