from django.urls import path

from tracking import feeds, views

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/progress.csv", views.progress_csv, name="progress-csv"),
    path("progress/progress.json", views.progress_json, name="progress-json"),
    path(
        "commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="commitment-detail"
    ),
    path("feeds/updates/", feeds.UpdateFeed(), name="update-feed"),
    path("feeds/updates/<slug:slug>/", feeds.UpdateFeed(), name="workstream-update-feed"),
]
