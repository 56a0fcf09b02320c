from django.contrib.sitemaps.views import sitemap
from django.urls import path

from mmip.site import organisation_views, views, workstream_views
from mmip.site.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "workstreams/<slug:slug>/",
        workstream_views.WorkstreamDetailView.as_view(),
        name="workstream-detail",
    ),
    path(
        "indicators/<slug:slug>/",
        workstream_views.IndicatorDetailView.as_view(),
        name="indicator-detail",
    ),
    path("timeline/", workstream_views.TimelineView.as_view(), name="timeline"),
    path(
        "organisations/",
        organisation_views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(
        "organisations/<slug:slug>/",
        organisation_views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("search/", views.search, name="search"),
    path("about/data/", views.about_data, name="about-data"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "site/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
]
