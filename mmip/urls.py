from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from mmip import views
from mmip.feeds import MilestoneFeed
from mmip.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("workstreams.urls")),
    path("skills/", include("skills.urls")),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("search/", views.search, name="search"),
    path("about/data/", views.about_data, name="about-data"),
    path("feeds/milestones/", MilestoneFeed(), name="milestone-feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "mmip/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("funding/", include("funding.urls")),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503 with a friendly page (mmip/errors.py).
handler500 = "mmip.errors.server_error"
