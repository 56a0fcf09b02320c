from django.urls import path

from embed import builder, views

urlpatterns = [
    path("", builder.builder, name="embed-builder"),
    path("workstream/<slug:slug>/", views.workstream_widget, name="embed-workstream"),
    path(
        "organisation/<slug:slug>/awards/",
        views.organisation_awards_widget,
        name="embed-organisation-awards",
    ),
    path("funding/chart/", views.funding_chart_widget, name="embed-funding-chart"),
]
