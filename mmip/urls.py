from django.contrib import admin
from django.urls import include, path

from mmip import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("workstreams.urls")),
    path("skills/", include("skills.urls")),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("funding/", include("funding.urls")),
    path("admin/", admin.site.urls),
]
