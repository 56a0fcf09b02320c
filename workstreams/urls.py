from django.urls import path

from workstreams import views

urlpatterns = [
    path("", views.WorkstreamListView.as_view(), name="workstream-list"),
    path("<slug:slug>/", views.WorkstreamDetailView.as_view(), name="workstream-detail"),
]
