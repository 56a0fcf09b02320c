"""Every app's addresses. The project's wiring, so the one core module that names them all."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("mmip.site.urls")),
    path("", include("workstreams.urls")),
    path("skills/", include("skills.urls")),
    path("funding/", include("funding.urls")),
    path("", include("tracking.urls")),
    path("api/", include("api.urls")),
    path("embed/", include("embed.urls")),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503 with a friendly page (mmip/errors.py), or
# under /api/ with JSON (api/errors.py).
handler500 = "api.errors.server_error"
