from django.urls import path

from workstreams import views

urlpatterns = [
    path("workstreams/", views.WorkstreamListView.as_view(), name="workstream-list"),
    path(
        "workstreams/<slug:slug>/", views.WorkstreamDetailView.as_view(), name="workstream-detail"
    ),
]
