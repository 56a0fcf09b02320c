from django.urls import path

from workstreams import views

urlpatterns = [
    path("workstreams/", views.WorkstreamListView.as_view(), name="workstream-list"),
    path(
        "workstreams/<slug:slug>/", views.WorkstreamDetailView.as_view(), name="workstream-detail"
    ),
    path("indicators/<slug:slug>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("outputs/", views.OutputListView.as_view(), name="output-list"),
]
