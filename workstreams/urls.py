from django.urls import path

from workstreams import views
from workstreams.feeds import MilestoneFeed

urlpatterns = [
    path("workstreams/", views.WorkstreamListView.as_view(), name="workstream-list"),
    path("outputs/", views.OutputListView.as_view(), name="output-list"),
    path("feeds/milestones/", MilestoneFeed(), name="milestone-feed"),
]
