"""The API's OpenAPI 3 schema (/api/v1/schema/) and its documentation (/api/docs/).

The documentation is Swagger UI, served from this site out of drf-spectacular-sidecar's
files, so it works offline. drf-spectacular's own Swagger page has an inline style and, unless
split, an inline script, both of which the site's Content-Security-Policy refuses; this page
is the site's own template, with the bundle and a small start-up script as files. Redoc
could not be used: it writes its styles into <style> elements as it runs, which the policy
refuses without 'unsafe-inline'."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.renderers import OpenApiJsonRenderer2
from drf_spectacular.views import SpectacularAPIView

from api.base import ReadOnlyEndpoint
from mmip.breadcrumbs import trail


class Schema(ReadOnlyEndpoint, SpectacularAPIView):
    """The schema of the request's version, as JSON (application/json) only: the page cache
    keeps one answer per address, so the address alone must decide the format."""

    renderer_classes = [OpenApiJsonRenderer2]
    schema = None  # not an endpoint of the record: left out of the schema itself

    def get(self, request, *args, **kwargs):
        return self.answer(request, lambda: super(Schema, self).get(request, *args, **kwargs))


@require_safe
def documentation(request):
    return render(
        request,
        "api/docs.html",
        {
            "breadcrumbs": trail(
                ("About the data", reverse("about-data")), ("API documentation", None)
            )
        },
    )
